// The advisor's pure pieces around the search: snapshot deltas, workload assembly, drop advice,
// confidence and rationale.
#include "advise.hpp"
#include "advisor_fixtures.hpp"
#include "drop_advice.hpp"
#include "statements.hpp"

#include <catch2/catch.hpp>

using namespace autopilot;
using namespace autopilot::test;

namespace {

PssSnapshot snap(double taken, double reset, std::vector<PssRow> rows)
{
    PssSnapshot s;
    s.taken_at = taken;
    s.reset_at = reset;
    for (auto &r : rows)
        s.rows[r.queryid] = r;
    return s;
}

PssRow row(int64_t id, double calls, double ms, const std::string &q = "SELECT 1")
{
    PssRow r;
    r.queryid = id;
    r.query = q;
    r.calls = calls;
    r.total_ms = ms;
    return r;
}

} // namespace

TEST_CASE("a snapshot delta subtracts the previous counters over the time between snapshots")
{
    PssSnapshot a = snap(3600, 0, {row(1, 10, 100), row(2, 5, 50)});
    PssSnapshot b = snap(7200, 0, {row(1, 30, 400), row(2, 5, 50)});
    double hours = 0;
    auto d = statement_delta(&a, b, hours);
    CHECK(hours == Approx(1));
    REQUIRE(d.size() == 1);  // statement 2 did not run in the window
    CHECK(d[0].calls == 20);
    CHECK(d[0].total_ms == 300);
}

TEST_CASE("a reset between snapshots starts the window at the reset instead of going negative")
{
    PssSnapshot a = snap(3600, 0, {row(1, 100, 1000)});
    PssSnapshot b = snap(7200, 5400, {row(1, 3, 30)});
    double hours = 0;
    auto d = statement_delta(&a, b, hours);
    CHECK(hours == Approx(0.5));
    REQUIRE(d.size() == 1);
    CHECK(d[0].calls == 3);
}

TEST_CASE("an evicted and re-added entry counts from scratch")
{
    PssSnapshot a = snap(3600, 0, {row(1, 100, 1000)});
    PssSnapshot b = snap(7200, 0, {row(1, 4, 40)});
    double hours = 0;
    auto d = statement_delta(&a, b, hours);
    REQUIRE(d.size() == 1);
    CHECK(d[0].calls == 4);
}

TEST_CASE("the workload prefers a captured real text over pg_stat_statements' normalized one")
{
    Catalog cat = shop_catalog();
    std::vector<PssRow> delta{row(7, 10, 1000, "SELECT * FROM orders WHERE created > date $1 AND status = $2")};
    SampleRow s;
    s.queryid = 7;
    s.status = "ok";
    s.total_ms = 90;
    s.query = "SELECT * FROM orders WHERE created > date '2024-01-01' AND status = 'open'";
    auto w = build_workload(delta, {s}, cat, 2);
    REQUIRE(w.size() == 1);
    CHECK(w[0].real_text);
    CHECK(w[0].text == s.query);
    CHECK(w[0].display == delta[0].query);
    CHECK(w[0].calls_per_hour == Approx(5));
    CHECK(w[0].mean_ms == Approx(100));
    bool constant = false;
    for (const auto &u : w[0].uses)
        if (u.column == "status" && u.constant && *u.constant == "'open'")
            constant = true;
    CHECK(constant);
}

TEST_CASE("a constant is kept for a partial index only if every sample shows the same one")
{
    Catalog cat = shop_catalog();
    std::vector<PssRow> delta{row(7, 10, 1000, "SELECT * FROM orders WHERE status = $1")};
    SampleRow a, b;
    a.queryid = b.queryid = 7;
    a.status = b.status = "ok";
    a.query = "SELECT * FROM orders WHERE status = 'open'";
    b.query = "SELECT * FROM orders WHERE status = 'closed'";
    auto w = build_workload(delta, {a, b}, cat, 1);
    REQUIRE(w.size() == 1);
    for (const auto &u : w[0].uses)
        CHECK_FALSE(u.constant);
}

TEST_CASE("timed-out statements count with their elapsed time as a lower bound")
{
    Catalog cat = shop_catalog();
    SampleRow t;
    t.queryid = 9;
    t.status = "timeout";
    t.total_ms = 30000;
    t.query = "SELECT count(*) FROM orders WHERE customer_id = 5";
    auto w = build_workload({}, {t, t}, cat, 1, WorkloadOptions{200, 0.5});
    REQUIRE(w.size() == 1);
    CHECK(w[0].lower_bound);
    CHECK(w[0].calls_per_hour == Approx(4));  // 2 samples at a 50% sampling rate
    CHECK(w[0].mean_ms == Approx(30000));
}

TEST_CASE("statements touching no user table are left out, unparsable ones are kept with a reason")
{
    Catalog cat = shop_catalog();
    auto w = build_workload({row(1, 5, 5, "SELECT now()"), row(2, 5, 5, "SET work_mem = $1"), row(3, 5, 5, "SELEC oops")},
                            {}, cat, 1);
    REQUIRE(w.size() == 1);
    CHECK(w[0].queryid == 3);
    CHECK(w[0].uncostable_reason.find("does not parse") == 0);
}

TEST_CASE("write rates come from the workload's data-modifying statements")
{
    Catalog cat = shop_catalog();
    PssRow ins = row(1, 100, 10, "INSERT INTO orders (id, status) VALUES ($1, $2)");
    ins.rows = 100;
    auto w = build_workload({ins}, {}, cat, 2);
    apply_write_rates(w, cat);
    CHECK(cat.find("public", "orders")->writes_per_hour == Approx(50));
    CHECK(cat.find("public", "customers")->writes_per_hour == 0);
}

TEST_CASE("drop advice never proposes primary key, unique, constraint or replica identity indexes")
{
    Catalog cat = shop_catalog();
    IndexInfo u;
    u.schema = "public";
    u.name = "orders_unique_thing";
    u.keys = {"status"};
    u.unique = true;
    cat.tables[0].indexes.push_back(u);
    IndexInfo ri = u;
    ri.name = "orders_ri";
    ri.unique = false;
    ri.replica_identity = true;
    cat.tables[0].indexes.push_back(ri);
    CHECK(drop_candidates(cat, 1000).empty());
}

TEST_CASE("drop advice never proposes a partition's index attached to a partitioned table's index")
{
    Catalog cat = shop_catalog();
    IndexInfo part;
    part.schema = "public";
    part.name = "orders_2024_01_status_idx";
    part.keys = {"status"};
    part.scans = 0;
    part.attached = true;  // dropped only with its parent index: DROP INDEX on it is an error
    cat.tables[0].indexes.push_back(part);
    CHECK(drop_candidates(cat, 1000).empty());
    cat.tables[0].indexes.back().attached = false;
    CHECK(drop_candidates(cat, 1000).size() == 1);
}

TEST_CASE("drop advice finds redundant prefixes and unused indexes after a long enough window")
{
    Catalog cat = shop_catalog();
    IndexInfo narrow;
    narrow.schema = "public";
    narrow.name = "orders_customer";
    narrow.keys = {"customer_id"};
    narrow.scans = 10;
    IndexInfo wide = narrow;
    wide.name = "orders_customer_created";
    wide.keys = {"customer_id", "created"};
    wide.scans = 10;
    IndexInfo idle = narrow;
    idle.name = "orders_amount";
    idle.keys = {"amount"};
    idle.scans = 0;
    cat.tables[0].indexes.insert(cat.tables[0].indexes.end(), {narrow, wide, idle});
    auto d = drop_candidates(cat, 48);
    REQUIRE(d.size() == 2);
    CHECK(d[0].index.name == "orders_customer");
    CHECK(d[0].reason == "redundant");
    CHECK(d[0].covered_by == "public.orders_customer_created");
    CHECK(d[1].index.name == "orders_amount");
    CHECK(d[1].reason == "unused");
    CHECK(drop_candidates(cat, 1).size() == 1);  // one hour says nothing about "unused"
}

TEST_CASE("confidence grows with real texts and clear gains and stays within bounds")
{
    Recommendation r;
    AffectedStatement a;
    a.calls_per_hour = 10;
    a.before_ms = 100;
    a.after_ms = 10;
    r.affected = {a};
    const double generic = recommendation_confidence(r, false);
    r.affected[0].real_text = true;
    const double real = recommendation_confidence(r, false);
    CHECK(real > generic);
    CHECK(recommendation_confidence(r, true) > real);
    CHECK(recommendation_confidence(r, true) <= 0.95);
    r.affected[0].after_ms = 95;
    CHECK(recommendation_confidence(r, false) < real);
}

TEST_CASE("the rationale names the index, the statement with the largest saving and the predictor")
{
    Recommendation r;
    r.index.schema = "public";
    r.index.table = "orders";
    r.index.keys = {"status", "created"};
    r.bytes = 2 << 20;
    AffectedStatement a;
    a.query = "SELECT * FROM orders WHERE status = $1 AND created > $2";
    a.calls_per_hour = 10;
    a.before_ms = 100;
    a.after_ms = 10;
    r.affected = {a};
    r.gain_pct = 90;
    const std::string s = recommendation_rationale(r, "the latency model");
    CHECK(s.find("public.orders (status, created)") != std::string::npos);
    CHECK(s.find("2.0 MB") != std::string::npos);
    CHECK(s.find(a.query) != std::string::npos);
    CHECK(s.find("the latency model") != std::string::npos);
    CHECK(s.find("equality columns first") != std::string::npos);
}
