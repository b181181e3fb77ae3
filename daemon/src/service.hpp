// The daemon as a service: connects (and reconnects with back-off), runs the cycle every
// interval, applies approvals as soon as their NOTIFY arrives, reloads on SIGHUP, stops between
// steps on SIGTERM, and talks to systemd (READY, WATCHDOG, STOPPING, STATUS).
#pragma once

#include "command_line.hpp"
#include "config.hpp"
#include "listener.hpp"
#include "metrics.hpp"
#include "signals.hpp"
#include "step.hpp"

#include <chrono>
#include <memory>
#include <pqxx/pqxx>

namespace autopilot
{

// The connection could not be used (lost, refused, or another daemon holds the database).
class ConnectionLost : public std::runtime_error
{
  public:
    using std::runtime_error::runtime_error;
};

class Service
{
  public:
    Service(Options options, Config config, SignalWatcher &signals);
    ~Service();
    ExitCode run();

  private:
    void connect();
    void disconnect();
    bool run_cycle();
    bool run_step(CycleStep &step);
    void idle_until_next_cycle();
    void reload_config();
    void refresh_recommendation_gauges();
    void heartbeat();
    bool sleep_unless_stopped(std::chrono::milliseconds d);
    Context context();

    Options options_;
    Config config_;
    SignalWatcher &signals_;
    Metrics metrics_;
    std::unique_ptr<MetricsServer> metrics_server_;
    StateStore state_;
    std::vector<std::unique_ptr<CycleStep>> steps_;
    std::unique_ptr<pqxx::connection> db_;
    std::unique_ptr<Listener> listener_;
    std::chrono::steady_clock::time_point last_watchdog_{};
    bool watchdog_enabled_ = false;
};

}  // namespace autopilot
