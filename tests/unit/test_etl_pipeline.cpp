// The run's step table, its log line and where the tool finds its SQL.
#include "pipeline.hpp"
#include "sql_files.hpp"

#include <catch2/catch.hpp>
#include <algorithm>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

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

TEST_CASE("each step runs after every step that writes a table its SQL reads", "[etl][run]")
{
    // The tables each step writes (its analyze list) and the step writing them.
    std::map<std::string, std::string> writer;
    for (const auto &s : pipeline_steps())
        for (const auto &t : s.analyze)
            writer[t] = s.name;
    const std::string dir = std::string(AUTOPILOT_TEST_DATA) + "/../../../etl/sql/";
    const std::regex table_ref(R"(\b(silver|gold)\.([a-z_0-9]+)\b)");
    std::set<std::string> earlier;
    for (const auto &s : pipeline_steps()) {
        std::ifstream in(dir + s.file);
        REQUIRE(in);
        std::stringstream text;
        text << in.rdbuf();
        const std::string sql = text.str();
        for (std::sregex_iterator m(sql.begin(), sql.end(), table_ref), end; m != end; ++m) {
            const auto w = writer.find((*m)[0].str());
            if (w == writer.end() || w->second == s.name)
                continue;
            INFO(s.name << " reads " << (*m)[0].str() << ", written by " << w->second);
            CHECK(std::find(s.after.begin(), s.after.end(), w->second) != s.after.end());
        }
        for (const auto &dep : s.after) {
            INFO(s.name << " runs after " << dep);
            CHECK(earlier.count(dep) == 1);  // listed before it: the table order is a valid serial order
        }
        earlier.insert(s.name);
    }
}

TEST_CASE("the scheduler runs a step only when the steps it follows are done", "[etl][run]")
{
    const std::vector<PipelineStep> steps = {
        {"a", "a.sql", {"a"}, {}}, {"b", "b.sql", {"b"}, {"a"}}, {"c", "c.sql", {"c"}, {}}, {"d", "d.sql", {"d"}, {"b", "c"}}};
    using S = StepState;
    std::vector<S> state(4, S::pending);
    CHECK(next_ready_step(steps, state) == 0);
    state[0] = S::running;
    CHECK(next_ready_step(steps, state) == 2);  // b waits for a; c is independent
    state[2] = S::running;
    CHECK(next_ready_step(steps, state) == -1);
    state[0] = S::done;
    CHECK(next_ready_step(steps, state) == 1);
    state[1] = S::failed;
    state[2] = S::done;
    CHECK(next_ready_step(steps, state) == -1);  // d never runs after a failed b
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
