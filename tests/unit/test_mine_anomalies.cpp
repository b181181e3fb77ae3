// Unit tests of the robust anomaly scoring.
#include "mine_anomalies.hpp"

#include <catch2/catch.hpp>
#include <cmath>

using namespace autopilot::mining;

namespace {
// A weekly pattern with mild deterministic noise.
DailySeries weekly(int days)
{
    DailySeries s{"store", "S001", "revenue", 19723, {}};
    for (int t = 0; t < days; ++t)
        s.values.push_back((t % 7 == 2 ? 2000.0 : 1000.0) * (1 + 0.05 * std::sin(t * 1.7)));
    return s;
}
}  // namespace

TEST_CASE("a planted spike is found with its direction, expected value and a reason")
{
    auto s = weekly(120);
    s.values[60] *= 3;
    const auto found = detect_anomalies(s, AnomalyOptions{});
    REQUIRE(found.size() == 1);
    CHECK(found[0].day == s.first_day + 60);
    CHECK(found[0].direction == "spike");
    CHECK(found[0].expected == Approx(s.values[53]).epsilon(0.1));
    CHECK(found[0].reason.find("revenue 3.") == 0);
}

TEST_CASE("a drop to zero is found as a drop")
{
    auto s = weekly(120);
    s.values[70] = 0;
    const auto found = detect_anomalies(s, AnomalyOptions{});
    REQUIRE(found.size() == 1);
    CHECK(found[0].direction == "drop");
    CHECK(found[0].reason.find("100% below the usual") != std::string::npos);
}

TEST_CASE("the weekly pattern itself is not anomalous")
{
    CHECK(detect_anomalies(weekly(120), AnomalyOptions{}).empty());
}

TEST_CASE("a series shorter than the minimum history is skipped")
{
    auto s = weekly(30);
    s.values[20] *= 10;
    CHECK(detect_anomalies(s, AnomalyOptions{}).empty());
}

TEST_CASE("median and MAD are robust to one outlier")
{
    CHECK(median({1, 2, 3, 4, 1000}) == 3);
    CHECK(median({1, 2, 3, 4}) == Approx(2.5));
    CHECK(mad_sigma({1, 2, 3, 4, 1000}) == Approx(1.4826));
}

TEST_CASE("the reason names the weekday and both values with thousands separators")
{
    // 2024-01-02 (day 19724) was a Tuesday.
    CHECK(anomaly_reason("revenue", 19724, 144000, 45000) ==
          "revenue 3.2x the usual for a Tuesday (expected 45,000, got 144,000)");
}

TEST_CASE("count scaling finds a tripled day in a slow series without flagging ordinary noise")
{
    DailySeries s{"store", "S001", "units", 19723, {}};
    for (int t = 0; t < 140; ++t)
        s.values.push_back(6 + (t * 7919 % 5) - 2);  // 4..8, deterministic
    s.values[77] = 24;
    AnomalyOptions opt;
    opt.scale = AnomalyOptions::Scale::kCount;
    opt.threshold = 4;
    const auto found = detect_anomalies(s, opt);
    REQUIRE(found.size() == 1);
    CHECK(found[0].day == s.first_day + 77);
}

TEST_CASE("a run of days without sales where sales were expected is one stock-out")
{
    DailySeries s{"store_brand", "S001/Nike", "units", 19723, {}};
    for (int t = 0; t < 120; ++t)
        s.values.push_back(t >= 80 && t < 90 ? 0 : (t % 3 == 2 ? 0 : 3));
    int64_t tests = 0;
    const auto found = detect_zero_runs(s, {}, ZeroRunOptions{}, &tests);
    REQUIRE(found.size() == 1);
    CHECK(tests > 1);  // every silence with enough history before it was judged
    CHECK(found[0].day == s.first_day + 80);
    CHECK(found[0].end_day == s.first_day + 89);
    CHECK(found[0].expected == Approx(20).margin(1));
    CHECK(found[0].reason == "no units for 10 days in a row (about 20 expected)");
}

TEST_CASE("a silence longer than a stock-out lasts is not reported as one")
{
    DailySeries s{"store_brand", "S001/Nike", "units", 19723, {}};
    for (int t = 0; t < 160; ++t)
        s.values.push_back(t >= 80 ? 0 : 3);  // the brand stops selling for good
    CHECK(detect_zero_runs(s, {}, ZeroRunOptions{}).empty());
}

TEST_CASE("a brand silent while its store sold nothing is no stock-out")
{
    DailySeries s{"store_brand", "S001/Nike", "units", 19723, {}};
    std::vector<double> store_orders;
    for (int t = 0; t < 120; ++t) {
        const bool closed = t >= 80 && t < 90;
        s.values.push_back(closed ? 0 : 2);
        store_orders.push_back(closed ? 0 : 4);
    }
    CHECK(detect_zero_runs(s, store_orders, ZeroRunOptions{}).empty());
    store_orders[85] = 40;  // the store sold, the brand did not: that silence is a stock-out
    const auto found = detect_zero_runs(s, store_orders, ZeroRunOptions{});
    REQUIRE(found.size() == 1);
    CHECK(found[0].expected == Approx(20).margin(0.5));
}
