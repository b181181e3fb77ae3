// Statement identity and column references with PostgreSQL's own parser (libpg_query): fingerprints
// group statements that differ only in literals, the parse tree (JSON) says which columns each statement
// filters, joins, sorts and groups on. No hand-written SQL parsing.
#pragma once

#include "workload.hpp"

#include <optional>
#include <string>
#include <vector>

namespace autopilot {

// A relation as written in FROM (schema may be empty: resolved with the search path later).
struct RelationRef {
    std::string schema;
    std::string name;
    bool operator==(const RelationRef &o) const { return schema == o.schema && name == o.name; }
};

// A column use before catalog resolution. `relations` holds the relation the column belongs to when the
// query says so (qualified reference, or a single relation in scope); otherwise every relation in scope,
// innermost first, and the resolver picks the first that has such a column.
struct ColumnUse {
    std::vector<RelationRef> relations;
    std::string column;
    UseKind kind = UseKind::output;
    std::string op;
    std::optional<std::string> constant;  // a literal compared with the column (e.g. "'open'", "5")
};

struct ParsedStatement {
    bool ok = false;
    std::string error;                     // the parser's message when !ok
    std::string fingerprint;               // hex, as pg_query_fingerprint
    std::string normalized;                // literals replaced by $n
    std::string command;                   // "select", "insert", "update", "delete", "other"
    std::vector<RelationRef> relations;    // base relations referenced (CTE names excluded)
    std::vector<ColumnUse> uses;
    bool select_star = false;              // some relation's columns are read with *
};

// Parses one statement. Never throws on bad SQL: returns ok = false with the parser's message.
ParsedStatement parse_statement(const std::string &sql);

// Fingerprint only (empty on a parse error).
std::string fingerprint(const std::string &sql);

// Resolves column uses against the catalog; uses of unknown relations or columns are left out.
std::vector<ResolvedUse> resolve_uses(const ParsedStatement &st, const Catalog &catalog);

// Base tables of the statement that the catalog knows (TableInfo::key()).
std::vector<std::string> resolve_tables(const ParsedStatement &st, const Catalog &catalog);

} // namespace autopilot
