// Demand forecast features, the seasonal-naive baseline and split-conformal prediction intervals.
// Direct multi-horizon strategy: one model for every horizon 1..28, fed only what is known at the
// forecast origin (recent levels, same-weekday means, last year's level) plus what is known about
// the target day in advance (calendar, festivals, promotions, product age), so no prediction ever
// feeds on another.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace autopilot::mining {

constexpr int kHorizon = 28;
constexpr int kFestivalLookahead = 30;  // days_to_major_festival caps here

// What the calendar says about one day (from gold.dim_date and the promotions).
struct DayInfo {
    bool festival = false, festival_season = false, pongal = false, diwali = false, weekend = false;
    double promo_discount = 0;  // the deepest discount a promotion offers that day (0..1)
    // Days until the next major festival (Pongal, Diwali), capped: shoppers buy ahead, so the
    // demand ramps up over the days before one (the generator's, and a retailer's, calendar).
    int days_to_major_festival = kFestivalLookahead;
};
using Calendar = std::map<int32_t, DayInfo>;  // day (since epoch) → info

struct Series {
    int64_t product_id = 0;
    std::string city;
    int32_t first_day = 0;          // day of values[0]
    int32_t release_day = 0;        // the product's release date
    double msrp = 0;
    std::vector<double> units;      // one per day up to the data's last day
    std::vector<double> price;      // mean unit price that day (NaN when nothing sold)
};

const std::vector<std::string> &forecast_feature_names();

// The feature row for predicting day origin + horizon from everything up to `origin`
// (an index into s.units; origin + horizon may lie past the end).
std::vector<float> forecast_features(const Series &s, int origin, int horizon, const Calendar &cal);

// Seasonal naive: the same weekday of the last observed week.
double seasonal_naive(const Series &s, int origin, int horizon);

// Split-conformal interval (Lei et al. 2018) on residuals normalised by sqrt(prediction + 1),
// which keeps the band narrow for slow sellers and wide for fast ones (count noise grows with
// the level). Quantiles use the finite-sample correction ceil((n+1)q)/n.
struct Conformal {
    double lo_q = 0, hi_q = 0;  // quantiles of the normalised residual
    int n = 0;
    static Conformal fit(const std::vector<double> &actual, const std::vector<double> &predicted,
                         double coverage);
    double lower(double prediction) const;
    double upper(double prediction) const;
};
double conformal_scale(double prediction);

}  // namespace autopilot::mining
