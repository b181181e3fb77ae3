// Robust anomaly scoring of daily series (revenue, units, returns per store and per brand).
// Expected value: the median of the same weekday over the surrounding weeks (a robust seasonal
// baseline that one bad day cannot move); score: the log-ratio residual over the series' MAD,
// so a spike on a quiet Tuesday and one on a busy Saturday are judged on the same scale.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace autopilot::mining {

struct DailySeries {
    std::string entity_kind;  // "store" or "brand"
    std::string entity;       // store id or brand name
    std::string metric;       // "revenue", "units", "returns"
    int32_t first_day = 0;    // days since 1970-01-01 of values[0]
    std::vector<double> values;  // one per day, 0 when nothing happened
    // Value of one countable event (e.g. the mean revenue per unit): count scaling scores
    // values / unit, so revenue is judged by the number of pairs behind it.
    double unit = 1;
};

struct Anomaly {
    std::string entity_kind, entity, metric;
    int32_t day = 0;
    double actual = 0, expected = 0, score = 0;  // score: robust z (signed)
    std::string direction;  // "spike" or "drop"
    std::string reason;     // one line, in words
    int32_t end_day = 0;    // last day (== day except for runs)
};

struct AnomalyOptions {
    // kLog: residual log1p(actual) - log1p(expected), for money; kCount: Anscombe residual
    // 2(sqrt(actual + 3/8) - sqrt(expected + 3/8)), about N(0,1) for Poisson counts at any level,
    // for units and returns (which are small at store level, where logs of 0/1/2 are all noise).
    enum class Scale { kLog, kCount } scale = Scale::kLog;
    int weeks_each_side = 4;    // window of same-weekday neighbours for the expected value
    double threshold = 5.0;     // |robust z| to report
    double min_expected = 0.0;  // below this expected level, drops are not reported (no signal)
    int min_days = 56;          // shorter series are skipped (reported by the caller)
};

// Robust scores for every day of one series (NaN where the window is too thin).
struct ScoredDay {
    double expected = 0, score = 0;
};
std::vector<ScoredDay> score_series(const std::vector<double> &values, const AnomalyOptions &opt);

// Anomalies of one series, strongest first; empty if the series is too short.
std::vector<Anomaly> detect_anomalies(const DailySeries &s, const AnomalyOptions &opt);

// Runs of days without any sale where sales were expected (stock-outs). The series counts
// events (orders with the brand); `exposure` (aligned with the series, or empty for a constant
// one) is what the events ride on (the store's orders): the expected events over the run are the
// events per unit of exposure over the `lookback_days` before it times the run's exposure, so a
// store that is closed or quiet does not make a brand look out of stock. A run is reported when
// that expectation is at least `min_expected`; its score is the z of a Poisson silence of that
// mean (the caller keeps the runs whose |z| passes its multiple-testing threshold; `tests`, when
// given, is incremented by the runs judged). Counting orders, not units, matters: one order often
// holds several pairs, so "9 units expected" may be only three orders, a silence that happens by
// chance. The reported expected value is in the series' metric: events x `unit` (units per order).
// A silence longer than `max_run_days` is no stock-out but a change of assortment or demand
// (a brand whose only model aged out): not reported.
struct ZeroRunOptions {
    int lookback_days = 56;
    double min_expected = 11.0;
    int max_run_days = 42;
    int min_days = 56;
};
std::vector<Anomaly> detect_zero_runs(const DailySeries &s, const std::vector<double> &exposure,
                                      const ZeroRunOptions &opt, int64_t *tests = nullptr);

// Baseline for the benchmark: global mean/standard-deviation z-score per series, |z| > threshold.
std::vector<Anomaly> detect_anomalies_zscore(const DailySeries &s, double threshold);

// "revenue 3.4x the usual for a Tuesday (expected 41,200, got 140,100)".
std::string anomaly_reason(const std::string &metric, int32_t day, double actual, double expected);

double median(std::vector<double> v);
// Median absolute deviation scaled to a normal's standard deviation (x 1.4826).
double mad_sigma(const std::vector<double> &v);

}  // namespace autopilot::mining
