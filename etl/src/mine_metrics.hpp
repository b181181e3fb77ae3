// Evaluation metrics for the mining jobs, each a pure function over plain vectors so the benchmark,
// the jobs (which store them in mining.model_runs) and the unit tests share one definition.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace autopilot::mining {

// Mean absolute scaled error (Hyndman & Koehler 2006): the forecast's mean absolute error divided
// by `scale`, the in-sample mean absolute error of the seasonal-naive forecast. Pooled over series
// by summing errors and scales, so sparse series do not dominate. Returns NaN when scale is 0.
struct ErrorSums {
    double abs_error = 0;   // sum |actual - forecast|
    double smape_sum = 0;   // sum of per-point sMAPE terms
    double n = 0;           // points
    double scale_sum = 0;   // sum over points of the series' naive in-sample MAE
    double covered = 0;     // points inside the prediction interval
    void add(double actual, double forecast, double scale, double lo, double hi);
    void add(double actual, double forecast, double scale);
    double mase() const;
    double smape() const;     // in percent, 0..200
    double coverage() const;  // 0..1
};

// In-sample MAE of the seasonal-naive forecast y[t] = y[t - period] (0 when too short).
double seasonal_naive_mae(const std::vector<double> &history, int period = 7);

// Symmetric MAPE term for one point, in percent; 0 when both are 0.
double smape_term(double actual, double forecast);

// Anomaly matching: an event is (entity, day range). A detection is a true positive when it
// overlaps a planted event on the same entity (widened by `tolerance_days`); precision counts
// detections, recall counts planted events (a planted event is found if any detection hits it).
struct Event {
    std::string entity;  // e.g. "store:S012:sales"; compared as a whole
    int32_t day = 0;     // days since the epoch: first day
    int32_t end_day = 0; // last day (== day for one-day events)
};
struct PrecisionRecall {
    double precision = 0, recall = 0;
    int64_t true_positives = 0, detected = 0, planted = 0;
};
PrecisionRecall match_events(const std::vector<Event> &detected, const std::vector<Event> &planted,
                             int tolerance_days = 0);

// Adjusted Rand index (Hubert & Arabie 1985) between two labelings of the same items.
double adjusted_rand_index(const std::vector<int> &a, const std::vector<int> &b);

// Area under the precision-recall curve as average precision (sum over positives of the precision
// at their rank); ties in score are broken pessimistically (negatives first) so a constant
// score cannot look good.
double pr_auc(const std::vector<double> &scores, const std::vector<int> &labels);

// Highest recall reachable at a threshold whose precision is >= min_precision (0 if none).
double recall_at_precision(const std::vector<double> &scores, const std::vector<int> &labels,
                           double min_precision);

}  // namespace autopilot::mining
