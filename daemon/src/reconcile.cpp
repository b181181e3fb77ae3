// Reconciliation of the recommendations table with the catalog (see reconcile.hpp).
#include "reconcile.hpp"

#include "log.hpp"

namespace autopilot
{
namespace
{
// Rows whose index may need attention: interrupted builds, and INVALID indexes bearing our names.
// A partitioned build may also leave partition indexes (invalid, or never attached) after its
// table's index is gone: those count as an INVALID index of the recommendation.
constexpr const char *kCandidates = R"SQL(
SELECT r.id, r.status, r.attempts, r.schema_name, r.index_name,
       CASE WHEN i.indexrelid IS NULL THEN CASE WHEN lo.n > 0 THEN 'invalid' ELSE 'missing' END
            WHEN i.indisvalid THEN 'valid' ELSE 'invalid' END
  FROM autopilot.recommendations r
  LEFT JOIN pg_catalog.pg_namespace n ON n.nspname = r.schema_name
  LEFT JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = r.index_name AND c.relkind IN ('i', 'I')
  LEFT JOIN pg_catalog.pg_index i ON i.indexrelid = c.oid
  LEFT JOIN LATERAL (
        SELECT count(*) AS n
          FROM autopilot.partition_indexes(r.id) p
          JOIN pg_catalog.pg_namespace pn ON pn.nspname = p.schema_name
          JOIN pg_catalog.pg_class pc ON pc.relnamespace = pn.oid AND pc.relname = p.index_name AND pc.relkind IN ('i', 'I')
          JOIN pg_catalog.pg_index pi ON pi.indexrelid = pc.oid
         WHERE i.indexrelid IS NULL AND (NOT pi.indisvalid OR NOT pc.relispartition)) lo
       ON r.status IN ('approved', 'applying', 'failed', 'reverted')
 WHERE r.kind = 'create_index'
   AND (r.status = 'applying' OR (i.indexrelid IS NOT NULL AND NOT i.indisvalid) OR lo.n > 0)
 ORDER BY r.id
)SQL";
}  // namespace

ReconcileAction plan_reconcile(const std::string &status, int attempts, IndexState index, int max_attempts)
{
    const bool attempts_left = attempts < max_attempts;
    if (status == "applying") {
        switch (index) {
        case IndexState::valid:
            return ReconcileAction::mark_applied;
        case IndexState::invalid:
            return attempts_left ? ReconcileAction::drop_and_retry : ReconcileAction::drop_and_fail;
        case IndexState::missing:
            return attempts_left ? ReconcileAction::retry : ReconcileAction::fail;
        }
    }
    return index == IndexState::invalid ? ReconcileAction::drop_leftover : ReconcileAction::none;
}

const char *to_string(ReconcileAction a)
{
    switch (a) {
    case ReconcileAction::none:
        return "none";
    case ReconcileAction::mark_applied:
        return "mark applied";
    case ReconcileAction::retry:
        return "retry";
    case ReconcileAction::fail:
        return "fail";
    case ReconcileAction::drop_and_retry:
        return "drop and retry";
    case ReconcileAction::drop_and_fail:
        return "drop and fail";
    case ReconcileAction::drop_leftover:
        return "drop leftover";
    }
    return "?";
}

void reconcile(Context &ctx)
{
    struct Row {
        long id;
        std::string status;
        int attempts;
        std::string schema, index;
        IndexState state;
    };
    std::vector<Row> rows;
    {
        pqxx::nontransaction tx(ctx.db);
        for (const auto &r : tx.exec(kCandidates)) {
            const std::string s = r[5].as<std::string>();
            rows.push_back({r[0].as<long>(), r[1].as<std::string>(), r[2].as<int>(), r[3].as<std::string>(),
                            r[4].as<std::string>(),
                            s == "valid"     ? IndexState::valid
                            : s == "invalid" ? IndexState::invalid
                                             : IndexState::missing});
        }
    }
    for (const auto &row : rows) {
        const auto action = plan_reconcile(row.status, row.attempts, row.state, ctx.config.max_attempts);
        if (action == ReconcileAction::none)
            continue;
        const std::string what = "recommendation " + std::to_string(row.id) + " (" + row.schema + "." + row.index + ")";
        log::info("reconcile: " + what + ", status " + row.status + ": " + to_string(action));
        if (ctx.dry_run) {
            log::info("reconcile: dry run, nothing changed");
            continue;
        }
        if (action == ReconcileAction::drop_and_retry || action == ReconcileAction::drop_and_fail ||
            action == ReconcileAction::drop_leftover) {
            const auto dropped =
                drop_built_index(ctx.db, ctx.config.conninfo, row.id, row.schema, row.index, ctx.config.lock_timeout);
            if (!dropped.ok) {
                // Something still holds the table (the transaction that made the build fail):
                // the next cycle tries again. The row stays where it is until the index is gone.
                log::warning("reconcile: cannot drop the INVALID index of " + what + " yet: " + dropped.error);
                continue;
            }
        }
        switch (action) {
        case ReconcileAction::mark_applied: {
            pqxx::nontransaction tx(ctx.db);
            tx.exec("COMMENT ON INDEX " + tx.quote_name(row.schema) + "." + tx.quote_name(row.index) + " IS " +
                    tx.quote(index_tag(row.id)));
            tx.commit();
            advance(ctx.db, row.id, "applied", "build found complete after a restart");
            ctx.metrics.add("autopilot_builds_total", 1, "result=\"ok\"");
            break;
        }
        case ReconcileAction::retry:
        case ReconcileAction::drop_and_retry:
            advance(ctx.db, row.id, "approved", "build interrupted (daemon stopped or killed); will retry");
            ctx.metrics.add("autopilot_builds_total", 1, "result=\"interrupted\"");
            break;
        case ReconcileAction::fail:
        case ReconcileAction::drop_and_fail:
            advance(ctx.db, row.id, "failed",
                    "build interrupted after " + std::to_string(row.attempts) + " attempts; giving up");
            ctx.metrics.add("autopilot_builds_total", 1, "result=\"failed\"");
            break;
        case ReconcileAction::drop_leftover:
        case ReconcileAction::none:
            break;
        }
    }
}

}  // namespace autopilot
