// Shared fixtures for the advisor's unit tests: a small catalog and hand-built workload statements.
#pragma once

#include "workload.hpp"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

namespace autopilot::test {

inline TableInfo table(const std::string &name, double rows, std::vector<ColumnStats> cols)
{
    TableInfo t;
    t.schema = "public";
    t.name = name;
    t.rows = rows;
    t.bytes = int64_t(rows * 100);
    t.columns = std::move(cols);
    return t;
}

inline ColumnStats col(const std::string &name, double n_distinct, double correlation = 0, double width = 4)
{
    ColumnStats c;
    c.name = name;
    c.type = "integer";
    c.avg_width = width;
    c.n_distinct = n_distinct;
    c.correlation = correlation;
    c.has_stats = true;
    return c;
}

inline Catalog shop_catalog()
{
    Catalog c;
    c.tables.push_back(table("orders", 1e6,
                             {col("id", -1, 1), col("customer_id", 50000), col("status", 4), col("created", -0.5, 0.99),
                              col("amount", -0.8), col("note", -1, 0, 200)}));
    c.tables.push_back(table("customers", 50000, {col("id", -1, 1), col("region", 20), col("name", -1, 0, 30)}));
    c.tables.push_back(table("tiny", 50, {col("id", -1), col("k", 10)}));
    IndexInfo pk;
    pk.schema = "public";
    pk.name = "orders_pkey";
    pk.keys = {"id"};
    pk.primary = pk.unique = pk.constraint = true;
    c.tables[0].indexes.push_back(pk);
    pk.name = "customers_pkey";
    c.tables[1].indexes.push_back(pk);
    return c;
}

inline WorkloadStatement stmt(const std::string &id, std::vector<ResolvedUse> uses, double calls = 100, double ms = 50)
{
    WorkloadStatement s;
    s.id = id;
    s.display = id;
    s.text = id;
    s.calls_per_hour = calls;
    s.mean_ms = ms;
    for (const auto &u : uses)
        if (std::find(s.tables.begin(), s.tables.end(), u.table) == s.tables.end())
            s.tables.push_back(u.table);
    s.uses = std::move(uses);
    return s;
}

inline ResolvedUse use(const std::string &table, const std::string &column, UseKind kind,
                       std::optional<std::string> constant = std::nullopt)
{
    ResolvedUse u;
    u.table = "public." + table;
    u.column = column;
    u.kind = kind;
    u.constant = std::move(constant);
    return u;
}

} // namespace autopilot::test
