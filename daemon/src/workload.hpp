// Plain data the advisor reasons about: the catalog it sees (tables, columns, indexes, statistics) and
// the workload (statements with their weights and the columns they use). Filled by collect, read by the
// pure algorithms (candidates, search, drop_advice), which therefore unit-test without a database.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace autopilot {

// How a statement uses a column; mirrors the capture contract's predicate kinds, plus `output`
// (the column is only read, which matters for covering INCLUDE indexes).
enum class UseKind { eq, range, in, like, null, join, sort, group, output };

const char *to_string(UseKind kind);
std::optional<UseKind> use_kind_from_string(const std::string &s);

struct ColumnStats {
    std::string name;
    std::string type;           // format_type() text, e.g. "integer", "date"
    double avg_width = 8;       // pg_stats.avg_width (bytes)
    double n_distinct = 0;      // pg_stats.n_distinct (negative: fraction of rows)
    double correlation = 0;     // pg_stats.correlation (physical order vs value order)
    bool has_stats = false;
};

struct IndexInfo {
    std::string schema;
    std::string name;
    std::string method = "btree";        // pg_am.amname
    std::vector<std::string> keys;       // key columns in order; "" for an expression
    std::vector<std::string> include;
    bool partial = false;
    bool primary = false;
    bool unique = false;
    bool constraint = false;             // backs a constraint (PK, UNIQUE, EXCLUDE) or is referenced by one
    bool replica_identity = false;
    bool valid = true;
    bool attached = false;               // a partition of a partitioned index: dropped only with it
    int64_t bytes = 0;                   // of a partitioned index: all its partitions'
    int64_t scans = 0;                   // idx_scan over the observation window (partitions' sum)
};

struct TableInfo {
    std::string schema;
    std::string name;
    std::vector<ColumnStats> columns;
    double rows = 0;                     // pg_class.reltuples (a partitioned table: its leaves')
    int64_t bytes = 0;                   // heap size (a partitioned table: its leaves')
    double writes_per_hour = 0;          // rows inserted, updated or deleted per hour by the workload
    std::vector<IndexInfo> indexes;

    std::string key() const { return schema + "." + name; }
    const ColumnStats *column(const std::string &col) const;
};

struct Catalog {
    std::vector<TableInfo> tables;
    std::vector<std::string> search_path{"public"};
    int64_t database_bytes = 0;

    const TableInfo *find(const std::string &schema, const std::string &name) const;
    const TableInfo *find_key(const std::string &key) const;
};

// A column use resolved to a catalog table.
struct ResolvedUse {
    std::string table;                   // TableInfo::key()
    std::string column;
    UseKind kind = UseKind::output;
    std::string op;
    std::optional<std::string> constant; // SQL literal compared with (only from real texts)
};

// One statement of the workload, grouped by fingerprint.
struct WorkloadStatement {
    std::string id;                      // stable identity: the fingerprint (or the queryid when unparsable)
    int64_t queryid = 0;
    std::string fingerprint;
    std::string display;                 // the normalized text shown to the admin
    std::string text;                    // what is costed: captured real text, else the normalized one
    bool real_text = false;              // text carries real literals (captured)
    double calls_per_hour = 0;
    double mean_ms = 0;
    bool lower_bound = false;            // timed out / cancelled: mean_ms is a lower bound
    bool writes = false;                 // INSERT/UPDATE/DELETE
    std::string write_target;            // TableInfo::key() of the table it modifies
    double rows_per_call = 0;            // rows returned or affected per execution
    std::vector<ResolvedUse> uses;
    std::vector<std::string> tables;     // TableInfo::key() of every base table referenced
    bool all_columns = false;            // SELECT * somewhere: no covering index can serve it
    std::string uncostable_reason;       // non-empty: listed, never silently dropped

    double weight_ms_per_hour() const { return calls_per_hour * mean_ms; }
};

} // namespace autopilot
