// Percentiles of latency samples.
#include "latency_stats.hpp"

#include <algorithm>
#include <cmath>

namespace autopilot::etl {

double percentile(std::vector<double> samples, double q)
{
    if (samples.empty())
        return 0;
    q = std::clamp(q, 0.0, 1.0);
    std::sort(samples.begin(), samples.end());
    const double pos = q * static_cast<double>(samples.size() - 1);
    const auto lo = static_cast<size_t>(std::floor(pos));
    const auto hi = static_cast<size_t>(std::ceil(pos));
    return samples[lo] + (samples[hi] - samples[lo]) * (pos - static_cast<double>(lo));
}

}  // namespace autopilot::etl
