// Builds run on a connection of their own, in a worker thread: the daemon's thread keeps pinging
// the watchdog and, on SIGTERM, cancels the build with pg_cancel_backend() and drops what it left.
#include "apply.hpp"

#include "lifecycle.hpp"
#include "log.hpp"
#include "reconcile.hpp"

#include <ctime>
#include <future>
#include <thread>

namespace autopilot
{
namespace
{

constexpr const char *kApproved = R"SQL(
SELECT r.id, r.schema_name, r.table_name, r.index_name, coalesce(r.estimated_bytes, 0),
       coalesce(pg_catalog.to_regclass(pg_catalog.format('%I.%I', r.schema_name, r.table_name)) IN
                (SELECT c.oid FROM pg_catalog.pg_class c WHERE c.relkind = 'p'), false)
  FROM autopilot.recommendations r
 WHERE r.status = 'approved' AND r.kind = 'create_index'
 ORDER BY r.decided_at NULLS LAST, r.id
)SQL";

constexpr const char *kBuildSteps =
    "SELECT schema_name, index_name, ddl, coalesce(attach, '') FROM autopilot.build_steps($1) ORDER BY step";

constexpr const char *kReverting = R"SQL(
SELECT id, schema_name, index_name FROM autopilot.recommendations WHERE status = 'reverting' ORDER BY id
)SQL";

constexpr const char *kValidatedDdl = "SELECT autopilot.validated_ddl($1)";

// Bytes used by the indexes autopilot built and keeps.
constexpr const char *kBudgetUsed = R"SQL(
SELECT coalesce(sum(autopilot.relation_bytes(c.oid)), 0)
  FROM autopilot.recommendations r
  JOIN pg_catalog.pg_namespace n ON n.nspname = r.schema_name
  JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = r.index_name
 WHERE r.status IN ('applied', 'verified')
)SQL";

// Sleeps in small steps so SIGTERM is noticed; returns false when stopping.
bool sleep_unless_stopped(Context &ctx, std::chrono::milliseconds d)
{
    const auto until = std::chrono::steady_clock::now() + d;
    while (std::chrono::steady_clock::now() < until) {
        if (ctx.stopping())
            return false;
        ctx.heartbeat();
        std::this_thread::sleep_for(std::min<std::chrono::milliseconds>(
            std::chrono::milliseconds(100),
            std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now())));
    }
    return !ctx.stopping();
}

int local_minute_of_day()
{
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    localtime_r(&now, &tm);
    return tm.tm_hour * 60 + tm.tm_min;
}

struct BuildOutcome : SqlOutcome {
    bool cancelled = false;  // by us, because of SIGTERM
};

// Runs one CREATE INDEX CONCURRENTLY; returns when it ends, or after cancelling it on SIGTERM.
BuildOutcome run_build(Context &ctx, const BuildTarget &t, const std::string &ddl)
{
    BuildOutcome out;
    out.ok = false;
    std::unique_ptr<pqxx::connection> conn;
    int pid = 0;
    try {
        conn = std::make_unique<pqxx::connection>(ctx.config.conninfo);
        pqxx::nontransaction tx(*conn);
        tx.exec("SET application_name = " + tx.quote("autopilotd build " + std::to_string(t.id)));
        tx.exec("SET lock_timeout = " + tx.quote(pg_interval(ctx.config.lock_timeout)));
        tx.exec("SET statement_timeout = 0");
        // If the daemon dies mid-build, the server notices within a second and cancels the build
        // instead of finishing an index nobody will tag (reconcile then cleans up).
        tx.exec("SET client_connection_check_interval = '1s'");
        tx.commit();
        pid = conn->backendpid();
    } catch (const std::exception &e) {
        out.error = error_text(e);
        return out;
    }
    auto build = std::async(std::launch::async, [&conn, &ddl]() -> BuildOutcome {
        BuildOutcome o;
        o.ok = false;
        try {
            pqxx::nontransaction tx(*conn);
            tx.exec(ddl);
            tx.commit();
            o.ok = true;
        } catch (const pqxx::sql_error &e) {
            o.sqlstate = e.sqlstate();
            o.error = error_text(e);
        } catch (const std::exception &e) {
            o.error = error_text(e);
        }
        return o;
    });
    bool cancel_sent = false;
    while (build.wait_for(std::chrono::milliseconds(200)) != std::future_status::ready) {
        ctx.heartbeat();
        if (ctx.stopping() && !cancel_sent) {
            log::info("cancelling the build of recommendation " + std::to_string(t.id) + " (stop requested)");
            try {
                pqxx::nontransaction tx(ctx.db);
                tx.exec_params("SELECT pg_catalog.pg_cancel_backend($1)", pid);
            } catch (const std::exception &e) {
                log::warning(std::string("could not cancel the build: ") + e.what());
            }
            cancel_sent = true;
        }
    }
    out = build.get();
    out.cancelled = cancel_sent && !out.ok;
    return out;
}

// After a failed or cancelled build, and before a retry: the INVALID index a build may have left
// must go. Fails (lock_timeout) while the transaction that blocked the build still runs.
SqlOutcome drop_leftover(Context &ctx, const BuildTarget &t)
{
    const auto facts = index_facts(ctx.db, t.schema, t.index);
    // A partitioned build may also have left partition indexes behind without the table's index.
    if (facts.state == IndexState::valid || (facts.state == IndexState::missing && !t.partitioned))
        return {};
    // When stopping, do not hold the shutdown up: reconcile drops it after the restart.
    const auto timeout = ctx.stopping()
                             ? std::min<std::chrono::milliseconds>(ctx.config.lock_timeout, std::chrono::seconds(1))
                             : ctx.config.lock_timeout;
    auto out = drop_built_index(ctx.db, ctx.config.conninfo, t.id, t.schema, t.index, timeout);
    if (!out.ok)
        log::warning("cannot drop the INVALID index " + t.schema + "." + t.index + " yet (" + out.error +
                     "); reconcile retries every cycle");
    else if (facts.state == IndexState::invalid)
        log::info("dropped the INVALID index " + t.schema + "." + t.index + " left by a failed build");
    return out;
}

struct BuildStep {
    std::string schema, index, ddl, attach;
};

// A partitioned table's index, the PostgreSQL 15 way without blocking writes: the table's index
// ON ONLY (a catalog entry), then for each partition its index (each leaf's CONCURRENTLY) and the
// ATTACH that joins it to its parent's. Each statement runs as run_build runs a build (lock_timeout,
// cancelled on SIGTERM); the first failure ends the attempt, and the caller drops what it built.
BuildOutcome run_partitioned_build(Context &ctx, const BuildTarget &t, const std::vector<BuildStep> &steps)
{
    BuildOutcome out;
    for (const auto &step : steps) {
        if (ctx.stopping()) {
            out.ok = false;
            out.cancelled = true;
            out.error = "stop requested";
            return out;
        }
        if (index_facts(ctx.db, step.schema, step.index).state == IndexState::missing) {
            out = run_build(ctx, t, step.ddl);
            if (!out.ok)
                return out;
        }
        if (!step.attach.empty()) {
            out = run_build(ctx, t, step.attach);
            if (!out.ok)
                return out;
        }
    }
    if (index_facts(ctx.db, t.schema, t.index).state != IndexState::valid) {
        out.ok = false;
        out.error = "the index of partitioned table " + t.schema + "." + t.table +
                    " is still invalid after every partition was attached (a partition was added meanwhile?)";
    }
    return out;
}

void build_one(Context &ctx, const BuildTarget &t)
{
    const std::string what = "recommendation " + std::to_string(t.id) + " (" + t.schema + "." + t.index + ")";
    for (int attempt = 1;; ++attempt) {
        try {
            advance(ctx.db, t.id, "applying", attempt == 1 ? "" : "attempt " + std::to_string(attempt));
        } catch (const pqxx::sql_error &e) {
            // Someone decided otherwise meanwhile (e.g. rejected after approving): not ours to build.
            log::info("skipping " + what + ": " + error_text(e));
            return;
        }
        std::string ddl;
        std::vector<BuildStep> steps;
        try {
            pqxx::nontransaction tx(ctx.db);
            ddl = tx.exec_params(kValidatedDdl, t.id)[0][0].as<std::string>();
            if (t.partitioned)
                for (const auto &r : tx.exec_params(kBuildSteps, t.id))
                    steps.push_back({r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>(),
                                     r[3].as<std::string>()});
        } catch (const pqxx::sql_error &e) {
            log::warning(what + " no longer matches the catalog: " + error_text(e));
            advance(ctx.db, t.id, "failed", "re-validation failed: " + error_text(e));
            ctx.metrics.add("autopilot_builds_total", 1, "result=\"failed\"");
            return;
        }
        if (ctx.config.storage_budget_bytes > 0) {
            pqxx::nontransaction tx(ctx.db);
            const auto used = tx.exec(kBudgetUsed)[0][0].as<long long>();
            if (static_cast<unsigned long long>(used + t.estimated_bytes) > ctx.config.storage_budget_bytes) {
                tx.commit();
                const std::string msg = "storage budget exceeded: autopilot indexes use " + std::to_string(used) +
                                        " bytes, this one needs about " + std::to_string(t.estimated_bytes) +
                                        ", the budget is " + std::to_string(ctx.config.storage_budget_bytes);
                log::warning(what + ": " + msg);
                advance(ctx.db, t.id, "failed", msg);
                ctx.metrics.add("autopilot_builds_total", 1, "result=\"failed\"");
                return;
            }
        }
        if (attempt == 1)
            record_baseline(ctx, t.id);
        log::info("building " + what + " (attempt " + std::to_string(attempt) + " of " +
                  std::to_string(ctx.config.max_attempts) + "): " + ddl);
        const auto started = std::chrono::steady_clock::now();
        BuildOutcome out;
        if (const auto cleared = drop_leftover(ctx, t); !cleared.ok) {
            // The previous attempt's INVALID index is still there: this attempt fails like it.
            static_cast<SqlOutcome &>(out) = cleared;
            out.error = "cannot drop the INVALID index of a previous attempt: " + cleared.error;
        } else if (t.partitioned) {
            out = run_partitioned_build(ctx, t, steps);
        } else {
            out = run_build(ctx, t, ddl);
        }
        if (out.ok) {
            {
                pqxx::nontransaction tx(ctx.db);
                tx.exec("COMMENT ON INDEX " + tx.quote_name(t.schema) + "." + tx.quote_name(t.index) + " IS " +
                        tx.quote(index_tag(t.id)));
                tx.commit();
            }
            const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
            advance(ctx.db, t.id, "applied", "built in " + std::to_string(static_cast<long>(secs * 1000)) + " ms");
            ctx.metrics.add("autopilot_builds_total", 1, "result=\"ok\"");
            log::info("built " + what);
            return;
        }
        drop_leftover(ctx, t);
        if (out.cancelled || ctx.stopping()) {
            advance(ctx.db, t.id, "approved", "build cancelled: the daemon is stopping; will retry");
            ctx.metrics.add("autopilot_builds_total", 1, "result=\"interrupted\"");
            return;
        }
        const bool retry = is_retryable_sqlstate(out.sqlstate) && attempt < ctx.config.max_attempts;
        if (!retry) {
            const std::string msg =
                out.error + (attempt > 1 ? " (after " + std::to_string(attempt) + " attempts)" : "");
            log::warning("build of " + what + " failed: " + msg);
            advance(ctx.db, t.id, "failed", msg);
            ctx.metrics.add("autopilot_builds_total", 1, "result=\"failed\"");
            return;
        }
        const auto delay = retry_delay(ctx.config.retry_backoff, ctx.config.retry_backoff_max, attempt + 1);
        log::info("build of " + what + " failed (" + out.error + "); retrying in " + std::to_string(delay.count()) +
                  " ms");
        advance(ctx.db, t.id, "approved",
                out.error + "; retry " + std::to_string(attempt + 1) + " of " +
                    std::to_string(ctx.config.max_attempts) + " in " + std::to_string(delay.count()) + " ms");
        ctx.metrics.add("autopilot_builds_total", 1, "result=\"retried\"");
        if (!sleep_unless_stopped(ctx, delay))
            return;  // stays approved: built after the restart
    }
}

}  // namespace

void record_baseline(Context &ctx, long id)
{
    try {
        pqxx::work tx(ctx.db);
        const std::string pgss = pg_stat_statements_view(tx);
        if (pgss.empty()) {
            log::warning("pg_stat_statements is not installed: builds are verified from captured samples only");
            return;
        }
        tx.exec_params("DELETE FROM autopilot.verify_baselines WHERE recommendation_id = $1", id);
        tx.exec_params(
            "INSERT INTO autopilot.verify_baselines (recommendation_id, queryid, calls, total_exec_ms) "
            "SELECT $1, s.queryid, sum(s.calls), sum(s.total_exec_time) FROM " +
                pgss +
                " s "
                "WHERE s.dbid = (SELECT oid FROM pg_catalog.pg_database WHERE datname = pg_catalog.current_database()) "
                "AND s.queryid IN (SELECT (q->>'queryid')::bigint FROM autopilot.recommendations r, "
                "jsonb_array_elements(r.affected_queries) q WHERE r.id = $1 AND q ? 'queryid') "
                "GROUP BY s.queryid",
            id);
        tx.commit();
    } catch (const pqxx::broken_connection &) {
        throw;
    } catch (const std::exception &e) {
        log::warning("cannot record the verification baseline of recommendation " + std::to_string(id) + ": " +
                     e.what());
    }
}

void process_reverts(Context &ctx)
{
    struct Row {
        long id;
        std::string schema, index;
    };
    std::vector<Row> rows;
    {
        pqxx::nontransaction tx(ctx.db);
        for (const auto &r : tx.exec(kReverting))
            rows.push_back({r[0].as<long>(), r[1].as<std::string>(), r[2].as<std::string>()});
    }
    for (const auto &row : rows) {
        if (ctx.stopping())
            return;
        const std::string what = "recommendation " + std::to_string(row.id) + " (" + row.schema + "." + row.index + ")";
        if (ctx.dry_run) {
            log::info("dry run: would drop the index of " + what);
            continue;
        }
        const auto facts = index_facts(ctx.db, row.schema, row.index);
        if (facts.state == IndexState::missing) {
            advance(ctx.db, row.id, "reverted", "index was already gone");
            continue;
        }
        if (facts.comment != index_tag(row.id)) {
            // Never drop an index we cannot prove is ours.
            log::warning("not dropping " + row.schema + "." + row.index + ": its comment is not \"" +
                         index_tag(row.id) + "\"");
            advance(ctx.db, row.id, "reverted", "index not dropped: it does not carry this recommendation's tag");
            continue;
        }
        const auto dropped =
            drop_built_index(ctx.db, ctx.config.conninfo, row.id, row.schema, row.index, ctx.config.lock_timeout);
        if (!dropped.ok) {
            log::warning("cannot drop the index of " + what + " yet (" + dropped.error + "); will retry");
            continue;
        }
        advance(ctx.db, row.id, "reverted", "index dropped");
        ctx.metrics.add("autopilot_reverts_total");
        log::info("reverted " + what + ": index dropped");
    }
}

void ApplyStep::run(Context &ctx)
{
    reconcile(ctx);
    process_reverts(ctx);
    std::vector<BuildTarget> targets;
    {
        pqxx::nontransaction tx(ctx.db);
        for (const auto &r : tx.exec(kApproved))
            targets.push_back({r[0].as<long>(), r[1].as<std::string>(), r[2].as<std::string>(), r[3].as<std::string>(),
                               r[4].as<long long>(), r[5].as<bool>()});
    }
    if (targets.empty())
        return;
    if (ctx.dry_run) {
        for (const auto &t : targets)
            log::info("dry run: would build recommendation " + std::to_string(t.id) + " (" + t.schema + "." + t.index +
                      ")");
        return;
    }
    if (!ctx.config.apply_window.contains(local_minute_of_day())) {
        log::debug(std::to_string(targets.size()) + " approved recommendation(s) wait for the apply window");
        return;
    }
    for (const auto &t : targets) {
        if (ctx.stopping())
            return;
        build_one(ctx, t);
    }
}

}  // namespace autopilot
