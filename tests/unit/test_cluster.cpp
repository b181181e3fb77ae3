// Workload clustering over statement feature vectors.
#include "cluster.hpp"
#include "features.hpp"

#include <catch2/catch.hpp>
#include <set>

using namespace autopilot;

namespace
{
// Two plan shapes: cheap index lookups and big scans-with-aggregates.
std::vector<StatementProfile> workload()
{
    std::vector<StatementProfile> w;
    for (int i = 0; i < 12; ++i) {
        StatementProfile s;
        s.fingerprint = "fp" + std::to_string(i);
        s.features.assign(feature_count(), 0.0f);
        const bool big = i % 2 == 0;
        s.features[0] = big ? 20000.0f + 100.0f * i : 8.0f + i * 0.1f;  // total_cost
        s.features[2] = big ? 1.0f : 1.0f;                              // plan_rows
        s.features[5] = big ? 6.0f : 1.0f;                              // nodes
        s.total_ms = big ? 500.0 + i : 0.1;
        s.calls = big ? 10 : 1000;
        s.tables = {big ? "sales.orders" : "sales.customers"};
        w.push_back(s);
    }
    return w;
}
}  // namespace

TEST_CASE("workload clustering is deterministic for a seed")
{
    const auto a = cluster_workload(workload(), 7);
    const auto b = cluster_workload(workload(), 7);
    CHECK(a.cluster_of == b.cluster_of);
    CHECK(a.k == b.k);
    CHECK(a.silhouette == b.silhouette);
}

TEST_CASE("workload clustering separates plan shapes and ranks clusters by share of time")
{
    const auto c = cluster_workload(workload(), 7);
    REQUIRE(c.k == 2);
    CHECK(c.clusters[0].share_of_time > 0.99);
    CHECK(c.clusters[0].tables == std::vector<std::string>{"sales.orders"});
    for (std::size_t i = 0; i < 12; ++i)
        CHECK(c.cluster_of[i] == (i % 2 == 0 ? 0 : 1));
    // Members by descending time: the most expensive statement first.
    CHECK(c.clusters[0].members.front() == 10);
}

TEST_CASE("clustering an empty workload gives no clusters")
{
    CHECK(cluster_workload({}).clusters.empty());
}
