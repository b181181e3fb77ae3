// The run's step table, its log line and where the tool finds its SQL.
#include "pipeline.hpp"
#include "sql_files.hpp"

#include <catch2/catch.hpp>
#include <algorithm>
#include <set>

using namespace autopilot::etl;

TEST_CASE("the pipeline loads silver before gold and dimensions before the facts that use them", "[etl][run]")
{
    std::vector<std::string> names;
    for (const auto &s : pipeline_steps())
        names.push_back(s.name);
    auto pos = [&](const std::string &n) { return std::find(names.begin(), names.end(), n) - names.begin(); };
    CHECK(pos("silver.customers") < pos("silver.orders"));
    CHECK(pos("silver.products") < pos("silver.order_items"));
    CHECK(pos("silver.orders") < pos("silver.order_items"));
    CHECK(pos("silver.sessions") < pos("silver.clickstream"));
    CHECK(pos("silver.clickstream") < pos("gold.dimensions"));
    CHECK(pos("gold.dimensions") < pos("gold.fact_sales"));
    CHECK(pos("gold.fact_sales") < pos("gold.aggregates"));
}

TEST_CASE("every pipeline step has a distinct name, its own SQL file and tables to analyze", "[etl][run]")
{
    std::set<std::string> names, files;
    for (const auto &s : pipeline_steps()) {
        CHECK(names.insert(s.name).second);
        CHECK(files.insert(s.file).second);
        CHECK_FALSE(s.analyze.empty());
    }
}

TEST_CASE("step lines group digits and show seconds", "[etl][run]")
{
    CHECK(group_digits(7286454) == "7,286,454");
    CHECK(group_digits(999) == "999");
    CHECK(group_digits(-1000) == "-1,000");
    StepFigures f;
    f.rows_in = 112512;
    f.rows_out = 112501;
    f.rows_rejected = 11;
    f.elapsed_ms = 1234;
    const std::string line = format_step_line("silver.orders", f);
    CHECK(line.find("112,512") != std::string::npos);
    CHECK(line.find("1.23 s") != std::string::npos);
}

TEST_CASE("the SQL directory is looked up from the override, then next to the build, then the install",
          "[etl][run]")
{
    const auto c = sql_dir_candidates("/opt/x/bin/autopilot-etl", "/custom");
    REQUIRE(c.size() == 3);
    CHECK(c[0] == "/custom");
    CHECK(c[1] == "/opt/x/etl/sql");
    CHECK(c[2] == "/opt/x/share/autopilot/etl/sql");
    CHECK(sql_dir_candidates("/opt/x/bin/autopilot-etl", nullptr).size() == 2);
}
