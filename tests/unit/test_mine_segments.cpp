// Unit tests of RFM features and segment labels.
#include "mine_segments.hpp"

#include <catch2/catch.hpp>

using namespace autopilot::mining;

namespace {
CustomerActivity customer(double recency, double tenure, double orders, double monetary)
{
    CustomerActivity c;
    c.recency_days = recency;
    c.tenure_days = tenure;
    c.orders = orders;
    c.monetary = monetary;
    return c;
}
}  // namespace

TEST_CASE("segment features are standardised columns in the documented order")
{
    const auto x = segment_features({customer(10, 100, 2, 100), customer(30, 300, 4, 300)});
    REQUIRE(x.size() == 2);
    REQUIRE(x[0].size() == segment_feature_names().size());
    CHECK(x[0][0] == Approx(-1));
    CHECK(x[1][0] == Approx(1));
}

TEST_CASE("preference columns weigh less than the RFM columns in segment features")
{
    auto a = customer(10, 100, 2, 100), b = customer(30, 300, 4, 300);
    a.online_share = 0;
    b.online_share = 1;
    const auto x = segment_features({a, b}, 0.25);
    CHECK(x[1][0] - x[0][0] == Approx(2));      // recency: full weight
    CHECK(x[1][4] - x[0][4] == Approx(0.5));    // online share: a quarter
    const auto full = segment_features({a, b}, 1.0);
    CHECK(full[1][4] - full[0][4] == Approx(2));
}

TEST_CASE("cluster profiles get readable labels from their RFM medians")
{
    std::vector<CustomerActivity> cs;
    std::vector<int> labels;
    for (int i = 0; i < 10; ++i) {
        cs.push_back(customer(5, 700, 20, 90000));  // recent, frequent, valuable
        labels.push_back(0);
        cs.push_back(customer(400, 800, 1, 3000));  // long gone, bought once
        labels.push_back(1);
        cs.push_back(customer(10, 20, 1, 4000));  // just arrived
        labels.push_back(2);
        cs.push_back(customer(60, 600, 4, 12000));  // ordinary
        labels.push_back(3);
    }
    const auto p = profile_segments(cs, labels, 4);
    REQUIRE(p.size() == 4);
    CHECK(p[0].label == "champions");
    CHECK(p[1].label == "hibernating");
    CHECK(p[2].label == "new");
    CHECK(p[0].customers == 10);
    CHECK(p[0].orders == 20);
}

TEST_CASE("duplicate labels are told apart by a suffix")
{
    std::vector<CustomerActivity> cs = {customer(5, 700, 20, 90000), customer(5, 700, 20, 80000),
                                        customer(400, 800, 1, 100), customer(400, 800, 1, 100)};
    const auto p = profile_segments(cs, {0, 1, 2, 2}, 3);
    CHECK(p[0].label == "champions");
    CHECK(p[1].label == "champions (2)");
}

TEST_CASE("the RFM rule baseline puts recent big spenders and lapsed small ones apart")
{
    std::vector<CustomerActivity> cs;
    for (int i = 0; i < 30; ++i)
        cs.push_back(customer(i < 10 ? 5 : (i < 20 ? 100 : 500), 500, i < 10 ? 20 : (i < 20 ? 3 : 1),
                              i < 10 ? 50000 : (i < 20 ? 5000 : 1000)));
    const auto seg = rfm_rule_segments(cs);
    CHECK(seg[0] == 0);
    CHECK(seg[25] == 4);
}
