// Named queries of the daemon's lifecycle client.
#include "lifecycle.hpp"

#include <algorithm>
#include <tuple>
#include <vector>

namespace autopilot
{
namespace
{
constexpr const char *kAdvance = "SELECT autopilot.advance($1, $2, NULLIF($3, ''))";
constexpr const char *kAdvanceMeasured = "SELECT autopilot.advance($1, $2, NULLIF($3, ''), $4::float8)";
constexpr const char *kIndexFacts = R"SQL(
SELECT i.indisvalid, coalesce(pg_catalog.obj_description(c.oid, 'pg_class'), '')
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_catalog.pg_index i ON i.indexrelid = c.oid
 WHERE n.nspname = $1 AND c.relname = $2
)SQL";
constexpr const char *kRelkind = R"SQL(
SELECT c.relkind::text FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = $1 AND c.relname = $2
)SQL";
// Partition indexes of a recommendation that still exist, deepest first.
constexpr const char *kPartitionLeftovers = R"SQL(
SELECT p.schema_name, p.index_name, c.relkind = 'I'
  FROM autopilot.partition_indexes($1) p
  JOIN pg_catalog.pg_namespace n ON n.nspname = p.schema_name
  JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = p.index_name AND c.relkind IN ('i', 'I')
 ORDER BY p.level DESC
)SQL";

// DROP INDEX [CONCURRENTLY] IF EXISTS under lock_timeout, on a connection of its own (CONCURRENTLY
// cannot run in a transaction block; a partitioned index can only be dropped without it).
SqlOutcome drop_index(const std::string &conninfo, const std::string &schema, const std::string &index,
                      std::chrono::milliseconds lock_timeout, bool concurrently)
{
    SqlOutcome out;
    try {
        pqxx::connection conn(conninfo);
        pqxx::nontransaction tx(conn);
        tx.exec("SET application_name = 'autopilotd drop'");
        tx.exec("SET lock_timeout = " + tx.quote(std::to_string(lock_timeout.count()) + "ms"));
        tx.exec(std::string("DROP INDEX ") + (concurrently ? "CONCURRENTLY " : "") + "IF EXISTS " +
                tx.quote_name(schema) + "." + tx.quote_name(index));
    } catch (const pqxx::sql_error &e) {
        out = {false, e.sqlstate(), error_text(e)};
    } catch (const std::exception &e) {
        out = {false, "", error_text(e)};
    }
    return out;
}

constexpr const char *kPgssSchema = R"SQL(
SELECT n.nspname FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
 WHERE e.extname = 'pg_stat_statements'
)SQL";
}  // namespace

std::string pg_stat_statements_view(pqxx::transaction_base &tx)
{
    auto rows = tx.exec(kPgssSchema);
    return rows.empty() ? "" : tx.quote_name(rows[0][0].as<std::string>()) + ".pg_stat_statements";
}

std::string index_tag(long recommendation_id)
{
    return "autopilot recommendation " + std::to_string(recommendation_id);
}

void advance(pqxx::connection_base &db, long id, const std::string &to_status, const std::string &detail,
             std::optional<double> measured)
{
    pqxx::nontransaction tx(db);
    if (measured)
        tx.exec_params(kAdvanceMeasured, id, to_status, detail, *measured);
    else
        tx.exec_params(kAdvance, id, to_status, detail);
}

IndexFacts index_facts(pqxx::connection_base &db, const std::string &schema, const std::string &index)
{
    pqxx::nontransaction tx(db);
    auto rows = tx.exec_params(kIndexFacts, schema, index);
    IndexFacts f;
    if (rows.empty())
        return f;
    f.state = rows[0][0].as<bool>() ? IndexState::valid : IndexState::invalid;
    f.comment = rows[0][1].as<std::string>();
    return f;
}

std::string error_text(const std::exception &e)
{
    std::string message = e.what();
    while (!message.empty() && (message.back() == '\n' || message.back() == ' '))
        message.pop_back();
    return message;
}

SqlOutcome drop_index_concurrently(const std::string &conninfo, const std::string &schema, const std::string &index,
                                   std::chrono::milliseconds lock_timeout)
{
    return drop_index(conninfo, schema, index, lock_timeout, true);
}

SqlOutcome drop_built_index(pqxx::connection_base &db, const std::string &conninfo, long id, const std::string &schema,
                            const std::string &index, std::chrono::milliseconds lock_timeout)
{
    std::string kind;
    std::vector<std::tuple<std::string, std::string, bool>> leftovers;
    {
        pqxx::nontransaction tx(db);
        auto rows = tx.exec_params(kRelkind, schema, index);
        if (!rows.empty())
            kind = rows[0][0].as<std::string>();
    }
    SqlOutcome out = drop_index(conninfo, schema, index, lock_timeout, kind != "I");
    if (!out.ok)
        return out;
    {
        pqxx::nontransaction tx(db);
        for (const auto &r : tx.exec_params(kPartitionLeftovers, id))
            leftovers.emplace_back(r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<bool>());
    }
    for (const auto &[s, i, partitioned] : leftovers) {
        out = drop_index(conninfo, s, i, lock_timeout, !partitioned);
        if (!out.ok)
            return out;
    }
    return out;
}

bool is_retryable_sqlstate(const std::string &sqlstate)
{
    return sqlstate == "55P03" || sqlstate == "40P01";
}

std::chrono::milliseconds retry_delay(std::chrono::milliseconds base, std::chrono::milliseconds cap, int attempt)
{
    auto d = base;
    for (int i = 2; i < attempt && d < cap; ++i)
        d *= 2;
    return std::min(d, cap);
}

}  // namespace autopilot
