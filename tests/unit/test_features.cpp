// The plan featurizer on real EXPLAIN (ANALYZE, FORMAT JSON) plans of bench/predictor's schema.
#include "features.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <set>

using namespace autopilot;
using nlohmann::json;

namespace
{
json load_plan(const std::string &name)
{
    std::ifstream in(std::string(AUTOPILOT_TEST_DATA) + "/plans/" + name + ".json");
    REQUIRE(in);
    return json::parse(in);
}

FeatureContext context()
{
    FeatureContext c;
    c.relations = {{"bench.orders", {2086, 250000}},
                   {"bench.customers", {303, 40000}},
                   {"bench.order_items", {4778, 750000}},
                   {"bench.events", {2206, 300000}}};
    c.work_mem_kb = 4096;
    c.shared_buffers_pages = 65536;
    return c;
}

double feature(const std::vector<float> &v, const std::string &name)
{
    const auto &names = feature_names();
    const auto it = std::find(names.begin(), names.end(), name);
    REQUIRE(it != names.end());
    return v[static_cast<std::size_t>(it - names.begin())];
}
}  // namespace

TEST_CASE("feature names are unique and match the vector length")
{
    const auto &names = feature_names();
    std::set<std::string> unique(names.begin(), names.end());
    CHECK(unique.size() == names.size());
    CHECK(featurize(load_plan("seqscan_filter"), context()).size() == names.size());
    CHECK(kFeatureVersion == 2);
}

TEST_CASE("a filtered sequential scan reports its relation size and estimated selectivity")
{
    const json plan = load_plan("seqscan_filter");
    const auto v = featurize(plan, context());
    CHECK(feature(v, "seq_scan.count") == 1);
    CHECK(feature(v, "nodes") == 1);
    CHECK(feature(v, "total_cost") == Approx(plan["Total Cost"].get<double>()));
    CHECK(feature(v, "seq_scan_pages") == 2086);
    CHECK(feature(v, "sum_rel_tuples") == 250000);
    CHECK(feature(v, "filters") == 1);
    CHECK(feature(v, "min_scan_selectivity") == Approx(plan["Plan Rows"].get<double>() / 250000));
    CHECK(feature(v, "unknown_relations") == 0);
}

TEST_CASE("the featurizer accepts EXPLAIN's array and the object holding Plan alike")
{
    const json plan = load_plan("index_scan");
    const auto a = featurize(plan, context());
    CHECK(featurize(json::array({json{{"Plan", plan}}}), context()) == a);
    CHECK(featurize(json{{"Plan", plan}}, context()) == a);
    CHECK(feature(a, "index_scan.count") == 1);
    CHECK(feature(a, "index_conds") == 1);
}

TEST_CASE("a nested loop multiplies its inner side's loops by the outer rows")
{
    const json plan = load_plan("nested_loop");
    const auto v = featurize(plan, context());
    CHECK(feature(v, "nested_loop.count") == 1);
    CHECK(feature(v, "join.Inner") == 1);
    CHECK(feature(v, "max_est_loops") > 100);
    CHECK(feature(v, "inner_index_scans") == 1);
    CHECK(feature(v, "index_rows_x_loops") >= feature(v, "max_est_loops"));
}

TEST_CASE("the work features count tuples read, rows consumed and index descents across loops")
{
    const auto seq = featurize(load_plan("seqscan_filter"), context());
    CHECK(feature(seq, "seq_tuples_x_loops") == 250000);
    CHECK(feature(seq, "index_descents") == 0);
    CHECK(feature(seq, "input_rows_x_loops") == 0);
    CHECK(feature(seq, "work_units") >= 250000);
    const auto nl = featurize(load_plan("nested_loop"), context());
    // The inner index scan descends once per outer row.
    CHECK(feature(nl, "index_descents") >= feature(nl, "max_est_loops"));
    CHECK(feature(nl, "heap_fetch_pages") > 0);
    CHECK(feature(nl, "input_rows_x_loops") > 0);
    CHECK(feature(featurize(load_plan("sort_limit"), context()), "sort_n_log_n") > 0);
}

TEST_CASE("joins, aggregates and sorts are counted with their memory needs")
{
    const auto v = featurize(load_plan("hash_join_agg"), context());
    CHECK(feature(v, "hash_join.count") == 2);
    CHECK(feature(v, "hash.count") == 2);
    CHECK(feature(v, "aggregate.count") >= 1);
    CHECK(feature(v, "agg.Sorted") + feature(v, "agg.Hashed") + feature(v, "agg.Plain") >= 1);
    CHECK(feature(v, "max_hash_bytes_over_work_mem") > 0);
    CHECK(feature(v, "sort.count") >= 1);
    CHECK(feature(v, "scanned_relations") == 3);
    CHECK(feature(v, "max_depth") >= 5);
}

TEST_CASE("parallel plans report workers and parallel-aware nodes")
{
    const auto v = featurize(load_plan("parallel_agg"), context());
    CHECK(feature(v, "workers_planned") >= 1);
    CHECK(feature(v, "parallel_aware_nodes") >= 1);
    CHECK(feature(v, "gather.count") == 1);
}

TEST_CASE("limit, bitmap and index-only scans are recognised")
{
    CHECK(feature(featurize(load_plan("sort_limit"), context()), "limit_fraction") < 0.01);
    const auto b = featurize(load_plan("bitmap_scan"), context());
    CHECK(feature(b, "bitmap_heap_scan.count") == 1);
    CHECK(feature(b, "bitmap_index_scan.count") == 1);
    CHECK(feature(featurize(load_plan("index_only"), context()), "index_only_scan.count") >= 1);
}

TEST_CASE("relations missing from the catalog sizes are counted as unknown")
{
    const auto v = featurize(load_plan("seqscan_filter"), FeatureContext{});
    CHECK(feature(v, "unknown_relations") == 1);
    CHECK(feature(v, "sum_rel_pages") == 0);
}

TEST_CASE("a document that is not a plan is refused")
{
    CHECK_THROWS_AS(featurize(json{{"foo", 1}}, {}), PlanError);
    CHECK_THROWS_AS(featurize(json::array(), {}), PlanError);
    CHECK_THROWS_AS(featurize(json{{"Node Type", "Seq Scan"}, {"Total Cost", "x"}}, {}), PlanError);
}

TEST_CASE("plan_relations lists each scanned relation once")
{
    const auto rels = plan_relations(load_plan("hash_join_agg"));
    CHECK(rels.size() == 3);
}
