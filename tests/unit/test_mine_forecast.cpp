// Unit tests of forecast features, the seasonal-naive baseline and conformal intervals.
#include "mine_forecast.hpp"

#include <catch2/catch.hpp>
#include <cmath>

using namespace autopilot::mining;

namespace {
Series weekly_series(int days)
{
    Series s;
    s.first_day = 19723;  // 2024-01-01, a Monday
    s.release_day = 19000;
    s.msrp = 10000;
    for (int t = 0; t < days; ++t) {
        s.units.push_back(t % 7 == 5 ? 10 : 2);
        s.price.push_back(9000);
    }
    return s;
}

// A reproducible uniform source in [0, 1) for synthetic outcomes.
struct Lcg {
    uint64_t x;
    double operator()()
    {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        return double(x >> 11) * 0x1.0p-53;
    }
};
}  // namespace

TEST_CASE("the seasonal naive repeats the same weekday of the last observed week")
{
    const auto s = weekly_series(70);
    // Every horizon maps to the same weekday of the last observed week.
    for (int h = 1; h <= kHorizon; ++h)
        CHECK(seasonal_naive(s, 60, h) == ((60 + h) % 7 == 5 ? 10 : 2));
}

TEST_CASE("forecast features use only the history up to the origin and describe the target day")
{
    auto s = weekly_series(70);
    const auto f1 = forecast_features(s, 50, 3, {});
    s.units[60] = 1000;  // after the origin: must not change anything
    const auto f2 = forecast_features(s, 50, 3, {});
    REQUIRE(f1.size() == forecast_feature_names().size());
    for (size_t i = 0; i < f1.size(); ++i)
        CHECK((f1[i] == f2[i] || (std::isnan(f1[i]) && std::isnan(f2[i]))));
    CHECK(f1[0] == 3);       // horizon
    CHECK(f1[1] == 5);       // 2024-01-01 + 53 days = 2024-02-23, a Friday (ISO 5)
    CHECK(f1[2] == 2);       // February
    CHECK(f1[3] == 23);
    CHECK(f1[17] == Approx(0.9f));  // price / msrp
}

TEST_CASE("calendar flags of the target day come from the calendar")
{
    const auto s = weekly_series(70);
    Calendar cal;
    cal[s.first_day + 53].diwali = true;
    cal[s.first_day + 53].promo_discount = 0.2;
    const auto f = forecast_features(s, 50, 3, cal);
    CHECK(f[7] == 1);
    CHECK(f[8] == Approx(0.2f));
    CHECK(f[19] == kFestivalLookahead);  // no major festival ahead in this calendar
    cal[s.first_day + 53].days_to_major_festival = 4;
    CHECK(forecast_features(s, 50, 3, cal)[19] == 4);
}

TEST_CASE("a split-conformal 80% band holds about 80% of fresh outcomes")
{
    // Noise that grows with the level, like counts.
    std::vector<double> a, p, a2, p2;
    Lcg unif{12345};
    for (int i = 0; i < 4000; ++i) {
        const double level = 1 + 20 * unif();
        const double y = level + std::sqrt(level + 1) * (unif() - 0.5) * 4;
        (i < 2000 ? a : a2).push_back(y);
        (i < 2000 ? p : p2).push_back(level);
    }
    const auto c = Conformal::fit(a, p, 0.8);
    int in = 0;
    for (size_t i = 0; i < a2.size(); ++i)
        in += a2[i] >= c.lower(p2[i]) && a2[i] <= c.upper(p2[i]);
    CHECK(double(in) / a2.size() == Approx(0.8).margin(0.03));
}

TEST_CASE("an 80% band on slow integer counts holds about 80%, not more, despite ties and the floor at 0")
{
    // Poisson-like counts of a slow seller (mostly 0 and 1) predicted at their mean: no outcome
    // falls below a band that starts at 0, and the residuals tie on a few values.
    std::vector<double> a, p, a2, p2;
    Lcg unif{777};
    auto poisson = [&](double mean) {
        double l = std::exp(-mean), prod = unif();
        int k = 0;
        while (prod > l) {
            prod *= unif();
            ++k;
        }
        return double(k);
    };
    for (int i = 0; i < 8000; ++i) {
        const double mean = 0.2 + 1.6 * unif();
        (i < 4000 ? a : a2).push_back(poisson(mean));
        (i < 4000 ? p : p2).push_back(mean);
    }
    const auto c = Conformal::fit(a, p, 0.8);
    int in = 0;
    for (size_t i = 0; i < a2.size(); ++i)
        in += a2[i] >= c.lower(p2[i]) && a2[i] <= c.upper(p2[i]);
    CHECK(double(in) / a2.size() == Approx(0.8).margin(0.05));
}
