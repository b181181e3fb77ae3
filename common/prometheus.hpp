// A small Prometheus registry (text exposition format 0.0.4): counters, gauges and histograms with
// labels, thread-safe, rendered on demand. Shared by autopilotd and autopilot-web.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace autopilot::prometheus {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Registry {
public:
    // Declares a metric family once (HELP and TYPE lines); later calls with the same name are no-ops.
    void declare(const std::string &name, const std::string &type, const std::string &help);
    void declare_histogram(const std::string &name, const std::string &help, std::vector<double> buckets);

    void inc(const std::string &name, const Labels &labels = {}, double by = 1.0);
    void set(const std::string &name, const Labels &labels, double value);
    void observe(const std::string &name, const Labels &labels, double value);

    std::string render() const;

private:
    struct Family {
        std::string type, help;
        std::vector<double> buckets;
        std::map<std::string, double> values;  // rendered label set -> value (counter, gauge)
        struct Hist {
            std::vector<double> counts;  // per bucket, cumulative at render time
            double sum = 0;
            double count = 0;
        };
        std::map<std::string, Hist> hists;  // rendered label set -> histogram
    };
    mutable std::mutex mutex_;
    std::map<std::string, Family> families_;
};

// Escapes a label value per the exposition format (backslash, double quote, newline).
std::string escape_label(const std::string &value);
std::string render_labels(const Labels &labels);

}  // namespace autopilot::prometheus
