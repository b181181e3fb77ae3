// Latency figures of a workload run: per-template samples and their percentiles. Pure.
#pragma once

#include <vector>

namespace autopilot::etl {

// The q-quantile (0..1) of samples by linear interpolation between closest ranks (the same
// definition as PostgreSQL's percentile_cont). 0 for no samples. Sorts a copy.
double percentile(std::vector<double> samples, double q);

}  // namespace autopilot::etl
