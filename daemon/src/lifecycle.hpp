// The daemon's side of the SQL lifecycle (sql/autopilot--0.1.sql, section lifecycle): status
// changes through autopilot.advance(), the index tag, and the catalog facts apply/verify need.
#pragma once

#include <chrono>
#include <optional>
#include <pqxx/pqxx>
#include <string>

namespace autopilot
{

// The COMMENT every index we build carries, so the catalog says which recommendation made it.
std::string index_tag(long recommendation_id);

// autopilot.advance(id, to_status, detail, measured): a daemon transition, checked by the SQL
// transitions table. Throws pqxx::sql_error when the transition is not allowed.
void advance(pqxx::connection_base &db, long id, const std::string &to_status, const std::string &detail = "",
             std::optional<double> measured_benefit_pct = std::nullopt);

enum class IndexState { missing, invalid, valid };

struct IndexFacts {
    IndexState state = IndexState::missing;
    std::string comment;  // empty when none
};

IndexFacts index_facts(pqxx::connection_base &db, const std::string &schema, const std::string &index);

struct SqlOutcome {
    bool ok = true;
    std::string sqlstate, error;
};

// DROP INDEX CONCURRENTLY IF EXISTS schema.index under lock_timeout, on its own connection (it
// cannot run in a transaction block).
SqlOutcome drop_index_concurrently(const std::string &conninfo, const std::string &schema, const std::string &index,
                                   std::chrono::milliseconds lock_timeout);

// Drops what building recommendation `id` made, under lock_timeout: its index (on a partitioned
// table with plain DROP INDEX, which PostgreSQL 15 cannot do concurrently and which drops the
// partitions' attached indexes with it), then, concurrently, any partition index a broken build
// left unattached (autopilot.partition_indexes() names them).
SqlOutcome drop_built_index(pqxx::connection_base &db, const std::string &conninfo, long id, const std::string &schema,
                            const std::string &index, std::chrono::milliseconds lock_timeout);

// The quoted name of pg_stat_statements' view, wherever the extension is installed; empty when
// it is not installed.
std::string pg_stat_statements_view(pqxx::transaction_base &tx);

// An exception's message without libpq's trailing newline.
std::string error_text(const std::exception &e);

// SQLSTATEs after which a build is worth retrying: lock_timeout, deadlock.
bool is_retryable_sqlstate(const std::string &sqlstate);

// Backoff before attempt `attempt` (2, 3, ...): base * 2^(attempt-2), capped.
std::chrono::milliseconds retry_delay(std::chrono::milliseconds base, std::chrono::milliseconds cap, int attempt);

}  // namespace autopilot
