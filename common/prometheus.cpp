// Prometheus text exposition: families in name order, HELP/TYPE first, histogram buckets cumulative.
#include "prometheus.hpp"

#include <cmath>
#include <cstdio>
#include <limits>

namespace autopilot::prometheus {

std::string escape_label(const std::string &value)
{
    std::string out;
    out.reserve(value.size());
    for (char c : value) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

std::string render_labels(const Labels &labels)
{
    if (labels.empty())
        return {};
    std::string out = "{";
    for (size_t i = 0; i < labels.size(); ++i) {
        if (i)
            out += ',';
        out += labels[i].first + "=\"" + escape_label(labels[i].second) + "\"";
    }
    return out + "}";
}

static std::string number(double v)
{
    if (std::isinf(v))
        return v > 0 ? "+Inf" : "-Inf";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.15g", v);
    return buf;
}

void Registry::declare(const std::string &name, const std::string &type, const std::string &help)
{
    std::lock_guard<std::mutex> lock(mutex_);
    auto &f = families_[name];
    if (f.type.empty()) {
        f.type = type;
        f.help = help;
    }
}

void Registry::declare_histogram(const std::string &name, const std::string &help, std::vector<double> buckets)
{
    std::lock_guard<std::mutex> lock(mutex_);
    auto &f = families_[name];
    if (f.type.empty()) {
        f.type = "histogram";
        f.help = help;
        f.buckets = std::move(buckets);
    }
}

void Registry::inc(const std::string &name, const Labels &labels, double by)
{
    std::lock_guard<std::mutex> lock(mutex_);
    families_[name].values[render_labels(labels)] += by;
}

void Registry::set(const std::string &name, const Labels &labels, double value)
{
    std::lock_guard<std::mutex> lock(mutex_);
    families_[name].values[render_labels(labels)] = value;
}

void Registry::observe(const std::string &name, const Labels &labels, double value)
{
    std::lock_guard<std::mutex> lock(mutex_);
    auto &f = families_[name];
    auto &h = f.hists[render_labels(labels)];
    if (h.counts.size() != f.buckets.size())
        h.counts.assign(f.buckets.size(), 0);
    for (size_t i = 0; i < f.buckets.size(); ++i)
        if (value <= f.buckets[i])
            h.counts[i] += 1;
    h.sum += value;
    h.count += 1;
}

std::string Registry::render() const
{
    std::lock_guard<std::mutex> lock(mutex_);
    std::string out;
    for (const auto &[name, f] : families_) {
        out += "# HELP " + name + " " + f.help + "\n# TYPE " + name + " " + (f.type.empty() ? "untyped" : f.type) + "\n";
        for (const auto &[labels, v] : f.values)
            out += name + labels + " " + number(v) + "\n";
        for (const auto &[labels, h] : f.hists) {
            // Insert le="..." into the label set.
            const std::string inner = labels.empty() ? "" : labels.substr(1, labels.size() - 2) + ",";
            for (size_t i = 0; i < f.buckets.size(); ++i)
                out += name + "_bucket{" + inner + "le=\"" + number(f.buckets[i]) + "\"} " + number(h.counts[i]) + "\n";
            out += name + "_bucket{" + inner + "le=\"+Inf\"} " + number(h.count) + "\n";
            out += name + "_sum" + labels + " " + number(h.sum) + "\n";
            out += name + "_count" + labels + " " + number(h.count) + "\n";
        }
    }
    return out;
}

}  // namespace autopilot::prometheus
