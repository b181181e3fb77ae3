// Collect's SQL (named constants) and the snapshot arithmetic (see collect.hpp).
#include "collect.hpp"

#include "fingerprint.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <ctime>

namespace autopilot {

namespace {

constexpr const char *kStatements = R"SQL(
SELECT s.queryid, min(s.query), sum(s.calls)::float8, sum(s.total_exec_time + s.total_plan_time)::float8,
       sum(s.rows)::float8
  FROM pg_stat_statements s
 WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
   AND s.toplevel AND s.queryid IS NOT NULL
 GROUP BY s.queryid
)SQL";

constexpr const char *kStatementsInfo = R"SQL(
SELECT extract(epoch FROM clock_timestamp())::float8,
       extract(epoch FROM coalesce((SELECT stats_reset FROM pg_stat_statements_info), pg_postmaster_start_time()))::float8
)SQL";

constexpr const char *kCollect = "SELECT autopilot.capture_collect()";
constexpr const char *kPrune = "SELECT autopilot.samples_prune($1::interval, $2)";
constexpr const char *kUnfingerprinted =
    "SELECT id, query FROM autopilot.samples WHERE fingerprint IS NULL AND query IS NOT NULL LIMIT 10000";
constexpr const char *kSetFingerprint = "UPDATE autopilot.samples SET fingerprint = $2 WHERE id = $1";

constexpr const char *kSamples = R"SQL(
SELECT queryid, status, total_ms, query, truncated, coalesce(predicates::text, '')
  FROM (SELECT s.*, row_number() OVER (PARTITION BY s.queryid ORDER BY s.captured_at DESC) AS n
          FROM autopilot.samples s
         WHERE s.captured_at >= now() - make_interval(secs => $1)
           AND s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
           AND s.nested_level = 0) x
 WHERE n <= $2
 ORDER BY queryid, captured_at DESC
)SQL";

constexpr const char *kSampleRate = "SELECT current_setting('autopilot.sample_rate', true)";

// User relations only: the extension's own tables (autopilot.*, or any extension's) are not advised.
// A partitioned table counts the rows, bytes and writes of its leaf partitions.
constexpr const char *kTables = R"SQL(
SELECT c.oid::bigint, n.nspname, c.relname,
       CASE WHEN c.relkind = 'p'
            THEN (SELECT coalesce(sum(greatest(l.reltuples, 0)), 0) FROM pg_partition_tree(c.oid) t
                    JOIN pg_class l ON l.oid = t.relid WHERE t.isleaf)
            ELSE greatest(c.reltuples, 0) END::float8,
       autopilot.relation_bytes(c.oid),
       CASE WHEN c.relkind = 'p'
            THEN (SELECT coalesce(sum(ls.n_tup_ins + ls.n_tup_upd + ls.n_tup_del), 0) FROM pg_partition_tree(c.oid) t
                    JOIN pg_stat_user_tables ls ON ls.relid = t.relid)
            ELSE coalesce(s.n_tup_ins + s.n_tup_upd + s.n_tup_del, 0) END::float8
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
 WHERE c.relkind IN ('r', 'm', 'p')
   AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'autopilot')
   AND n.nspname !~ '^pg_(toast|temp)'
   AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
 ORDER BY n.nspname, c.relname
)SQL";

constexpr const char *kColumns = R"SQL(
SELECT a.attrelid::bigint, a.attname, format_type(a.atttypid, a.atttypmod),
       coalesce(st.avg_width, 8)::float8, coalesce(st.n_distinct, 0)::float8, coalesce(st.correlation, 0)::float8,
       st.attname IS NOT NULL
  FROM pg_attribute a
  JOIN pg_class c ON c.oid = a.attrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_stats st ON st.schemaname = n.nspname AND st.tablename = c.relname AND st.attname = a.attname
       AND st.inherited = (c.relkind = 'p')
 WHERE c.relkind IN ('r', 'm', 'p') AND a.attnum > 0 AND NOT a.attisdropped
   AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'autopilot')
 ORDER BY a.attrelid, a.attnum
)SQL";

constexpr const char *kIndexes = R"SQL(
SELECT i.indrelid::bigint, n.nspname, ic.relname, am.amname, i.indnkeyatts,
       to_json(array(SELECT coalesce(a.attname, '')
                       FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, ord)
                       LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum AND k.attnum > 0
                      ORDER BY k.ord))::text,
       i.indpred IS NOT NULL, i.indisprimary, i.indisunique,
       EXISTS (SELECT FROM pg_constraint co WHERE co.conindid = i.indexrelid),
       i.indisreplident, i.indisvalid,
       autopilot.relation_bytes(i.indexrelid),
       CASE WHEN ic.relkind = 'I'
            THEN (SELECT coalesce(sum(ps.idx_scan), 0) FROM pg_partition_tree(i.indexrelid) t
                    JOIN pg_stat_user_indexes ps ON ps.indexrelid = t.relid)
            ELSE coalesce(st.idx_scan, 0) END::bigint,
       ic.relispartition
  FROM pg_index i
  JOIN pg_class ic ON ic.oid = i.indexrelid
  JOIN pg_namespace n ON n.oid = ic.relnamespace
  JOIN pg_am am ON am.oid = ic.relam
  LEFT JOIN pg_stat_user_indexes st ON st.indexrelid = i.indexrelid
 WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'autopilot') AND n.nspname !~ '^pg_toast'
 ORDER BY i.indrelid, ic.relname
)SQL";

constexpr const char *kContext = R"SQL(
SELECT to_json(current_schemas(false))::text, pg_database_size(current_database()),
       extract(epoch FROM clock_timestamp() - coalesce(
           (SELECT stats_reset FROM pg_stat_database WHERE datname = current_database()),
           pg_postmaster_start_time()))::float8 / 3600
)SQL";

bool has_function(pqxx::connection_base &db, const std::string &name)
{
    pqxx::nontransaction tx(db);
    return tx.exec_params("SELECT to_regprocedure($1) IS NOT NULL", name)[0][0].as<bool>();
}

} // namespace

std::vector<PssRow> statement_delta(const PssSnapshot *prev, const PssSnapshot &cur, double &window_hours)
{
    std::vector<PssRow> out;
    const bool continuous = prev && prev->reset_at == cur.reset_at && prev->taken_at < cur.taken_at;
    window_hours = std::max(1.0 / 60, (cur.taken_at - (continuous ? prev->taken_at : cur.reset_at)) / 3600);
    for (const auto &[id, row] : cur.rows) {
        PssRow d = row;
        if (continuous) {
            auto it = prev->rows.find(id);
            // Fewer calls than before: the entry was evicted and came back; count it from scratch.
            if (it != prev->rows.end() && it->second.calls <= row.calls) {
                d.calls -= it->second.calls;
                d.total_ms -= it->second.total_ms;
                d.rows -= it->second.rows;
            }
        }
        if (d.calls > 0)
            out.push_back(std::move(d));
    }
    return out;
}

PssSnapshot snapshot_statements(pqxx::connection_base &db)
{
    PssSnapshot snap;
    pqxx::nontransaction tx(db);
    pqxx::result info = tx.exec(kStatementsInfo);
    snap.taken_at = info[0][0].as<double>();
    snap.reset_at = info[0][1].as<double>();
    for (const auto &r : tx.exec(kStatements)) {
        PssRow row;
        row.queryid = r[0].as<int64_t>();
        row.query = r[1].c_str();
        row.calls = r[2].as<double>();
        row.total_ms = r[3].as<double>();
        row.rows = r[4].as<double>();
        snap.rows[row.queryid] = std::move(row);
    }
    return snap;
}

int64_t drain_samples(pqxx::connection_base &db, int64_t max_rows, const std::string &keep)
{
    if (!has_function(db, "autopilot.capture_collect(integer)"))
        return 0;
    int64_t stored = 0;
    {
        pqxx::nontransaction tx(db);
        try {
            stored = tx.exec(kCollect)[0][0].as<int64_t>();
        } catch (const pqxx::sql_error &e) {
            // Without shared_preload_libraries capture says so; the advisor goes on with pg_stat_statements.
            return 0;
        }
        tx.exec_params(kPrune, keep, max_rows);
    }
    pqxx::work tx(db);
    for (const auto &r : tx.exec(kUnfingerprinted)) {
        std::string fp = fingerprint(r[1].c_str());
        tx.exec_params(kSetFingerprint, r[0].as<int64_t>(), fp.empty() ? std::string("unparsable") : fp);
    }
    tx.commit();
    return stored;
}

std::vector<SampleRow> load_samples(pqxx::connection_base &db, double hours, int per_statement)
{
    std::vector<SampleRow> out;
    if (!has_function(db, "autopilot.capture_collect(integer)"))
        return out;
    pqxx::nontransaction tx(db);
    for (const auto &r : tx.exec_params(kSamples, hours * 3600, per_statement)) {
        SampleRow s;
        s.queryid = r[0].as<int64_t>();
        s.status = r[1].c_str();
        s.total_ms = r[2].is_null() ? 0 : r[2].as<double>();
        s.query = r[3].is_null() ? "" : r[3].c_str();
        s.truncated = !r[4].is_null() && r[4].as<bool>();
        s.predicates = r[5].c_str();
        out.push_back(std::move(s));
    }
    return out;
}

double capture_sample_rate(pqxx::connection_base &db)
{
    pqxx::nontransaction tx(db);
    pqxx::result r = tx.exec(kSampleRate);
    if (r.empty() || r[0][0].is_null())
        return 1;
    try {
        double v = std::stod(r[0][0].c_str());
        return v > 0 ? v : 1;
    } catch (const std::exception &) {
        return 1;
    }
}

Catalog load_catalog(pqxx::connection_base &db, double &stats_hours)
{
    Catalog cat;
    pqxx::nontransaction tx(db);
    pqxx::result ctx = tx.exec(kContext);
    cat.search_path = nlohmann::json::parse(ctx[0][0].c_str()).get<std::vector<std::string>>();
    cat.database_bytes = ctx[0][1].as<int64_t>();
    stats_hours = std::max(1.0 / 60, ctx[0][2].as<double>());

    std::map<int64_t, size_t> by_oid;
    for (const auto &r : tx.exec(kTables)) {
        TableInfo t;
        t.schema = r[1].c_str();
        t.name = r[2].c_str();
        t.rows = r[3].as<double>();
        t.bytes = r[4].as<int64_t>();
        t.writes_per_hour = r[5].as<double>() / stats_hours;
        by_oid[r[0].as<int64_t>()] = cat.tables.size();
        cat.tables.push_back(std::move(t));
    }
    for (const auto &r : tx.exec(kColumns)) {
        auto it = by_oid.find(r[0].as<int64_t>());
        if (it == by_oid.end())
            continue;
        ColumnStats c;
        c.name = r[1].c_str();
        c.type = r[2].c_str();
        c.avg_width = r[3].as<double>();
        c.n_distinct = r[4].as<double>();
        c.correlation = r[5].as<double>();
        c.has_stats = r[6].as<bool>();
        cat.tables[it->second].columns.push_back(std::move(c));
    }
    for (const auto &r : tx.exec(kIndexes)) {
        auto it = by_oid.find(r[0].as<int64_t>());
        if (it == by_oid.end())
            continue;
        IndexInfo ix;
        ix.schema = r[1].c_str();
        ix.name = r[2].c_str();
        ix.method = r[3].c_str();
        const int nkey = r[4].as<int>();
        auto cols = nlohmann::json::parse(r[5].c_str()).get<std::vector<std::string>>();
        for (size_t i = 0; i < cols.size(); ++i)
            (int(i) < nkey ? ix.keys : ix.include).push_back(cols[i]);
        ix.partial = r[6].as<bool>();
        ix.primary = r[7].as<bool>();
        ix.unique = r[8].as<bool>();
        ix.constraint = r[9].as<bool>();
        ix.replica_identity = r[10].as<bool>();
        ix.valid = r[11].as<bool>();
        ix.bytes = r[12].as<int64_t>();
        ix.scans = r[13].as<int64_t>();
        ix.attached = r[14].as<bool>();
        cat.tables[it->second].indexes.push_back(std::move(ix));
    }
    return cat;
}

} // namespace autopilot
