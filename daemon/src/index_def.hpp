// An index the advisor may recommend, as plain data: table, access method, key and INCLUDE columns,
// optional partial predicate. Gives its canonical identity (for caches and de-duplication), its DDL and
// the deterministic name of the design (`autopilot_<table>_<cols>_<hash>`).
#pragma once

#include <string>
#include <vector>

namespace autopilot {

struct IndexDef {
    std::string schema;
    std::string table;
    std::string method = "btree";
    std::vector<std::string> keys;
    std::vector<std::string> include;
    // Partial predicate: one column compared with one literal (`status = 'open'`), kept apart so the DDL
    // is built from identifiers and a quoted literal, never from free text.
    std::string predicate_column;
    std::string predicate_literal;

    std::string table_key() const { return schema + "." + table; }
    bool partial() const { return !predicate_column.empty(); }
    std::string key() const;         // canonical identity
    std::string name() const;        // deterministic index name (<= 63 bytes)
    std::string ddl() const;         // CREATE INDEX <name> ON ... (no CONCURRENTLY: what-if takes it as is)
    std::string predicate_sql() const;
    std::string describe() const;    // "schema.table (a, b) INCLUDE (c) WHERE ..." for people

    bool operator==(const IndexDef &o) const { return key() == o.key(); }
};

// Quotes an identifier when PostgreSQL would need it (upper case, symbols, reserved words).
std::string quote_ident(const std::string &id);

} // namespace autopilot
