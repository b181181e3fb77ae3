// Store-level anomaly scoring on counts of events (orders, orders with a return). A store sells a
// handful of orders a day, where a median of same-weekday neighbours is 0 or 1 and any robust
// z-score of units turns ordinary clumps (one order of four pairs) into "spikes". Orders arrive
// as a Poisson process whose rate follows the chain's calendar, so each day is judged by the exact
// Poisson tail of its count against that day's expected rate:
//   rate(t) = chain(t) * sum of the store's counts around t / sum of chain(u) over the same days
// (chain(t): the whole chain's activity that day relative to its mean, which carries weekdays,
// festivals and promotions), and the tail probability is expressed as a one-sided normal z.
#pragma once

#include <vector>

namespace autopilot::mining {

struct CountScoreOptions {
    int window_days = 42;       // each side of the day (the day itself excluded) for the level
    int min_window_days = 28;   // fewer days with data around: no score
    double threshold = 4.5;     // |z| to report (one-sided p about 3e-6)
};

// -Φ⁻¹(P(X ≥ y)) for y above the rate (a spike, positive), Φ⁻¹(P(X ≤ y)) below it (a drop,
// negative); 0 when y is at the rate. Clamped to ±37 where the tail underflows.
double poisson_tail_z(double y, double rate);

// The chain factor of each day: totals[t] / mean(totals) (1 where the mean is 0).
std::vector<double> chain_factor(const std::vector<double> &totals);

struct CountScore {
    double rate = 0;  // expected count (NaN: too little data around)
    double z = 0;
};
// `counts` and `chain` are aligned (same days); chain must be positive where counts exist.
std::vector<CountScore> score_counts(const std::vector<double> &counts, const std::vector<double> &chain,
                                     const CountScoreOptions &opt);

}  // namespace autopilot::mining
