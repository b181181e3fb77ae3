// Metrics registry and its HTTP endpoint.
#include "metrics.hpp"

#include <chrono>
#include <cmath>
#include <httplib.h>
#include <sstream>
#include <stdexcept>

namespace autopilot
{

Metrics::Metrics()
{
    describe("autopilot_cycles_total", "counter", "Cycles run (collect, learn, advise, apply, verify).");
    describe("autopilot_cycle_failures_total", "counter", "Cycle steps that failed, by step.");
    describe("autopilot_last_cycle_timestamp_seconds", "gauge", "When the last cycle ended (Unix time).");
    describe("autopilot_last_cycle_duration_seconds", "gauge", "How long the last cycle took.");
    describe("autopilot_builds_total", "counter", "Index builds, by result (ok, failed, retried, interrupted).");
    describe("autopilot_reverts_total", "counter", "Indexes dropped by a revert, by reason (admin, regression).");
    describe("autopilot_regressions_total", "counter",
             "Regressions detected after a build, by action (reverted, reported).");
    describe("autopilot_recommendations", "gauge", "Recommendations by status.");
    describe("autopilot_database_up", "gauge", "1 when the daemon is connected to PostgreSQL.");
    describe("autopilot_reconnects_total", "counter", "Reconnections to PostgreSQL.");
}

void Metrics::describe(const std::string &name, const std::string &type, const std::string &help)
{
    std::lock_guard<std::mutex> lock(mutex_);
    auto &f = families_[name];
    f.type = type;
    f.help = help;
}

void Metrics::add(const std::string &name, double delta, const std::string &labels)
{
    std::lock_guard<std::mutex> lock(mutex_);
    families_[name].samples[labels] += delta;
}

void Metrics::set(const std::string &name, double value, const std::string &labels)
{
    std::lock_guard<std::mutex> lock(mutex_);
    families_[name].samples[labels] = value;
}

void Metrics::clear(const std::string &name)
{
    std::lock_guard<std::mutex> lock(mutex_);
    families_[name].samples.clear();
}

double Metrics::value(const std::string &name, const std::string &labels) const
{
    std::lock_guard<std::mutex> lock(mutex_);
    auto f = families_.find(name);
    if (f == families_.end())
        return 0;
    auto s = f->second.samples.find(labels);
    return s == f->second.samples.end() ? 0 : s->second;
}

std::string Metrics::render() const
{
    std::lock_guard<std::mutex> lock(mutex_);
    std::ostringstream out;
    out.precision(17);
    for (const auto &[name, f] : families_) {
        if (!f.help.empty())
            out << "# HELP " << name << ' ' << f.help << '\n';
        out << "# TYPE " << name << ' ' << f.type << '\n';
        // A counter nobody has incremented yet is still 0, so rate() works from the start.
        if (f.samples.empty() && f.type == "counter")
            out << name << " 0\n";
        for (const auto &[labels, v] : f.samples) {
            out << name;
            if (!labels.empty())
                out << '{' << labels << '}';
            out << ' ';
            if (std::isnan(v))
                out << "NaN";
            else
                out << v;
            out << '\n';
        }
    }
    return out.str();
}

bool is_loopback_host(const std::string &host)
{
    return host == "localhost" || host == "::1" || host == "[::1]" || host.rfind("127.", 0) == 0;
}

struct MetricsServer::Impl {
    httplib::Server server;
};

MetricsServer::MetricsServer(const Metrics &metrics) : metrics_(metrics), impl_(std::make_unique<Impl>()) {}

MetricsServer::~MetricsServer()
{
    stop();
}

int MetricsServer::start(const std::string &listen)
{
    const auto colon = listen.rfind(':');
    if (colon == std::string::npos)
        throw std::runtime_error("metrics address \"" + listen + "\" is not HOST:PORT");
    std::string host = listen.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    int port = 0;
    try {
        port = std::stoi(listen.substr(colon + 1));
    } catch (const std::exception &) {
        throw std::runtime_error("metrics address \"" + listen + "\" has no valid port");
    }
    impl_->server.Get("/metrics", [this](const httplib::Request &, httplib::Response &res) {
        res.set_content(metrics_.render(), "text/plain; version=0.0.4; charset=utf-8");
    });
    impl_->server.Get("/", [](const httplib::Request &, httplib::Response &res) {
        res.set_content("autopilotd: see /metrics\n", "text/plain");
    });
    int bound = port;
    if (port == 0)
        bound = impl_->server.bind_to_any_port(host.c_str());
    else if (!impl_->server.bind_to_port(host.c_str(), port))
        bound = -1;
    if (bound < 0)
        throw std::runtime_error("cannot listen for metrics on " + listen);
    thread_ = std::thread([this] { impl_->server.listen_after_bind(); });
    // httplib's stop() is a no-op until the loop runs: wait for it, or a quick stop() would leave
    // the thread listening forever and join() would hang.
    for (int i = 0; i < 500 && !impl_->server.is_running(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return bound;
}

void MetricsServer::stop()
{
    if (thread_.joinable()) {
        impl_->server.stop();
        thread_.join();
    }
}

}  // namespace autopilot
