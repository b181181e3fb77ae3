// autopilotd's configuration: defaults, every key, and errors that name the key.
#include "config.hpp"

#include <catch2/catch.hpp>

using namespace autopilot;
using namespace std::chrono_literals;

namespace
{
std::string error_key(const std::string &toml)
{
    try {
        parse_config(toml, "test.toml");
    } catch (const ConfigError &e) {
        return e.key();
    }
    return "(no error)";
}
}  // namespace

TEST_CASE("an empty configuration gives the documented defaults")
{
    const Config c = parse_config("", "test.toml");
    CHECK(c.conninfo.empty());
    CHECK(c.cycle_interval == 5min);
    CHECK(c.lock_timeout == 5s);
    CHECK(c.max_attempts == 3);
    CHECK(c.verify_window == 1h);
    CHECK(c.auto_revert);
    CHECK(c.metrics_listen == "127.0.0.1:9187");
    CHECK(c.storage_budget_bytes == 10ull << 30);
    CHECK(c.apply_window.always);
}

TEST_CASE("every documented key is read")
{
    const Config c = parse_config(R"(
[database]
conninfo = "dbname=w user=autopilot_daemon"
reconnect_backoff_max = "30s"
[cycle]
interval = 90
[advisor]
storage_budget = "512MB"
[apply]
window = "22:00-04:30"
lock_timeout = "250ms"
max_attempts = 5
retry_backoff = "2s"
retry_backoff_max = "1min"
[verify]
window = "2h"
min_calls = 10
regression_threshold_pct = 12.5
auto_revert = false
[metrics]
listen = ""
[model]
models_dir = "/tmp/m"
[log]
level = "debug"
)",
                                  "test.toml");
    CHECK(c.conninfo == "dbname=w user=autopilot_daemon");
    CHECK(c.reconnect_backoff_max == 30s);
    CHECK(c.cycle_interval == 90s);
    CHECK(c.storage_budget_bytes == 512ull << 20);
    CHECK_FALSE(c.apply_window.always);
    CHECK(c.lock_timeout == 250ms);
    CHECK(c.max_attempts == 5);
    CHECK(c.retry_backoff == 2s);
    CHECK(c.retry_backoff_max == 1min);
    CHECK(c.verify_window == 2h);
    CHECK(c.min_calls == 10);
    CHECK(c.regression_threshold_pct == 12.5);
    CHECK_FALSE(c.auto_revert);
    CHECK(c.metrics_listen.empty());
    CHECK(c.models_dir == "/tmp/m");
    CHECK(c.log_level == "debug");
}

TEST_CASE("a misspelled key is an error naming it")
{
    CHECK(error_key("[apply]\nlock_timout = \"5s\"\n") == "apply.lock_timout");
    CHECK(error_key("[aply]\nlock_timeout = \"5s\"\n") == "aply");
    CHECK(error_key("interval = 5\n") == "interval");
}

TEST_CASE("a value of the wrong type or range is an error naming its key")
{
    CHECK(error_key("[verify]\nauto_revert = \"yes\"\n") == "verify.auto_revert");
    CHECK(error_key("[apply]\nlock_timeout = \"5 parsecs\"\n") == "apply.lock_timeout");
    CHECK(error_key("[apply]\nmax_attempts = 0\n") == "apply.max_attempts");
    CHECK(error_key("[cycle]\ninterval = \"0s\"\n") == "cycle.interval");
    CHECK(error_key("[apply]\nwindow = \"25:00-01:00\"\n") == "apply.window");
    CHECK(error_key("[log]\nlevel = \"loud\"\n") == "log.level");
    CHECK(error_key("[metrics]\nlisten = \"nowhere\"\n") == "metrics.listen");
}

TEST_CASE("the error message names the key and the line")
{
    try {
        parse_config("[verify]\n\nmin_calls = -3\n", "x.toml");
        FAIL("no error");
    } catch (const ConfigError &e) {
        const std::string m = e.what();
        CHECK(m.find("\"verify.min_calls\"") != std::string::npos);
        CHECK(m.find("x.toml, line 3") != std::string::npos);
    }
}

TEST_CASE("invalid TOML is a configuration error")
{
    CHECK_THROWS_AS(parse_config("[verify\n", "x.toml"), ConfigError);
}

TEST_CASE("unknown keys of the advisor and model sections are kept for their steps")
{
    const Config c = parse_config("[advisor]\nmax_columns = 3\n[model]\nkind = \"xgb\"\n", "t.toml");
    CHECK(c.extra_value("advisor.max_columns") == std::optional<std::string>("3"));
    CHECK(c.extra_value("model.kind") == std::optional<std::string>("xgb"));
    CHECK_FALSE(c.extra_value("advisor.nothing"));
}

TEST_CASE("durations accept PostgreSQL-like units")
{
    CHECK(parse_duration("250ms") == 250ms);
    CHECK(parse_duration("5s") == 5s);
    CHECK(parse_duration("5") == 5s);
    CHECK(parse_duration("10min") == 10min);
    CHECK(parse_duration("1.5h") == 90min);
    CHECK(parse_duration("1d") == 24h);
    CHECK_THROWS(parse_duration("soon"));
    CHECK_THROWS(parse_duration("5 fortnights"));
    CHECK(pg_interval(5s) == "5000ms");
}

TEST_CASE("sizes use powers of 1024")
{
    CHECK(parse_size("4096") == 4096);
    CHECK(parse_size("1kB") == 1024);
    CHECK(parse_size("10GB") == 10ull << 30);
    CHECK_THROWS(parse_size("10 GiB please"));
}

TEST_CASE("an apply window may wrap past midnight")
{
    const TimeWindow night = parse_time_window("22:00-04:00");
    CHECK(night.contains(23 * 60));
    CHECK(night.contains(3 * 60 + 59));
    CHECK_FALSE(night.contains(4 * 60));
    CHECK_FALSE(night.contains(12 * 60));
    const TimeWindow day = parse_time_window("09:30-17:00");
    CHECK(day.contains(9 * 60 + 30));
    CHECK_FALSE(day.contains(17 * 60));
    CHECK(parse_time_window("").contains(0));
    CHECK_THROWS(parse_time_window("10:00-10:00"));
}
