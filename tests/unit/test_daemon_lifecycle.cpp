// The daemon's pure decisions: command line, reconcile, retry back-off, verification, metrics.
#include "command_line.hpp"
#include "lifecycle.hpp"
#include "metrics.hpp"
#include "reconcile.hpp"
#include "verify.hpp"

#include <catch2/catch.hpp>

using namespace autopilot;
using namespace std::chrono_literals;

TEST_CASE("the command line accepts every documented option")
{
    const Options o = parse_options({"--config", "/x.toml", "--once", "--dry-run"});
    CHECK(o.config_path == "/x.toml");
    CHECK(o.config_given);
    CHECK(o.once);
    CHECK(o.dry_run);
    CHECK(parse_options({"--config=/y.toml"}).config_path == "/y.toml");
    CHECK(parse_options({"--print-unit"}).print_unit);
}

TEST_CASE("a bad command line is a usage error")
{
    CHECK_THROWS_AS(parse_options({"--bogus"}), UsageError);
    CHECK_THROWS_AS(parse_options({"--config"}), UsageError);
    CHECK_THROWS_AS(parse_options({"--once=yes"}), UsageError);
}

TEST_CASE("the help lists every option and every exit code")
{
    const std::string help = usage_text();
    for (const auto &o : option_table())
        CHECK(help.find(o.name) != std::string::npos);
    for (const auto &c : exit_codes())
        CHECK(help.find("  " + std::to_string(static_cast<int>(c.code)) + "  ") != std::string::npos);
    CHECK(static_cast<int>(ExitCode::usage) == 2);
}

TEST_CASE("reconcile marks an interrupted build whose index is valid as applied")
{
    CHECK(plan_reconcile("applying", 1, IndexState::valid, 3) == ReconcileAction::mark_applied);
}

TEST_CASE("reconcile drops an interrupted build's INVALID index and retries while attempts remain")
{
    CHECK(plan_reconcile("applying", 1, IndexState::invalid, 3) == ReconcileAction::drop_and_retry);
    CHECK(plan_reconcile("applying", 3, IndexState::invalid, 3) == ReconcileAction::drop_and_fail);
    CHECK(plan_reconcile("applying", 1, IndexState::missing, 3) == ReconcileAction::retry);
    CHECK(plan_reconcile("applying", 3, IndexState::missing, 3) == ReconcileAction::fail);
}

TEST_CASE("reconcile drops INVALID leftovers of recommendations not being built")
{
    CHECK(plan_reconcile("failed", 3, IndexState::invalid, 3) == ReconcileAction::drop_leftover);
    CHECK(plan_reconcile("approved", 1, IndexState::invalid, 3) == ReconcileAction::drop_leftover);
    CHECK(plan_reconcile("applied", 1, IndexState::valid, 3) == ReconcileAction::none);
    CHECK(plan_reconcile("pending", 0, IndexState::missing, 3) == ReconcileAction::none);
}

TEST_CASE("retries back off exponentially up to the cap")
{
    CHECK(retry_delay(10s, 5min, 2) == 10s);
    CHECK(retry_delay(10s, 5min, 3) == 20s);
    CHECK(retry_delay(10s, 5min, 4) == 40s);
    CHECK(retry_delay(10s, 30s, 9) == 30s);
    CHECK(is_retryable_sqlstate("55P03"));
    CHECK(is_retryable_sqlstate("40P01"));
    CHECK_FALSE(is_retryable_sqlstate("42P01"));
}

TEST_CASE("the index tag names the recommendation")
{
    CHECK(index_tag(42) == "autopilot recommendation 42");
}

TEST_CASE("measure weighs each statement's before latency by its calls after")
{
    // q1: 10 ms before, 2 ms after; q2: 100 ms before, 100 ms after.
    const std::vector<StatementCounters> before = {{1, 100, 1000}, {2, 10, 1000}};
    const std::vector<StatementCounters> now = {{1, 200, 1200}, {2, 20, 2000}};
    const Measurement m = measure(before, now);
    CHECK(m.statements == 2);
    CHECK(m.calls_after == Approx(110));
    // expected 100*10 + 10*100 = 2000 ms, actual 200 + 1000 = 1200 ms
    CHECK(m.gain_pct == Approx(40.0));
    CHECK(m.before_ms == Approx(2000.0 / 110));
    CHECK(m.after_ms == Approx(1200.0 / 110));
}

TEST_CASE("measure treats counters that went down as a pg_stat_statements reset")
{
    const Measurement m = measure({{1, 100, 1000}}, {{1, 20, 400}});
    CHECK(m.calls_after == Approx(20));
    CHECK(m.gain_pct == Approx(-100.0));
}

TEST_CASE("measure ignores statements without a baseline or without new calls")
{
    const Measurement m = measure({{1, 0, 0}, {2, 10, 100}}, {{1, 50, 50}, {2, 10, 100}, {3, 5, 5}});
    CHECK(m.statements == 0);
}

TEST_CASE("judge waits for enough executions")
{
    Measurement m;
    m.statements = 1;
    m.calls_after = 9;
    m.gain_pct = -80;
    CHECK(judge(m, 10, 10, true) == Verdict::wait);
}

TEST_CASE("judge reverts a regression beyond the threshold only when auto_revert is on")
{
    Measurement m;
    m.statements = 1;
    m.calls_after = 100;
    m.gain_pct = -25;
    CHECK(judge(m, 10, 10, true) == Verdict::revert);
    CHECK(judge(m, 10, 10, false) == Verdict::report);
    CHECK(judge(m, 10, 30, true) == Verdict::keep);
    m.gain_pct = 40;
    CHECK(judge(m, 10, 10, true) == Verdict::keep);
}

TEST_CASE("metrics render in the Prometheus text format")
{
    Metrics m;
    m.add("autopilot_builds_total", 1, "result=\"ok\"");
    m.add("autopilot_builds_total", 2, "result=\"ok\"");
    m.describe("autopilot_model_rmse_ms", "gauge", "Latency model error.");
    m.set("autopilot_model_rmse_ms", 1.5);
    const std::string text = m.render();
    CHECK(text.find("# TYPE autopilot_builds_total counter\n") != std::string::npos);
    CHECK(text.find("autopilot_builds_total{result=\"ok\"} 3\n") != std::string::npos);
    CHECK(text.find("# HELP autopilot_model_rmse_ms Latency model error.\n") != std::string::npos);
    CHECK(text.find("autopilot_model_rmse_ms 1.5\n") != std::string::npos);
    CHECK(text.find("autopilot_cycles_total 0\n") != std::string::npos);
}

TEST_CASE("only loopback addresses count as loopback")
{
    CHECK(is_loopback_host("127.0.0.1"));
    CHECK(is_loopback_host("localhost"));
    CHECK(is_loopback_host("::1"));
    CHECK_FALSE(is_loopback_host("0.0.0.0"));
    CHECK_FALSE(is_loopback_host("10.1.2.3"));
}
