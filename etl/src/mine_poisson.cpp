// Poisson tail scores of daily event counts against a calendar-following rate.
#include "mine_poisson.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace autopilot::mining {

namespace {

constexpr double kMaxZ = 37;

// z with P(Z ≥ z) = p for a standard normal, for p in (0, 0.5]: bisection on erfc, which is
// exact enough for scores and keeps the code free of approximation tables.
double upper_z(double p)
{
    if (p >= 0.5)
        return 0;
    if (!(p > 0))
        return kMaxZ;
    double lo = 0, hi = kMaxZ;
    for (int i = 0; i < 80; ++i) {
        const double mid = (lo + hi) / 2;
        (0.5 * std::erfc(mid / std::sqrt(2.0)) > p ? lo : hi) = mid;
    }
    return (lo + hi) / 2;
}

double log_pmf(double k, double rate) { return -rate + k * std::log(rate) - std::lgamma(k + 1); }

}  // namespace

double poisson_tail_z(double y, double rate)
{
    y = std::max(0.0, std::round(y));
    if (!(rate > 0))
        return y > 0 ? kMaxZ : 0;
    if (y > rate) {
        // P(X ≥ y): terms fall from k = y on; sum until they no longer matter.
        double p = 0;
        for (double k = y; k < y + 1000; ++k) {
            const double term = std::exp(log_pmf(k, rate));
            p += term;
            if (term < p * 1e-12)
                break;
        }
        return upper_z(std::min(0.5, p));
    }
    if (y < rate) {
        double p = 0;
        for (double k = 0; k <= y; ++k)
            p += std::exp(log_pmf(k, rate));
        return -upper_z(std::min(0.5, p));
    }
    return 0;
}

std::vector<double> chain_factor(const std::vector<double> &totals)
{
    double mean = 0;
    for (double v : totals)
        mean += v / double(totals.size());
    std::vector<double> f(totals.size(), 1.0);
    if (mean > 0)
        for (size_t t = 0; t < totals.size(); ++t)
            f[t] = std::max(totals[t] / mean, 1e-3);
    return f;
}

std::vector<CountScore> score_counts(const std::vector<double> &counts, const std::vector<double> &chain,
                                     const CountScoreOptions &opt)
{
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const int n = static_cast<int>(counts.size());
    std::vector<CountScore> out(static_cast<size_t>(n), {nan, 0});
    // Prefix sums make every window O(1).
    std::vector<double> cs(static_cast<size_t>(n) + 1, 0), fs(static_cast<size_t>(n) + 1, 0);
    for (int t = 0; t < n; ++t) {
        cs[t + 1] = cs[t] + counts[t];
        fs[t + 1] = fs[t] + chain[t];
    }
    for (int t = 0; t < n; ++t) {
        const int lo = std::max(0, t - opt.window_days), hi = std::min(n - 1, t + opt.window_days);
        if (hi - lo < opt.min_window_days)
            continue;
        // Half a pseudo-event keeps a store that sold nothing around t from turning one sale
        // into an infinite score.
        const double events = cs[hi + 1] - cs[lo] - counts[t] + 0.5;
        const double exposure = fs[hi + 1] - fs[lo] - chain[t];
        if (!(exposure > 0))
            continue;
        out[t].rate = chain[t] * events / exposure;
        out[t].z = poisson_tail_z(counts[t], out[t].rate);
    }
    return out;
}

}  // namespace autopilot::mining
