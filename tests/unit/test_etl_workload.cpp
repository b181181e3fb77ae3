// The workload's template file format, literal binding and latency percentiles.
#include "latency_stats.hpp"
#include "sql_files.hpp"
#include "workload_spec.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

using namespace autopilot::etl;

namespace {

const char *kSpec = R"(-- preamble: ignored
-- pool: email
SELECT email FROM silver.customers

-- pool: day
SELECT '2025-01-01'

-- ===== section =====
-- template: by_email
-- weight: 2.5
-- params: email, day
-- protocol: both
-- note: index on email
SELECT * FROM t
WHERE email = $1::text AND d = $2::date;
)";

}  // namespace

TEST_CASE("a workload file yields its pools and templates with their keys", "[etl][workload]")
{
    const WorkloadSpec spec = parse_workload_spec(kSpec);
    REQUIRE(spec.pools.size() == 2);
    CHECK(spec.pools.at("day") == "SELECT '2025-01-01'");
    REQUIRE(spec.templates.size() == 1);
    const auto &t = spec.templates[0];
    CHECK(t.name == "by_email");
    CHECK(t.weight == 2.5);
    CHECK(t.protocol == Protocol::both);
    CHECK(t.params == std::vector<std::string>{"email", "day"});
    CHECK(t.note == "index on email");
    CHECK(t.sql == "SELECT * FROM t\nWHERE email = $1::text AND d = $2::date");
}

TEST_CASE("a template whose placeholders and params disagree is refused", "[etl][workload]")
{
    CHECK_THROWS_WITH(parse_workload_spec("-- pool: a\nSELECT 1\n-- template: t\n-- params: a\nSELECT $1, $2\n"),
                      Catch::Contains("2 placeholders but 1 params"));
}

TEST_CASE("a template naming an unknown pool is refused", "[etl][workload]")
{
    CHECK_THROWS_WITH(parse_workload_spec("-- template: t\n-- params: nope\nSELECT $1\n"),
                      Catch::Contains("no pool named \"nope\""));
}

TEST_CASE("a template with an unknown key or a bad weight is refused", "[etl][workload]")
{
    CHECK_THROWS(parse_workload_spec("-- template: t\n-- colour: red\nSELECT 1\n"));
    CHECK_THROWS(parse_workload_spec("-- template: t\n-- weight: -1\nSELECT 1\n"));
    CHECK_THROWS(parse_workload_spec("-- template: t\n-- protocol: carrier-pigeon\nSELECT 1\n"));
}

TEST_CASE("binding replaces every placeholder by its literal, including $10 after $1", "[etl][workload]")
{
    std::vector<std::string> lits;
    for (int i = 1; i <= 10; ++i)
        lits.push_back("'v" + std::to_string(i) + "'");
    CHECK(bind_literals("a = $1 AND b = $10 AND c = $1::int", lits) == "a = 'v1' AND b = 'v10' AND c = 'v1'::int");
    CHECK(placeholder_count("x = $3 OR y = $12") == 12);
    CHECK_THROWS_AS(bind_literals("a = $2", {"'x'"}), std::out_of_range);
}

TEST_CASE("percentiles interpolate between closest ranks", "[etl][workload]")
{
    CHECK(percentile({}, 0.5) == 0);
    CHECK(percentile({5}, 0.95) == 5);
    CHECK(percentile({4, 1, 3, 2}, 0.5) == Approx(2.5));
    CHECK(percentile({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, 0.95) == Approx(10.5));
}

TEST_CASE("the shipped workload has at least 30 templates that all parse", "[etl][workload]")
{
    std::ifstream in(std::string(AUTOPILOT_TEST_DATA) + "/../../../etl/sql/workload.sql");
    REQUIRE(in);
    std::stringstream s;
    s << in.rdbuf();
    const WorkloadSpec spec = parse_workload_spec(s.str());
    CHECK(spec.templates.size() >= 30);
    int simple = 0, extended = 0;
    for (const auto &t : spec.templates) {
        simple += t.protocol != Protocol::extended;
        extended += t.protocol != Protocol::simple;
    }
    CHECK(simple > 10);
    CHECK(extended > 10);
}
