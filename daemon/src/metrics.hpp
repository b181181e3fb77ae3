// Prometheus metrics: a registry of counters and gauges any step may update, rendered in the
// text exposition format, served on a loopback address by MetricsServer (cpp-httplib).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace autopilot
{

class Metrics
{
  public:
    Metrics();
    // Declares a family ("counter" or "gauge") with its help text; idempotent.
    void describe(const std::string &name, const std::string &type, const std::string &help);
    // labels: Prometheus label text without braces, e.g. status="pending".
    void add(const std::string &name, double delta = 1, const std::string &labels = "");
    void set(const std::string &name, double value, const std::string &labels = "");
    // Forgets every sample of a family (before re-setting a gauge whose label set changes).
    void clear(const std::string &name);
    double value(const std::string &name, const std::string &labels = "") const;
    std::string render() const;

  private:
    struct Family {
        std::string type = "gauge", help;
        std::map<std::string, double> samples;  // labels -> value
    };
    mutable std::mutex mutex_;
    std::map<std::string, Family> families_;
};

class MetricsServer
{
  public:
    explicit MetricsServer(const Metrics &metrics);
    ~MetricsServer();
    // "HOST:PORT" (port 0: any free port). Returns the bound port; throws std::runtime_error.
    int start(const std::string &listen);
    void stop();

  private:
    struct Impl;
    const Metrics &metrics_;
    std::unique_ptr<Impl> impl_;
    std::thread thread_;
};

// True for 127.0.0.0/8, ::1 and localhost.
bool is_loopback_host(const std::string &host);

}  // namespace autopilot
