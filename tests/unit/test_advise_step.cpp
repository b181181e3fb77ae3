// The advisor's cycle stages, pure parts: the sliding window of pg_stat_statements snapshots and
// the [advisor] settings.
#include "advise_step.hpp"

#include <catch2/catch.hpp>

using namespace autopilot;

namespace {

PssSnapshot at(double hours, double reset = 0)
{
    PssSnapshot s;
    s.taken_at = hours * 3600;
    s.reset_at = reset;
    return s;
}

Config with(std::map<std::string, std::string> extra)
{
    Config c;
    c.extra = std::move(extra);
    return c;
}

} // namespace

TEST_CASE("the window counts since the statistics' reset until the daemon observed min_window itself")
{
    SnapshotWindow w(24, 1);
    CHECK(w.base() == nullptr);
    w.add(at(10));
    CHECK(w.base() == nullptr);
    w.add(at(10.5));
    CHECK(w.base() == nullptr);
    w.add(at(11));
    REQUIRE(w.base() != nullptr);
    CHECK(w.base()->taken_at == at(10).taken_at);
}

TEST_CASE("the window starts at the oldest snapshot at most window hours old")
{
    SnapshotWindow w(24, 1);
    for (int h = 0; h <= 48; ++h)
        w.add(at(h));
    REQUIRE(w.base() != nullptr);
    CHECK(w.base()->taken_at == at(24).taken_at);
    CHECK(w.newest()->taken_at == at(48).taken_at);
}

TEST_CASE("a statistics reset between snapshots starts a new window")
{
    SnapshotWindow w(24, 1);
    w.add(at(1));
    w.add(at(3));
    REQUIRE(w.base() != nullptr);
    w.add(at(4, 3.5 * 3600));
    CHECK(w.size() == 1);
    CHECK(w.base() == nullptr);
}

TEST_CASE("frequent cycles keep a bounded number of snapshots")
{
    SnapshotWindow w(24, 1, 24);
    for (int m = 0; m <= 48 * 60; ++m)  // a snapshot per minute for two days
        w.add(at(m / 60.0));
    CHECK(w.size() <= 25);
    REQUIRE(w.base() != nullptr);
    CHECK(w.newest()->taken_at - w.base()->taken_at <= 24 * 3600);
    CHECK(w.newest()->taken_at - w.base()->taken_at >= 22 * 3600);
}

TEST_CASE("the advisor's settings come from the advisor section with defaults")
{
    Config c = with({{"advisor.regression_threshold_pct", "5"}, {"advisor.window", "2h"}, {"advisor.min_window", "10min"},
                     {"advisor.max_key_columns", "2"}});
    c.storage_budget_bytes = 1 << 20;
    AdviseSettings s = advise_settings(c);
    CHECK(s.advisor.budget_bytes == (1 << 20));
    CHECK(s.advisor.regression_threshold == Approx(0.05));
    CHECK(s.advisor.candidates.max_key_columns == 2);
    CHECK(s.window_hours == Approx(2));
    CHECK(s.min_window_hours == Approx(10.0 / 60));
    AdviseSettings d = advise_settings(Config{});
    CHECK(d.advisor.regression_threshold == Approx(0.10));
    CHECK(d.window_hours == Approx(24));
    CHECK(d.collect_samples);
    CHECK_FALSE(advise_settings(with({{"advisor.collect_samples", "false"}})).collect_samples);
}

TEST_CASE("a storage budget of zero means no budget, as for apply")
{
    Config c;
    c.storage_budget_bytes = 0;
    CHECK(advise_settings(c).advisor.budget_bytes > (int64_t(1) << 50));
}

TEST_CASE("a bad advisor setting is a configuration error naming the key")
{
    CHECK_THROWS_WITH(advise_settings(with({{"advisor.max_statements", "many"}})),
                      Catch::Contains("advisor.max_statements"));
    CHECK_THROWS_WITH(advise_settings(with({{"advisor.window", "soon"}})), Catch::Contains("advisor.window"));
    CHECK_THROWS_WITH(advise_settings(with({{"advisor.window", "1h"}, {"advisor.min_window", "2h"}})),
                      Catch::Contains("advisor.min_window"));
    CHECK_THROWS_AS(advise_settings(with({{"advisor.regression_threshold_pct", "-1"}})), ConfigError);
    CHECK_THROWS_WITH(advise_settings(with({{"advisor.collect_samples", "maybe"}})),
                      Catch::Contains("advisor.collect_samples"));
}
