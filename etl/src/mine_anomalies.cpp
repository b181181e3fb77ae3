// Robust anomaly scoring (median / MAD over same-weekday neighbours) with reasons in words.
#include "mine_anomalies.hpp"

#include "mine_poisson.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace autopilot::mining {

double median(std::vector<double> v)
{
    if (v.empty())
        return std::numeric_limits<double>::quiet_NaN();
    const size_t mid = v.size() / 2;
    std::nth_element(v.begin(), v.begin() + mid, v.end());
    if (v.size() % 2)
        return v[mid];
    const double hi = v[mid];
    return (*std::max_element(v.begin(), v.begin() + mid) + hi) / 2;
}

double mad_sigma(const std::vector<double> &v)
{
    const double m = median(v);
    std::vector<double> dev;
    dev.reserve(v.size());
    for (double x : v)
        dev.push_back(std::fabs(x - m));
    return 1.4826 * median(dev);
}

std::vector<ScoredDay> score_series(const std::vector<double> &values, const AnomalyOptions &opt)
{
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const int n = static_cast<int>(values.size());
    std::vector<ScoredDay> out(n, {nan, nan});
    std::vector<double> resid(n, nan);
    for (int t = 0; t < n; ++t) {
        std::vector<double> neigh;
        for (int k = 1; k <= opt.weeks_each_side; ++k) {
            if (t - 7 * k >= 0)
                neigh.push_back(values[t - 7 * k]);
            if (t + 7 * k < n)
                neigh.push_back(values[t + 7 * k]);
        }
        if (neigh.size() < 3)
            continue;
        out[t].expected = median(neigh);
        const double y = std::max(0.0, values[t]), e = std::max(0.0, out[t].expected);
        // log1p keeps multiplicative shocks comparable across busy and quiet days; Anscombe's
        // transform makes Poisson noise unit-variance whatever the level.
        resid[t] = opt.scale == AnomalyOptions::Scale::kLog ? std::log1p(y) - std::log1p(e)
                                                            : 2 * (std::sqrt(y + 0.375) - std::sqrt(e + 0.375));
    }
    std::vector<double> finite;
    for (double r : resid)
        if (!std::isnan(r))
            finite.push_back(r);
    if (finite.size() < 14)
        return out;
    const double center = median(finite);
    // A floor on the spread: a perfectly regular series must not turn noise into infinite scores.
    const double sigma = std::max(mad_sigma(finite), opt.scale == AnomalyOptions::Scale::kLog ? 0.05 : 1.0);
    for (int t = 0; t < n; ++t)
        if (!std::isnan(resid[t]))
            out[t].score = (resid[t] - center) / sigma;
    return out;
}

static const char *const kWeekdays[] = {"Thursday", "Friday", "Saturday", "Sunday",
                                        "Monday", "Tuesday", "Wednesday"};  // 1970-01-01 was a Thursday

static std::string thousands(double x)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.0f", std::round(x));
    std::string s = buf, out;
    const bool neg = !s.empty() && s[0] == '-';
    if (neg)
        s.erase(0, 1);
    for (size_t i = 0; i < s.size(); ++i) {
        if (i && (s.size() - i) % 3 == 0)
            out += ',';
        out += s[i];
    }
    return neg ? "-" + out : out;
}

std::string anomaly_reason(const std::string &metric, int32_t day, double actual, double expected)
{
    const char *weekday = kWeekdays[((day % 7) + 7) % 7];
    char buf[256];
    if (expected > 0 && actual >= expected)
        std::snprintf(buf, sizeof buf, "%s %.1fx the usual for a %s (expected %s, got %s)", metric.c_str(),
                      actual / expected, weekday, thousands(expected).c_str(), thousands(actual).c_str());
    else if (expected > 0)
        std::snprintf(buf, sizeof buf, "%s %.0f%% below the usual for a %s (expected %s, got %s)",
                      metric.c_str(), 100.0 * (1 - actual / expected), weekday, thousands(expected).c_str(),
                      thousands(actual).c_str());
    else
        std::snprintf(buf, sizeof buf, "%s of %s on a %s that usually has none", metric.c_str(),
                      thousands(actual).c_str(), weekday);
    return buf;
}

std::vector<Anomaly> detect_anomalies(const DailySeries &s, const AnomalyOptions &opt)
{
    std::vector<Anomaly> out;
    if (static_cast<int>(s.values.size()) < opt.min_days)
        return out;
    std::vector<double> scaled = s.values;
    if (opt.scale == AnomalyOptions::Scale::kCount && s.unit > 0 && s.unit != 1)
        for (auto &v : scaled)
            v /= s.unit;
    auto scored = score_series(scaled, opt);
    for (auto &d : scored)
        d.expected *= opt.scale == AnomalyOptions::Scale::kCount && s.unit > 0 ? s.unit : 1;
    for (size_t t = 0; t < scored.size(); ++t) {
        const double z = scored[t].score;
        if (std::isnan(z) || std::fabs(z) < opt.threshold)
            continue;
        if (z < 0 && scored[t].expected <= opt.min_expected)
            continue;
        Anomaly a{s.entity_kind, s.entity, s.metric, s.first_day + static_cast<int32_t>(t),
                  s.values[t], scored[t].expected, z, z > 0 ? "spike" : "drop", ""};
        a.end_day = a.day;
        a.reason = anomaly_reason(s.metric, a.day, a.actual, a.expected);
        out.push_back(std::move(a));
    }
    std::sort(out.begin(), out.end(),
              [](const Anomaly &x, const Anomaly &y) { return std::fabs(x.score) > std::fabs(y.score); });
    return out;
}

std::vector<Anomaly> detect_zero_runs(const DailySeries &s, const std::vector<double> &exposure,
                                      const ZeroRunOptions &opt, int64_t *tests)
{
    std::vector<Anomaly> out;
    const int n = static_cast<int>(s.values.size());
    if (n < opt.min_days)
        return out;
    auto expo = [&](int t) { return exposure.empty() ? 1.0 : exposure[static_cast<size_t>(t)]; };
    int t = 0;
    while (t < n) {
        if (s.values[t] > 0) {
            ++t;
            continue;
        }
        int end = t;
        while (end + 1 < n && s.values[end + 1] <= 0)
            ++end;
        const int from = std::max(0, t - opt.lookback_days);
        double sum = 0, expo_before = 0, expo_run = 0;
        for (int i = from; i < t; ++i) {
            sum += s.values[i];
            expo_before += expo(i);
        }
        for (int i = t; i <= end; ++i)
            expo_run += expo(i);
        const int len = end - t + 1;
        if (t - from >= opt.lookback_days / 2 && len <= opt.max_run_days && expo_before > 0 && expo_run > 0) {
            if (tests)
                ++*tests;
            const double events = sum / expo_before * expo_run;
            const double expected = events * (s.unit > 0 ? s.unit : 1);
            if (events >= opt.min_expected) {
                // Score: the z of a Poisson silence of that mean, for ranking beside the others.
                Anomaly a{s.entity_kind, s.entity, s.metric, s.first_day + t, 0, expected,
                          poisson_tail_z(0, events), "drop", ""};
                char buf[256];
                std::snprintf(buf, sizeof buf, "no %s for %d days in a row (about %.0f expected)", s.metric.c_str(), len,
                              expected);
                a.reason = buf;
                a.end_day = s.first_day + end;
                out.push_back(std::move(a));
            }
        }
        t = end + 1;
    }
    return out;
}

std::vector<Anomaly> detect_anomalies_zscore(const DailySeries &s, double threshold)
{
    std::vector<Anomaly> out;
    const double n = static_cast<double>(s.values.size());
    if (n < 2)
        return out;
    double mean = 0, var = 0;
    for (double v : s.values)
        mean += v / n;
    for (double v : s.values)
        var += (v - mean) * (v - mean) / (n - 1);
    const double sd = std::sqrt(var);
    if (sd == 0)
        return out;
    for (size_t t = 0; t < s.values.size(); ++t) {
        const double z = (s.values[t] - mean) / sd;
        if (std::fabs(z) >= threshold)
        {
            Anomaly a{s.entity_kind, s.entity, s.metric, s.first_day + static_cast<int32_t>(t), s.values[t],
                      mean, z, z > 0 ? "spike" : "drop", ""};
            a.end_day = a.day;
            out.push_back(std::move(a));
        }
    }
    return out;
}

}  // namespace autopilot::mining
