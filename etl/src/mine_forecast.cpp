// Forecast features, seasonal-naive baseline and conformal intervals.
#include "mine_forecast.hpp"

#include "timefmt.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace autopilot::mining {

const std::vector<std::string> &forecast_feature_names()
{
    static const std::vector<std::string> names = {
        "horizon",       "weekday",          "month",          "day_of_month",    "festival",
        "festival_season", "pongal",         "diwali",         "promo_discount",  "mean_7d",
        "mean_28d",      "mean_91d",         "same_weekday_4w", "seasonal_naive", "zero_share_28d",
        "last_year_level", "log_product_age_days", "price_to_msrp", "days_since_last_sale", "days_to_major_festival"};
    return names;
}

static double window_mean(const std::vector<double> &v, int end, int len)
{
    // Mean of v[end-len+1 .. end], over the part that exists; NaN when none does.
    const int start = std::max(0, end - len + 1);
    if (end < 0 || start > end)
        return std::numeric_limits<double>::quiet_NaN();
    double s = 0;
    for (int i = start; i <= end; ++i)
        s += v[i];
    return s / double(end - start + 1);
}

double seasonal_naive(const Series &s, int origin, int horizon)
{
    // The last observed day with the target's weekday: target - 7 * ceil(horizon / 7).
    const int back = 7 * ((horizon + 6) / 7);
    const int idx = origin + horizon - back;
    return idx >= 0 && idx < static_cast<int>(s.units.size()) ? s.units[idx] : 0;
}

std::vector<float> forecast_features(const Series &s, int origin, int horizon, const Calendar &cal)
{
    const float nan = std::numeric_limits<float>::quiet_NaN();
    const int32_t target_day = s.first_day + origin + horizon;
    // ISO weekday 1..7 (Monday = 1).
    const int weekday = etl::weekday(target_day) + 1;
    const etl::Civil civil = etl::civil_from_days(target_day);
    const int day_of_month = static_cast<int>(civil.d);
    const int month = static_cast<int>(civil.m);

    DayInfo info;
    if (auto it = cal.find(target_day); it != cal.end())
        info = it->second;

    double sw = 0;
    int sw_n = 0;
    for (int k = 1; k <= 4; ++k) {
        const int idx = origin + horizon - 7 * ((horizon + 6) / 7) - 7 * (k - 1);
        if (idx >= 0 && idx <= origin) {
            sw += s.units[idx];
            ++sw_n;
        }
    }
    double zeros = 0;
    int zn = 0;
    for (int i = std::max(0, origin - 27); i <= origin; ++i, ++zn)
        zeros += s.units[i] == 0;
    // Last year's level around the target day (a week either side), when there is a last year.
    const int ly = origin + horizon - 364;
    const double last_year = ly - 3 >= 0 && ly + 3 <= origin ? window_mean(s.units, ly + 3, 7) : nan;
    double price = std::numeric_limits<double>::quiet_NaN();
    for (int i = origin; i >= std::max(0, origin - 90); --i)
        if (!std::isnan(s.price[i])) {
            price = s.price[i];
            break;
        }
    int since_sale = origin + 1;
    for (int i = origin; i >= 0; --i)
        if (s.units[i] > 0) {
            since_sale = origin - i;
            break;
        }
    const double age = double(target_day - s.release_day);

    return {float(horizon),
            float(weekday),
            float(month),
            float(day_of_month),
            float(info.festival),
            float(info.festival_season),
            float(info.pongal),
            float(info.diwali),
            float(info.promo_discount),
            float(window_mean(s.units, origin, 7)),
            float(window_mean(s.units, origin, 28)),
            float(window_mean(s.units, origin, 91)),
            sw_n ? float(sw / sw_n) : nan,
            float(seasonal_naive(s, origin, horizon)),
            zn ? float(zeros / zn) : nan,
            float(last_year),
            age >= 0 ? float(std::log1p(age)) : float(-1),
            s.msrp > 0 && !std::isnan(price) ? float(price / s.msrp) : nan,
            float(since_sale),
            float(info.days_to_major_festival)};
}

double conformal_scale(double prediction) { return std::sqrt(std::max(0.0, prediction) + 1.0); }

Conformal Conformal::fit(const std::vector<double> &actual, const std::vector<double> &predicted,
                         double coverage)
{
    Conformal c;
    std::vector<double> r;
    for (size_t i = 0; i < actual.size() && i < predicted.size(); ++i)
        r.push_back((actual[i] - predicted[i]) / conformal_scale(predicted[i]));
    c.n = static_cast<int>(r.size());
    if (r.empty())
        return c;
    std::vector<double> sorted = r;
    std::sort(sorted.begin(), sorted.end());
    const double alpha = (1 - coverage) / 2;
    const double n = double(sorted.size());
    // Finite-sample corrected ranks, clamped to the sample.
    auto at = [&](double q) {
        const double rank = std::ceil((n + 1) * q) - 1;
        return sorted[static_cast<size_t>(std::clamp(rank, 0.0, n - 1))];
    };
    c.lo_q = std::min(0.0, at(alpha));
    c.hi_q = std::max(0.0, at(1 - alpha));
    // Counts are integers and the band is clipped at 0: a slow seller's band starts at 0 and no
    // outcome falls below it, and many residuals tie. The symmetric quantiles then cover far
    // more than asked (a band "of 80%" holding 87%). So the lower bound is kept and the upper one
    // is moved to the tied value whose miss rate on the calibration residuals brings the total
    // miss rate closest to 1 - coverage — calibrated on the backtest, as the band is judged.
    double low_misses = 0;
    for (size_t i = 0; i < r.size(); ++i)
        low_misses += actual[i] < c.lower(predicted[i]);
    const double want_high = std::max(0.0, (1 - coverage) * n - low_misses);
    double best = std::fabs(n - double(std::upper_bound(sorted.begin(), sorted.end(), c.hi_q) - sorted.begin()) -
                            want_high);
    for (size_t i = 0; i < sorted.size(); ++i) {
        if (i + 1 < sorted.size() && sorted[i + 1] == sorted[i])
            continue;  // the last of a run of ties: everything up to it is covered
        if (sorted[i] < 0)
            continue;  // the band must hold its own point forecast
        const double above = n - double(i + 1);
        if (std::fabs(above - want_high) < best) {
            best = std::fabs(above - want_high);
            c.hi_q = sorted[i];
        }
    }
    return c;
}

double Conformal::lower(double prediction) const
{
    return std::max(0.0, prediction + lo_q * conformal_scale(prediction));
}

double Conformal::upper(double prediction) const
{
    return std::max(0.0, prediction + hi_q * conformal_scale(prediction));
}

}  // namespace autopilot::mining
