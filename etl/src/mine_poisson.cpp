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

double poisson_upper_tail(double y, double rate)
{
    y = std::max(0.0, std::round(y));
    if (y <= 0)
        return 1;
    if (!(rate > 0))
        return 0;
    if (y <= rate)
        return 1 - poisson_lower_tail(y - 1, rate);
    // Terms fall from k = y on; sum until they no longer matter.
    double p = 0;
    for (double k = y; k < y + 1000; ++k) {
        const double term = std::exp(log_pmf(k, rate));
        p += term;
        if (term < p * 1e-12)
            break;
    }
    return std::min(1.0, p);
}

double poisson_lower_tail(double y, double rate)
{
    y = std::round(y);
    if (y < 0)
        return 0;
    if (!(rate > 0))
        return 1;
    double p = 0;
    for (double k = 0; k <= y; ++k)
        p += std::exp(log_pmf(k, rate));
    return std::min(1.0, p);
}

double normal_upper_z(double p) { return upper_z(p); }

double binomial_upper_tail(double k, double n, double p)
{
    k = std::max(0.0, std::round(k));
    n = std::round(n);
    if (k <= 0)
        return 1;
    if (k > n || !(p > 0))
        return 0;
    if (p >= 1)
        return 1;
    double tail = 0;
    for (double j = k; j <= n; ++j)
        tail += std::exp(std::lgamma(n + 1) - std::lgamma(j + 1) - std::lgamma(n - j + 1) + j * std::log(p) +
                         (n - j) * std::log1p(-p));
    return std::min(1.0, tail);
}

double binomial_tail_z(double k, double n, double p)
{
    k = std::max(0.0, std::round(k));
    n = std::round(n);
    const double mean = n * p;
    if (k > mean)
        return upper_z(std::min(0.5, binomial_upper_tail(k, n, p)));
    if (k < mean)
        return -upper_z(std::min(0.5, 1 - binomial_upper_tail(k + 1, n, p)));
    return 0;
}

double poisson_tail_z(double y, double rate)
{
    y = std::max(0.0, std::round(y));
    if (!(rate > 0))
        return y > 0 ? kMaxZ : 0;
    if (y > rate)
        return upper_z(std::min(0.5, poisson_upper_tail(y, rate)));
    if (y < rate)
        return -upper_z(std::min(0.5, poisson_lower_tail(y, rate)));
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

double bonferroni_z(double alpha, int64_t tests)
{
    return upper_z(alpha / static_cast<double>(std::max<int64_t>(tests, 1)));
}

ScanResult scan_counts(const std::vector<double> &counts, const std::vector<double> &exposure,
                       const ScanOptions &opt, const std::vector<ScanHit> &exclude)
{
    ScanResult res;
    const int n = static_cast<int>(counts.size());
    std::vector<char> masked(static_cast<size_t>(n), 0);
    for (const auto &h : exclude)
        for (int t = std::max(0, h.first); t <= std::min(n - 1, h.last); ++t)
            masked[static_cast<size_t>(t)] = 1;
    // Prefix sums make every window and its neighbourhood O(1): cs/es over all days for the
    // window itself, us/ues/un over the days not excluded for the neighbourhood.
    const size_t n1 = static_cast<size_t>(n) + 1;
    std::vector<double> cs(n1, 0), es(n1, 0), us(n1, 0), ues(n1, 0), un(n1, 0);
    for (int t = 0; t < n; ++t) {
        const bool use = !masked[static_cast<size_t>(t)];
        cs[t + 1] = cs[t] + counts[t];
        es[t + 1] = es[t] + exposure[t];
        us[t + 1] = us[t] + (use ? counts[t] : 0);
        ues[t + 1] = ues[t] + (use ? exposure[t] : 0);
        un[t + 1] = un[t] + (use ? 1 : 0);
    }
    for (const int len : opt.lengths) {
        for (int a = 0; a + len <= n; ++a) {
            const int b = a + len - 1;
            const int lo = std::max(0, a - opt.window_days), hi = std::min(n - 1, b + opt.window_days);
            const double days_out = un[hi + 1] - un[lo] - (un[b + 1] - un[a]);
            if (days_out < opt.min_window_days)
                continue;
            const double exp_in = es[b + 1] - es[a];
            const double exp_out = ues[hi + 1] - ues[lo] - (ues[b + 1] - ues[a]);
            if (!(exp_in > 0) || !(exp_out > 0))
                continue;
            ++res.tests;
            // Half a pseudo-event keeps a store that sold nothing around the window from turning
            // one sale into an infinite score.
            const double events_out = us[hi + 1] - us[lo] - (us[b + 1] - us[a]) + 0.5;
            const double expected = exp_in * events_out / exp_out;
            const double observed = cs[b + 1] - cs[a];
            if (opt.spikes_only && observed <= expected)
                continue;
            // Cheap screen first: a window within 0.8 report_z Poisson standard deviations of its
            // expectation cannot reach report_z (exact tails stay within ~10% of the normal
            // approximation there, and a binomial's sd is smaller by sqrt(1 - p) only).
            if (std::fabs(observed - expected) < 0.8 * opt.report_z * std::sqrt(expected) && observed > 0)
                continue;
            const double z = opt.model == ScanOptions::Model::kPoisson
                                 ? poisson_tail_z(observed, expected)
                                 : binomial_tail_z(observed, exp_in, std::min(events_out / exp_out, 1.0));
            if (std::fabs(z) >= opt.report_z)
                res.hits.push_back({a, b, observed, expected, z});
        }
    }
    return res;
}

std::vector<ScanHit> strongest_disjoint(std::vector<ScanHit> hits, double threshold_z)
{
    hits.erase(std::remove_if(hits.begin(), hits.end(), [&](const ScanHit &h) { return std::fabs(h.z) < threshold_z; }),
               hits.end());
    std::sort(hits.begin(), hits.end(), [](const ScanHit &x, const ScanHit &y) {
        if (std::fabs(x.z) != std::fabs(y.z))
            return std::fabs(x.z) > std::fabs(y.z);
        if (x.last - x.first != y.last - y.first)
            return x.last - x.first < y.last - y.first;
        return x.first < y.first;
    });
    std::vector<ScanHit> kept;
    for (const auto &h : hits) {
        bool overlaps = false;
        for (const auto &k : kept)
            overlaps = overlaps || (h.first <= k.last && k.first <= h.last);
        if (!overlaps)
            kept.push_back(h);
    }
    std::sort(kept.begin(), kept.end(), [](const ScanHit &x, const ScanHit &y) { return x.first < y.first; });
    return kept;
}

}  // namespace autopilot::mining
