// The advisor's two cycle stages: `collect` (drain the capture ring, snapshot pg_stat_statements
// into a sliding window) and `advise` (run the advisor over that window, then print the report with
// --dry-run or record the recommendations). The choice of latency predictor is made in one place,
// latency_predictor_for(), so the learned model plugs in there.
#pragma once

#include "advise.hpp"
#include "collect.hpp"
#include "config.hpp"
#include "step.hpp"

#include <deque>
#include <memory>

namespace autopilot
{

// The advisor's settings from [advisor] (storage_budget is parsed by config.cpp, the rest are
// advisor-owned keys kept in Config::extra). Throws ConfigError naming the key on a bad value.
struct AdviseSettings {
    AdvisorOptions advisor;
    double window_hours = 24;     // advisor.window: how much history the advice is about
    double min_window_hours = 1;  // advisor.min_window: before the daemon observed this long itself,
                                  // pg_stat_statements' counters since their reset are the window
    // advisor.collect_samples: drain the capture ring (one per cluster) into autopilot.samples. Turn
    // it off for all daemons but one when several share a cluster: a drain takes every database's
    // samples, and a sample drained into another database is not seen by this one.
    bool collect_samples = true;
};
AdviseSettings advise_settings(const Config &config);

// pg_stat_statements snapshots over a sliding window (pure). The oldest kept snapshot is the
// window's start; snapshots are thinned so at most `max_kept` are held whatever the cycle interval.
class SnapshotWindow
{
  public:
    explicit SnapshotWindow(double hours = 24, double min_hours = 1, size_t max_kept = 24)
        : hours_(hours), min_hours_(min_hours), max_kept_(max_kept < 2 ? 2 : max_kept)
    {
    }
    void set_span(double hours, double min_hours)
    {
        hours_ = hours;
        min_hours_ = min_hours;
    }
    // Adds the newest snapshot. A reset or restart in between starts a new window.
    void add(PssSnapshot snapshot);
    // The window's start: null (count since the statistics' reset) until the kept snapshots span
    // min_hours; then the oldest snapshot at most `hours` old.
    const PssSnapshot *base() const;
    const PssSnapshot *newest() const { return kept_.empty() ? nullptr : &kept_.back(); }
    size_t size() const { return kept_.size(); }

  private:
    double hours_, min_hours_;
    size_t max_kept_;
    std::deque<PssSnapshot> kept_;
};

// What the advisor keeps between cycles (Context::state).
struct AdvisorState {
    SnapshotWindow window;
};

// Which predictor judges plans in this cycle: the learned latency model the learn step published
// (ActiveLatency) when one is active, else the calibrated optimizer cost. Never null.
std::shared_ptr<const LatencyPredictor> latency_predictor_for(Context &ctx);

class CollectStep : public CycleStep
{
  public:
    std::string_view name() const override { return "collect"; }
    void run(Context &ctx) override;
};

class AdviseStep : public CycleStep
{
  public:
    std::string_view name() const override { return "advise"; }
    void run(Context &ctx) override;
};

}  // namespace autopilot
