// The cycle's building block. Each stage of collect -> learn -> advise -> apply -> verify is a
// CycleStep; steps.cpp lists them in order (one line each), so a component plugs in its stage
// without touching the service. A step gets everything it may use through Context.
#pragma once

#include "config.hpp"
#include "metrics.hpp"

#include <any>
#include <atomic>
#include <functional>
#include <memory>
#include <pqxx/pqxx>
#include <string>
#include <string_view>
#include <typeindex>
#include <unordered_map>
#include <vector>

namespace autopilot
{

// Per-type state that outlives a cycle (a loaded model, a what-if cache): a step asks for
// `ctx.state.get<MyState>()` and gets the same object next cycle. Survives reconnects and SIGHUP.
class StateStore
{
  public:
    template <class T> T &get()
    {
        auto &slot = slots_[std::type_index(typeid(T))];
        if (!slot.has_value())
            slot = std::make_shared<T>();
        return *std::any_cast<std::shared_ptr<T> &>(slot);
    }
    template <class T> T *find()
    {
        auto it = slots_.find(std::type_index(typeid(T)));
        return it == slots_.end() ? nullptr : std::any_cast<std::shared_ptr<T> &>(it->second).get();
    }

  private:
    std::unordered_map<std::type_index, std::any> slots_;
};

struct Context {
    const Config &config;
    // The daemon's connection (role autopilot_daemon, extension version checked, LISTENing).
    // Use short transactions: notifications are only delivered between them.
    pqxx::connection_base &db;
    Metrics &metrics;
    StateStore &state;
    // --dry-run: recommend, never build, drop or revert anything.
    bool dry_run = false;
    // Set by SIGTERM: finish or abandon the current unit of work cleanly and return soon.
    const std::atomic<bool> &stop;
    // Long operations call this at least every 30 s (it pings the systemd watchdog).
    std::function<void()> heartbeat;

    bool stopping() const { return stop.load(); }
};

class CycleStep
{
  public:
    virtual ~CycleStep() = default;
    virtual std::string_view name() const = 0;
    // Throws on failure; the service logs it with the step's name, counts it and goes on with the
    // next step (a pqxx::broken_connection ends the cycle and reconnects instead).
    virtual void run(Context &ctx) = 0;
};

// A stage whose component has not landed yet: does nothing.
class NoopStep : public CycleStep
{
  public:
    explicit NoopStep(std::string name) : name_(std::move(name)) {}
    std::string_view name() const override { return name_; }
    void run(Context &) override {}

  private:
    std::string name_;
};

// The cycle, in order (steps.cpp).
std::vector<std::unique_ptr<CycleStep>> make_cycle_steps();

}  // namespace autopilot
