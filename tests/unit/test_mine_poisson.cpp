// Unit tests of the Poisson tail scoring of store-level event counts.
#include "mine_poisson.hpp"

#include <catch2/catch.hpp>
#include <cmath>

using namespace autopilot::mining;

TEST_CASE("the Poisson tail z matches known tail probabilities")
{
    // P(X >= 5 | 1) = 0.00366 -> z 2.68; P(X = 0 | 12) = 6.1e-6 -> z -4.37.
    CHECK(poisson_tail_z(5, 1) == Approx(2.68).margin(0.01));
    CHECK(poisson_tail_z(0, 12) == Approx(-4.37).margin(0.01));
    CHECK(poisson_tail_z(3, 3) == 0);
    CHECK(poisson_tail_z(0, 0.5) == 0);  // a quiet day at a quiet store is no drop
}

TEST_CASE("the Poisson tail z is clamped where the tail underflows")
{
    CHECK(poisson_tail_z(500, 1) == Approx(37));
    CHECK(poisson_tail_z(0, 1000) == Approx(-37));
    CHECK(poisson_tail_z(3, 0) == Approx(37));
}

TEST_CASE("binomial tails match known values")
{
    // P(X >= 3 | 4, 0.5) = 5/16; everything at k = 0; nothing above n.
    CHECK(binomial_upper_tail(3, 4, 0.5) == Approx(0.3125));
    CHECK(binomial_upper_tail(0, 4, 0.5) == 1);
    CHECK(binomial_upper_tail(5, 4, 0.5) == 0);
    CHECK(binomial_tail_z(10, 10, 0.17) > 5);   // every order returned where 1 in 6 usually is
    CHECK(binomial_tail_z(2, 10, 0.17) < 1);
}

TEST_CASE("the Bonferroni z grows with the number of tests")
{
    CHECK(bonferroni_z(0.05, 1) == Approx(1.645).margin(0.01));
    CHECK(bonferroni_z(0.05, 100000) == Approx(4.89).margin(0.02));
}

namespace {
std::vector<double> quiet_store(int n)
{
    std::vector<double> counts(static_cast<size_t>(n));
    for (int t = 0; t < n; ++t)
        counts[t] = (t * 7919 % 10) < 5 ? 0 : (t % 4 == 0 ? 2 : 1);  // about 0.6 a day
    return counts;
}
}  // namespace

TEST_CASE("one order too many at a quiet store is not a spike, a burst of them is")
{
    auto counts = quiet_store(120);
    const std::vector<double> chain(120, 1.0);
    counts[40] = 3;
    counts[80] = 12;
    const auto res = scan_counts(counts, chain, ScanOptions{});
    const auto kept = strongest_disjoint(res.hits, bonferroni_z(0.05, res.tests));
    REQUIRE(kept.size() == 1);
    CHECK(kept[0].first == 80);
    CHECK(kept[0].last == 80);
    CHECK(kept[0].expected == Approx(0.6).margin(0.15));
}

TEST_CASE("an outage over days is found as one run although no single day is surprising")
{
    auto counts = quiet_store(200);
    const std::vector<double> chain(200, 1.0);
    for (int t = 100; t < 135; ++t)
        counts[t] = 0;  // 35 days closed: about 21 orders expected
    const auto res = scan_counts(counts, chain, ScanOptions{});
    const double z = bonferroni_z(0.05, res.tests);
    for (const auto &h : res.hits)
        if (h.first == h.last)
            CHECK(std::fabs(h.z) < z);  // a day without orders is normal here
    // The 28-day windows inside the closure see about 17 orders missing: e^-17.
    const auto kept = strongest_disjoint(res.hits, z);
    REQUIRE(kept.size() == 1);
    CHECK(kept[0].z < 0);
    CHECK(kept[0].first >= 100);
    CHECK(kept[0].last <= 134);
}

TEST_CASE("a busy chain-wide day raises every store's expected count")
{
    std::vector<double> counts(120, 4), chain(120, 1.0);
    chain[60] = 3;       // a festival: the whole chain sells three times as much
    counts[60] = 12;
    ScanOptions one_day;
    one_day.lengths = {1};
    one_day.report_z = 0;
    const auto res = scan_counts(counts, chain, one_day);
    bool seen = false;
    for (const auto &h : res.hits)
        if (h.first == 60) {
            seen = true;
            CHECK(h.expected == Approx(12).margin(0.2));
            CHECK(std::fabs(h.z) < 1);
        }
    CHECK(seen);
}

TEST_CASE("returns are judged out of the store's orders: a busy day is no surge, most orders back is")
{
    std::vector<double> orders(120, 6), returns(120, 1);
    orders[50] = 30;
    returns[50] = 5;   // five times the orders, five times the returns
    for (int t = 80; t < 84; ++t)
        returns[t] = 5;  // 5 of 6 orders back four days running
    ScanOptions opt;
    opt.model = ScanOptions::Model::kBinomial;
    const auto res = scan_counts(returns, orders, opt);
    const auto kept = strongest_disjoint(res.hits, bonferroni_z(0.05, res.tests));
    REQUIRE(kept.size() == 1);
    CHECK(kept[0].first >= 79);
    CHECK(kept[0].last <= 84);
    CHECK(kept[0].z > 0);
}

TEST_CASE("the strongest of overlapping windows stands for them all")
{
    std::vector<ScanHit> hits{{10, 12, 9, 1, 6}, {11, 11, 7, 0.3, 7}, {30, 30, 8, 1, 5.5}, {40, 40, 5, 1, 3}};
    const auto kept = strongest_disjoint(hits, 4);
    REQUIRE(kept.size() == 2);
    CHECK(kept[0].first == 11);
    CHECK(kept[1].first == 30);
}

TEST_CASE("a series with too few days around a window leaves it untested")
{
    const auto res = scan_counts(std::vector<double>(20, 1), std::vector<double>(20, 1), ScanOptions{});
    CHECK(res.tests == 0);
}

TEST_CASE("days of an event found earlier are left out of the level around it")
{
    std::vector<double> counts(160, 4);
    const std::vector<double> chain(160, 1.0);
    for (int t = 60; t < 80; ++t)
        counts[t] = 0;  // an outage
    ScanOptions one_day;
    one_day.lengths = {1};
    one_day.report_z = 0;
    auto expected_at = [&](const ScanResult &r, int day) {
        for (const auto &h : r.hits)
            if (h.first == day)
                return h.expected;
        return -1.0;
    };
    const auto plain = scan_counts(counts, chain, one_day);
    const auto masked = scan_counts(counts, chain, one_day, {{60, 79, 0, 80, -9}});
    CHECK(expected_at(plain, 85) < 3.3);                     // the outage drags the level down
    CHECK(expected_at(masked, 85) == Approx(4).margin(0.05));  // not once it is left out
}
