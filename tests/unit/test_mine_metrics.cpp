// Unit tests of the mining evaluation metrics.
#include "mine_metrics.hpp"

#include <catch2/catch.hpp>

using namespace autopilot::mining;

TEST_CASE("MASE of a perfect forecast is zero and of the seasonal naive on its own scale is one")
{
    const std::vector<double> history = {1, 2, 3, 4, 5, 6, 7, 2, 3, 4, 5, 6, 7, 8};
    const double scale = seasonal_naive_mae(history, 7);
    REQUIRE(scale == Approx(1.0));
    ErrorSums perfect, naive;
    perfect.add(5, 5, scale);
    naive.add(5, 4, scale);
    CHECK(perfect.mase() == 0);
    CHECK(naive.mase() == Approx(1.0));
}

TEST_CASE("sMAPE is 0 for exact forecasts, 200 for a forecast of zero, and 0 when both are zero")
{
    CHECK(smape_term(10, 10) == 0);
    CHECK(smape_term(10, 0) == Approx(200));
    CHECK(smape_term(0, 0) == 0);
}

TEST_CASE("interval coverage counts the outcomes inside the band")
{
    ErrorSums e;
    e.add(5, 5, 1, 4, 6);
    e.add(9, 5, 1, 4, 6);
    CHECK(e.coverage() == Approx(0.5));
}

TEST_CASE("event matching counts each planted event once and honours the tolerance and ranges")
{
    const std::vector<Event> planted = {{"store:1", 100, 100}, {"store:2", 200, 205}};
    const std::vector<Event> detected = {{"store:1", 100, 100}, {"store:1", 101, 101},
                                         {"store:2", 203, 203}, {"store:3", 100, 100}};
    const auto exact = match_events(detected, planted, 0);
    CHECK(exact.true_positives == 2);
    CHECK(exact.precision == Approx(0.5));
    CHECK(exact.recall == Approx(1.0));
}

TEST_CASE("adjusted Rand index is 1 for identical partitions up to renaming and near 0 for unrelated ones")
{
    CHECK(adjusted_rand_index({0, 0, 1, 1, 2, 2}, {5, 5, 3, 3, 9, 9}) == Approx(1.0));
    std::vector<int> a, b;
    for (int i = 0; i < 1000; ++i) {
        a.push_back(i % 4);
        b.push_back((i / 4) % 3);
    }
    CHECK(std::fabs(adjusted_rand_index(a, b)) < 0.05);
}

TEST_CASE("PR-AUC is 1 for a perfect ranking and the positive rate for a constant score")
{
    CHECK(pr_auc({0.9, 0.8, 0.2, 0.1}, {1, 1, 0, 0}) == Approx(1.0));
    CHECK(pr_auc({0.5, 0.5, 0.5, 0.5}, {1, 0, 0, 0}) == Approx(0.25));
}

TEST_CASE("recall at 95% precision is the share of positives ranked above the first negative")
{
    CHECK(recall_at_precision({0.9, 0.8, 0.7, 0.6, 0.1}, {1, 1, 0, 1, 0}, 0.95) == Approx(2.0 / 3));
    CHECK(recall_at_precision({0.9, 0.8}, {0, 1}, 0.95) == 0);
}
