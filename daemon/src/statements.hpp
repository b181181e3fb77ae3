// Builds the advisor's workload (pure): pg_stat_statements deltas and captured samples grouped by
// fingerprint, each statement weighted by its time in the window, costed with a captured real text
// when there is one (pg_stat_statements' normalized text is not always valid SQL), with the columns
// it uses from its parse tree and from the capture's predicate columns.
#pragma once

#include "collect.hpp"
#include "workload.hpp"

#include <vector>

namespace autopilot {

struct WorkloadOptions {
    size_t max_statements = 200;     // the heaviest statements (by time in the window) are advised
    double sample_rate = 1;          // capture sampling rate: a sample stands for 1/rate executions
};

std::vector<WorkloadStatement> build_workload(const std::vector<PssRow> &delta, const std::vector<SampleRow> &samples,
                                              const Catalog &catalog, double window_hours,
                                              const WorkloadOptions &options = {});

// Sets each table's writes_per_hour from the workload's INSERT/UPDATE/DELETE statements (rows per
// call × calls per hour): the window the advice is about, not a bulk load before it.
void apply_write_rates(const std::vector<WorkloadStatement> &workload, Catalog &catalog);

} // namespace autopilot
