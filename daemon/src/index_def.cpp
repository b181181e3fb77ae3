// Canonical identity, name and DDL of an advisor index (see index_def.hpp).
#include "index_def.hpp"

#include <cstdint>
#include <cstdio>
#include <set>

namespace autopilot {

namespace {

// Reserved key words of PostgreSQL 15 that cannot be column names unquoted (SQL Key Words appendix,
// "reserved" and "reserved (can be function or type)").
const std::set<std::string> kReserved{
    "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "authorization", "binary",
    "both", "case", "cast", "check", "collate", "collation", "column", "concurrently", "constraint", "create",
    "cross", "current_catalog", "current_date", "current_role", "current_schema", "current_time",
    "current_timestamp", "current_user", "default", "deferrable", "desc", "distinct", "do", "else", "end",
    "except", "false", "fetch", "for", "foreign", "freeze", "from", "full", "grant", "group", "having", "ilike",
    "in", "initially", "inner", "intersect", "into", "is", "isnull", "join", "lateral", "leading", "left",
    "like", "limit", "localtime", "localtimestamp", "natural", "not", "notnull", "null", "offset", "on", "only",
    "or", "order", "outer", "overlaps", "placing", "primary", "references", "returning", "right", "select",
    "session_user", "similar", "some", "symmetric", "system_user", "table", "tablesample", "then", "to",
    "trailing", "true", "union", "unique", "user", "using", "variadic", "verbose", "when", "where", "window",
    "with"};

uint32_t fnv1a(const std::string &s)
{
    uint32_t h = 2166136261u;
    for (unsigned char c : s) {
        h ^= c;
        h *= 16777619u;
    }
    return h;
}

std::string join(const std::vector<std::string> &v, const char *sep, bool quote)
{
    std::string out;
    for (size_t i = 0; i < v.size(); ++i) {
        if (i)
            out += sep;
        out += quote ? quote_ident(v[i]) : v[i];
    }
    return out;
}

} // namespace

std::string quote_ident(const std::string &id)
{
    bool plain = !id.empty() && (id[0] == '_' || (id[0] >= 'a' && id[0] <= 'z'));
    for (char c : id)
        if (!(c == '_' || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
            plain = false;
    if (plain && !kReserved.count(id))
        return id;
    std::string out = "\"";
    for (char c : id) {
        if (c == '"')
            out += '"';
        out += c;
    }
    return out + "\"";
}

std::string IndexDef::key() const
{
    std::string k = method + "|" + schema + "." + table + "|" + join(keys, ",", false) + "|" + join(include, ",", false);
    if (partial())
        k += "|" + predicate_column + "=" + predicate_literal;
    return k;
}

std::string IndexDef::name() const
{
    char hash[16];
    std::snprintf(hash, sizeof hash, "%08x", fnv1a(key()));
    std::string base = "autopilot_" + table + "_" + join(keys, "_", false);
    // NAMEDATALEN is 64: keep the hash, trim the readable part.
    const size_t room = 63 - 1 - 8;
    if (base.size() > room)
        base.resize(room);
    return base + "_" + hash;
}

std::string IndexDef::predicate_sql() const
{
    if (!partial())
        return {};
    return quote_ident(predicate_column) + " = " + predicate_literal;
}

std::string IndexDef::ddl() const
{
    std::string s = "CREATE INDEX " + quote_ident(name()) + " ON " + quote_ident(schema) + "." + quote_ident(table);
    if (method != "btree")
        s += " USING " + method;
    s += " (" + join(keys, ", ", true) + ")";
    if (!include.empty())
        s += " INCLUDE (" + join(include, ", ", true) + ")";
    if (partial())
        s += " WHERE " + predicate_sql();
    return s;
}

std::string IndexDef::describe() const
{
    std::string s = schema + "." + table;
    if (method != "btree")
        s += " USING " + method;
    s += " (" + join(keys, ", ", false) + ")";
    if (!include.empty())
        s += " INCLUDE (" + join(include, ", ", false) + ")";
    if (partial())
        s += " WHERE " + predicate_sql();
    return s;
}

} // namespace autopilot
