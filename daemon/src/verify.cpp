// Verification reads pg_stat_statements (wherever it is installed) for the statements listed in
// the recommendation's affected_queries, against the baseline apply recorded at build time.
#include "verify.hpp"

#include "apply.hpp"
#include "lifecycle.hpp"
#include "log.hpp"

#include <cmath>
#include <map>
#include <sstream>

namespace autopilot
{
namespace
{

constexpr const char *kDue = R"SQL(
SELECT id, schema_name, index_name, extract(epoch FROM now() - applied_at)
  FROM autopilot.recommendations
 WHERE status = 'applied' AND applied_at <= now() - $1::interval
 ORDER BY id
)SQL";

constexpr const char *kBaseline =
    "SELECT queryid, calls, total_exec_ms FROM autopilot.verify_baselines WHERE recommendation_id = $1";

// Captured samples (the capture concern's autopilot.samples), when present and readable: the
// real latencies of sampled executions before the build started and after it ended, as counters
// measure() understands (baseline = before; now = before + after).
constexpr const char *kSamplesReadable = R"SQL(
SELECT pg_catalog.to_regclass('autopilot.samples') IS NOT NULL
   AND pg_catalog.has_table_privilege('autopilot.samples', 'SELECT')
)SQL";
constexpr const char *kSampleCounters = R"SQL(
WITH r AS (
    SELECT r.id, r.applied_at, r.affected_queries,
           (SELECT max(e.at) FROM autopilot.recommendation_events e
             WHERE e.recommendation_id = r.id AND e.to_status = 'applying') AS build_started
      FROM autopilot.recommendations r WHERE r.id = $1)
SELECT s.queryid,
       count(*) FILTER (WHERE s.captured_at < r.build_started)::float8,
       coalesce(sum(s.total_ms) FILTER (WHERE s.captured_at < r.build_started), 0),
       count(*) FILTER (WHERE s.captured_at >= r.applied_at)::float8,
       coalesce(sum(s.total_ms) FILTER (WHERE s.captured_at >= r.applied_at), 0)
  FROM autopilot.samples s, r
 WHERE s.status = 'ok'
   AND s.dbid = (SELECT oid FROM pg_catalog.pg_database WHERE datname = pg_catalog.current_database())
   AND s.queryid IN (SELECT (q->>'queryid')::bigint FROM jsonb_array_elements(r.affected_queries) q WHERE q ? 'queryid')
 GROUP BY s.queryid
)SQL";

// Past this many verify windows without enough executions, the index is kept as verified with
// "not measurable" rather than waited on forever.
constexpr double kGiveUpWindows = 10;

std::string fixed1(double v)
{
    std::ostringstream o;
    o.setf(std::ios::fixed);
    o.precision(1);
    o << v;
    return o.str();
}

}  // namespace

Measurement measure(const std::vector<StatementCounters> &baseline, const std::vector<StatementCounters> &now)
{
    std::map<std::int64_t, StatementCounters> current;
    for (const auto &c : now)
        current[c.queryid] = c;
    Measurement m;
    double expected_ms = 0, actual_ms = 0;
    for (const auto &b : baseline) {
        if (b.calls <= 0)
            continue;
        auto it = current.find(b.queryid);
        if (it == current.end())
            continue;
        double calls = it->second.calls - b.calls, total = it->second.total_ms - b.total_ms;
        if (calls < 0 || total < 0) {
            calls = it->second.calls;
            total = it->second.total_ms;
        }
        if (calls <= 0)
            continue;
        const double mean_before = b.total_ms / b.calls;
        expected_ms += calls * mean_before;
        actual_ms += total;
        m.calls_after += calls;
        ++m.statements;
    }
    if (m.calls_after > 0) {
        m.before_ms = expected_ms / m.calls_after;
        m.after_ms = actual_ms / m.calls_after;
        m.gain_pct = expected_ms > 0 ? (expected_ms - actual_ms) / expected_ms * 100.0 : 0;
    }
    return m;
}

Verdict judge(const Measurement &m, long min_calls, double threshold_pct, bool auto_revert)
{
    if (m.statements == 0 || m.calls_after < static_cast<double>(min_calls))
        return Verdict::wait;
    if (m.gain_pct < -threshold_pct)
        return auto_revert ? Verdict::revert : Verdict::report;
    return Verdict::keep;
}

void VerifyStep::run(Context &ctx)
{
    if (ctx.dry_run)
        return;
    struct Due {
        long id;
        std::string schema, index;
        double age_s;
    };
    std::vector<Due> due;
    std::string pgss;
    {
        pqxx::nontransaction tx(ctx.db);
        for (const auto &r : tx.exec_params(kDue, pg_interval(ctx.config.verify_window)))
            due.push_back({r[0].as<long>(), r[1].as<std::string>(), r[2].as<std::string>(), r[3].as<double>()});
        pgss = pg_stat_statements_view(tx);
    }
    for (const auto &d : due) {
        if (ctx.stopping())
            return;
        const std::string what = "recommendation " + std::to_string(d.id) + " (" + d.schema + "." + d.index + ")";
        std::vector<StatementCounters> before, now;
        {
            pqxx::nontransaction tx(ctx.db);
            for (const auto &r : tx.exec_params(kBaseline, d.id))
                before.push_back({r[0].as<std::int64_t>(), r[1].as<double>(), r[2].as<double>()});
            if (!pgss.empty() && !before.empty()) {
                for (const auto &r :
                     tx.exec_params("SELECT s.queryid, sum(s.calls)::float8, sum(s.total_exec_time) FROM " + pgss +
                                        " s "
                                        "WHERE s.dbid = (SELECT oid FROM pg_catalog.pg_database WHERE datname = "
                                        "pg_catalog.current_database()) "
                                        "AND s.queryid IN (SELECT queryid FROM autopilot.verify_baselines WHERE "
                                        "recommendation_id = $1) "
                                        "GROUP BY s.queryid",
                                    d.id))
                    now.push_back({r[0].as<std::int64_t>(), r[1].as<double>(), r[2].as<double>()});
            }
        }
        if (before.empty() || measure(before, now).statements == 0) {
            // pg_stat_statements has nothing to compare: fall back on captured samples.
            pqxx::nontransaction tx(ctx.db);
            if (tx.exec(kSamplesReadable)[0][0].as<bool>()) {
                std::vector<StatementCounters> sb, sn;
                for (const auto &r : tx.exec_params(kSampleCounters, d.id)) {
                    const auto q = r[0].as<std::int64_t>();
                    sb.push_back({q, r[1].as<double>(), r[2].as<double>()});
                    sn.push_back({q, r[1].as<double>() + r[3].as<double>(), r[2].as<double>() + r[4].as<double>()});
                }
                if (measure(sb, sn).statements > 0 || before.empty()) {
                    before = std::move(sb);
                    now = std::move(sn);
                }
            }
        }
        if (before.empty()) {
            advance(ctx.db, d.id, "verified",
                    pgss.empty() ? "not measured: pg_stat_statements is not installed"
                                 : "not measured: no affected statement had run before the build");
            log::info("verified " + what + " without a measurement (no baseline)");
            continue;
        }
        const Measurement m = measure(before, now);
        const Verdict v = judge(m, ctx.config.min_calls, ctx.config.regression_threshold_pct, ctx.config.auto_revert);
        const std::string figures = std::to_string(m.statements) + " statement(s), " +
                                    std::to_string(static_cast<long>(m.calls_after)) +
                                    " calls: " + fixed1(m.before_ms) + " ms -> " + fixed1(m.after_ms) +
                                    " ms per call (" + fixed1(m.gain_pct) + "%)";
        switch (v) {
        case Verdict::wait:
            if (d.age_s * 1000 > kGiveUpWindows * static_cast<double>(ctx.config.verify_window.count())) {
                advance(ctx.db, d.id, "verified",
                        "not measured: fewer than " + std::to_string(ctx.config.min_calls) +
                            " executions since the build");
                log::info("verified " + what + " without a measurement (too few executions)");
            } else {
                log::debug(what + ": waiting for " + std::to_string(ctx.config.min_calls) + " executions (" + figures +
                           ")");
            }
            break;
        case Verdict::keep:
            advance(ctx.db, d.id, "verified", figures, m.gain_pct);
            log::info("verified " + what + ": " + figures);
            break;
        case Verdict::report:
            advance(ctx.db, d.id, "verified",
                    "regression beyond " + fixed1(ctx.config.regression_threshold_pct) + "%: " + figures +
                        "; auto_revert is off, reported only",
                    m.gain_pct);
            ctx.metrics.add("autopilot_regressions_total", 1, "action=\"reported\"");
            log::warning("regression after " + what + ": " + figures + " (auto_revert off: reported only)");
            break;
        case Verdict::revert:
            advance(ctx.db, d.id, "reverting",
                    "regression beyond " + fixed1(ctx.config.regression_threshold_pct) + "%: " + figures, m.gain_pct);
            ctx.metrics.add("autopilot_regressions_total", 1, "action=\"reverted\"");
            log::warning("regression after " + what + ": " + figures + "; reverting");
            process_reverts(ctx);
            break;
        }
    }
}

}  // namespace autopilot
