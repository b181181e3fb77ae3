// Evaluation metrics shared by the mining jobs, the benchmark and the tests.
#include "mine_metrics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>

namespace autopilot::mining {

void ErrorSums::add(double actual, double forecast, double scale, double lo, double hi)
{
    add(actual, forecast, scale);
    if (actual >= lo && actual <= hi)
        covered += 1;
}

void ErrorSums::add(double actual, double forecast, double scale)
{
    abs_error += std::fabs(actual - forecast);
    smape_sum += smape_term(actual, forecast);
    scale_sum += scale;
    n += 1;
}

double ErrorSums::mase() const
{
    return scale_sum > 0 ? abs_error / scale_sum : std::numeric_limits<double>::quiet_NaN();
}

double ErrorSums::smape() const
{
    return n > 0 ? smape_sum / n : std::numeric_limits<double>::quiet_NaN();
}

double ErrorSums::coverage() const
{
    return n > 0 ? covered / n : std::numeric_limits<double>::quiet_NaN();
}

double seasonal_naive_mae(const std::vector<double> &history, int period)
{
    if (period <= 0 || history.size() <= static_cast<size_t>(period))
        return 0;
    double sum = 0;
    for (size_t t = period; t < history.size(); ++t)
        sum += std::fabs(history[t] - history[t - period]);
    return sum / static_cast<double>(history.size() - period);
}

double smape_term(double actual, double forecast)
{
    const double denom = std::fabs(actual) + std::fabs(forecast);
    return denom == 0 ? 0 : 200.0 * std::fabs(actual - forecast) / denom;
}

PrecisionRecall match_events(const std::vector<Event> &detected, const std::vector<Event> &planted,
                             int tolerance_days)
{
    std::map<std::string, std::vector<size_t>> by_entity;
    for (size_t i = 0; i < planted.size(); ++i)
        by_entity[planted[i].entity].push_back(i);
    std::vector<bool> found(planted.size(), false);
    PrecisionRecall r;
    r.detected = static_cast<int64_t>(detected.size());
    r.planted = static_cast<int64_t>(planted.size());
    for (const auto &d : detected) {
        auto it = by_entity.find(d.entity);
        if (it == by_entity.end())
            continue;
        bool hit = false;
        for (size_t i : it->second) {
            const auto &p = planted[i];
            if (d.end_day >= p.day - tolerance_days && d.day <= p.end_day + tolerance_days) {
                hit = true;
                found[i] = true;
            }
        }
        r.true_positives += hit;
    }
    const auto found_n = std::count(found.begin(), found.end(), true);
    r.precision = r.detected ? double(r.true_positives) / double(r.detected) : 0;
    r.recall = r.planted ? double(found_n) / double(r.planted) : 0;
    return r;
}

static double choose2(double n) { return n * (n - 1) / 2; }

double adjusted_rand_index(const std::vector<int> &a, const std::vector<int> &b)
{
    if (a.size() != b.size() || a.size() < 2)
        return std::numeric_limits<double>::quiet_NaN();
    std::map<std::pair<int, int>, double> cells;
    std::map<int, double> rows, cols;
    for (size_t i = 0; i < a.size(); ++i) {
        cells[{a[i], b[i]}] += 1;
        rows[a[i]] += 1;
        cols[b[i]] += 1;
    }
    double index = 0, sum_rows = 0, sum_cols = 0;
    for (const auto &c : cells)
        index += choose2(c.second);
    for (const auto &r : rows)
        sum_rows += choose2(r.second);
    for (const auto &c : cols)
        sum_cols += choose2(c.second);
    const double expected = sum_rows * sum_cols / choose2(double(a.size()));
    const double max_index = (sum_rows + sum_cols) / 2;
    if (max_index == expected)  // both labelings trivial (one cluster or all singletons)
        return 1.0;
    return (index - expected) / (max_index - expected);
}

// Items sorted by score, highest first; within a tie negatives come first (pessimistic).
static std::vector<size_t> rank_by_score(const std::vector<double> &scores, const std::vector<int> &labels)
{
    std::vector<size_t> order(scores.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](size_t x, size_t y) {
        if (scores[x] != scores[y])
            return scores[x] > scores[y];
        return labels[x] < labels[y];
    });
    return order;
}

double pr_auc(const std::vector<double> &scores, const std::vector<int> &labels)
{
    const auto positives = std::count_if(labels.begin(), labels.end(), [](int l) { return l != 0; });
    if (scores.size() != labels.size() || positives == 0)
        return std::numeric_limits<double>::quiet_NaN();
    const auto order = rank_by_score(scores, labels);
    // Precision is taken at the end of each tie group, so tied items share one operating point.
    double ap = 0, tp = 0;
    size_t i = 0;
    while (i < order.size()) {
        size_t j = i;
        double group_pos = 0;
        while (j < order.size() && scores[order[j]] == scores[order[i]]) {
            group_pos += labels[order[j]] != 0;
            ++j;
        }
        tp += group_pos;
        ap += group_pos * (tp / double(j));
        i = j;
    }
    return ap / double(positives);
}

double recall_at_precision(const std::vector<double> &scores, const std::vector<int> &labels,
                           double min_precision)
{
    const auto positives = std::count_if(labels.begin(), labels.end(), [](int l) { return l != 0; });
    if (scores.size() != labels.size() || positives == 0)
        return 0;
    const auto order = rank_by_score(scores, labels);
    double tp = 0, best = 0;
    size_t i = 0;
    while (i < order.size()) {
        size_t j = i;
        while (j < order.size() && scores[order[j]] == scores[order[i]]) {
            tp += labels[order[j]] != 0;
            ++j;
        }
        if (tp / double(j) >= min_precision)
            best = std::max(best, tp / double(positives));
        i = j;
    }
    return best;
}

}  // namespace autopilot::mining
