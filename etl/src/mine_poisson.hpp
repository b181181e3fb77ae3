// Store-level anomaly scoring on counts of events (orders, orders with a return). A store sells a
// handful of orders a day, where a median of same-weekday neighbours is 0 or 1 and any robust
// z-score of units turns ordinary clumps (one order of four pairs) into "spikes". Orders arrive
// as a Poisson process whose rate follows the chain's calendar, so each day, and each run of days,
// is judged by the exact Poisson tail of its count against the expected count (scan_counts), the
// tail probability expressed as a one-sided normal z.
#pragma once

#include <cstdint>
#include <vector>

namespace autopilot::mining {

// P(X >= y) and P(X <= y) for X ~ Poisson(rate), y rounded to a count.
double poisson_upper_tail(double y, double rate);
double poisson_lower_tail(double y, double rate);
// z with P(Z >= z) = p for a standard normal (p in (0, 0.5]; 0 above, 37 where p underflows).
double normal_upper_z(double p);

// P(X >= k) for X ~ Binomial(n, p), and its signed z like poisson_tail_z's (k, n rounded).
double binomial_upper_tail(double k, double n, double p);
double binomial_tail_z(double k, double n, double p);

// -Φ⁻¹(P(X ≥ y)) for y above the rate (a spike, positive), Φ⁻¹(P(X ≤ y)) below it (a drop,
// negative); 0 when y is at the rate. Clamped to ±37 where the tail underflows.
double poisson_tail_z(double y, double rate);

// The chain factor of each day: totals[t] / mean(totals) (1 where the mean is 0).
std::vector<double> chain_factor(const std::vector<double> &totals);

// The |z| that keeps the chance of any false alarm among `tests` one-sided tests at most alpha
// (Bonferroni: each test at alpha / tests).
double bonferroni_z(double alpha, int64_t tests);

// A scan of windows of consecutive days: every window [first, last] of each length is judged by
// the Poisson tail of its summed count against
//   expected = exposure(window) * counts(neighbours) / exposure(neighbours)
// where the neighbours are `window_days` either side of the window (the window left out). The
// exposure carries what moves the count for known reasons: the chain's activity of the day for
// orders (weekdays, festivals, promotions lift every store), the store's own orders for orders
// with a return (a busy day has more returns without any surge). One-day windows catch spikes;
// longer ones catch an outage or a surge spread over days, which no single day can show.
// kBinomial: the exposure counts trials (orders) and the counts successes among them (orders
// with a return), judged by the binomial tail at the neighbours' success rate: exact where most of
// a window's orders come back, where the Poisson tail would understate the surprise.
struct ScanOptions {
    enum class Model { kPoisson, kBinomial } model = Model::kPoisson;
    std::vector<int> lengths = all_lengths(28);
    static std::vector<int> all_lengths(int max)
    {
        std::vector<int> v;
        for (int l = 1; l <= max; ++l)
            v.push_back(l);
        return v;
    }
    int window_days = 42;
    int min_window_days = 28;  // fewer neighbouring days: no test
    double report_z = 3.0;     // weaker windows are not returned (no threshold in use is that low)
    // Only windows above their expectation are tested: for orders with a return, where fewer
    // returns than usual is no trouble, and the latest weeks always look so (their returns are
    // still to come).
    bool spikes_only = false;
};
struct ScanHit {
    int first = 0, last = 0;  // indexes into the series
    double observed = 0, expected = 0, z = 0;
};
struct ScanResult {
    std::vector<ScanHit> hits;  // every window with |z| >= report_z
    int64_t tests = 0;          // windows tested (for the multiple-testing threshold)
};
// `counts` and `exposure` are aligned (same days). The days of `exclude` (events found by an
// earlier pass) are left out of every neighbourhood: an outage or a spike next door must not
// lower or raise the level another window is judged against.
ScanResult scan_counts(const std::vector<double> &counts, const std::vector<double> &exposure,
                       const ScanOptions &opt, const std::vector<ScanHit> &exclude = {});
// The hits with |z| >= threshold_z, strongest first, each dropping the weaker ones it overlaps
// (one event, however many windows see it), returned in day order.
std::vector<ScanHit> strongest_disjoint(std::vector<ScanHit> hits, double threshold_z);

}  // namespace autopilot::mining
