// The verify stage: once an index has been in place for the verify window, compare the real
// latency of the statements it was meant to speed up, before and after (pg_stat_statements
// deltas), record the measured gain, and take the index back when things got worse.
#pragma once

#include "step.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace autopilot
{

struct StatementCounters {
    std::int64_t queryid = 0;
    double calls = 0;
    double total_ms = 0;
};

struct Measurement {
    double calls_after = 0;  // executions since the build started, over the measured statements
    double before_ms = 0;    // mean latency before, weighted by the calls after
    double after_ms = 0;     // mean latency after
    double gain_pct = 0;     // (before - after) / before * 100; negative: slower
    int statements = 0;      // statements with both a baseline and executions since
};

// Pure. `baseline`: counters when the build started; `now`: counters now. A statement whose
// counters went down was reset (pg_stat_statements_reset): its current counters are all "after".
Measurement measure(const std::vector<StatementCounters> &baseline, const std::vector<StatementCounters> &now);

enum class Verdict {
    wait,    // not enough executions yet
    keep,    // verified
    revert,  // worse beyond the threshold, auto_revert on
    report,  // worse beyond the threshold, auto_revert off: verified, flagged as a regression
};

Verdict judge(const Measurement &m, long min_calls, double regression_threshold_pct, bool auto_revert);

class VerifyStep : public CycleStep
{
  public:
    std::string_view name() const override { return "verify"; }
    void run(Context &ctx) override;
};

}  // namespace autopilot
