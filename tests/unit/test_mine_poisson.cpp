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

TEST_CASE("one order too many at a quiet store is not a spike, a burst of them is")
{
    std::vector<double> counts(120), chain(120, 1.0);
    for (int t = 0; t < 120; ++t)
        counts[t] = (t * 7919 % 10) < 5 ? 0 : (t % 4 == 0 ? 2 : 1);  // about 0.6 a day
    counts[40] = 3;
    counts[80] = 9;
    const auto s = score_counts(counts, chain, CountScoreOptions{});
    CHECK(s[40].z < 4.5);
    CHECK(s[80].z > 4.5);
    CHECK(s[80].rate == Approx(0.6).margin(0.15));
}

TEST_CASE("a busy chain-wide day raises every store's expected count")
{
    std::vector<double> counts(120, 4), chain(120, 1.0);
    chain[60] = 3;       // a festival: the whole chain sells three times as much
    counts[60] = 12;
    const auto s = score_counts(counts, chain, CountScoreOptions{});
    CHECK(s[60].rate == Approx(12).margin(0.2));
    CHECK(std::fabs(s[60].z) < 1);
}

TEST_CASE("the chain factor is each day's total over the mean")
{
    const auto f = chain_factor({1, 2, 3});
    CHECK(f[0] == Approx(0.5));
    CHECK(f[2] == Approx(1.5));
    CHECK(chain_factor({0, 0})[1] == 1);
}

TEST_CASE("a series with too few days around a day leaves it unscored")
{
    const auto s = score_counts(std::vector<double>(20, 1), std::vector<double>(20, 1), CountScoreOptions{});
    CHECK(std::isnan(s[10].rate));
}
