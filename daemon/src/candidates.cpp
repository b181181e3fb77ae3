// Candidate generation (see candidates.hpp). One pass per (statement, table): collect the equality,
// range, join and sort/group columns the statement uses on that table, then emit the single-column
// indexes, the composite orders, the covering, partial and BRIN variants.
#include "candidates.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace autopilot {

namespace {

bool is_filter(UseKind k) { return k != UseKind::output && k != UseKind::like; }

void push_unique(std::vector<std::string> &v, const std::string &s)
{
    if (std::find(v.begin(), v.end(), s) == v.end())
        v.push_back(s);
}

// Estimated distinct values; pg_stats gives a negative fraction of rows for columns that scale.
double distinct(const TableInfo &t, const std::string &col)
{
    const ColumnStats *c = t.column(col);
    if (!c || !c->has_stats)
        return 0;
    return c->n_distinct < 0 ? -c->n_distinct * t.rows : c->n_distinct;
}

class Collector {
public:
    Collector(const Catalog &catalog, const CandidateOptions &o) : catalog_(catalog), o_(o) {}

    void add(IndexDef idx)
    {
        if (idx.keys.empty() || idx.keys.size() > o_.max_key_columns)
            return;
        const TableInfo *t = catalog_.find(idx.schema, idx.table);
        if (!t || served_by_existing(idx, *t))
            return;
        std::set<std::string> seen;
        for (const auto &k : idx.keys)
            if (!seen.insert(k).second)
                return;
        std::string k = idx.key();
        if (keys_.insert(k).second)
            out_.push_back(std::move(idx));
    }

    std::vector<IndexDef> take() { return std::move(out_); }

private:
    const Catalog &catalog_;
    const CandidateOptions &o_;
    std::set<std::string> keys_;
    std::vector<IndexDef> out_;
};

struct TableUses {
    std::vector<std::string> eq, range, join, order, like, output;
    std::vector<std::pair<std::string, std::string>> constants;  // column, literal
};

TableUses uses_on(const WorkloadStatement &st, const std::string &table)
{
    TableUses u;
    for (const auto &r : st.uses) {
        if (r.table != table)
            continue;
        switch (r.kind) {
        case UseKind::eq:
        case UseKind::in:
        case UseKind::null:
            push_unique(u.eq, r.column);
            if (r.kind == UseKind::eq && r.constant)
                u.constants.emplace_back(r.column, *r.constant);
            break;
        case UseKind::range:
            push_unique(u.range, r.column);
            break;
        case UseKind::join:
            push_unique(u.join, r.column);
            break;
        case UseKind::sort:
        case UseKind::group:
            push_unique(u.order, r.column);
            break;
        case UseKind::like:
            push_unique(u.like, r.column);
            break;
        case UseKind::output:
            push_unique(u.output, r.column);
            break;
        }
    }
    return u;
}

IndexDef make(const TableInfo &t, std::vector<std::string> keys)
{
    IndexDef d;
    d.schema = t.schema;
    d.table = t.name;
    d.keys = std::move(keys);
    return d;
}

} // namespace

bool served_by_existing(const IndexDef &idx, const TableInfo &table)
{
    for (const auto &e : table.indexes) {
        if (!e.valid || e.partial || e.method != idx.method)
            continue;
        if (e.keys.size() < idx.keys.size())
            continue;
        if (!std::equal(idx.keys.begin(), idx.keys.end(), e.keys.begin()))
            continue;
        // A partial candidate is smaller than any full index on the same keys: let the search judge it.
        if (idx.method == "brin" || idx.partial())
            return idx.method == "brin";
        bool covers = true;
        for (const auto &c : idx.include)
            if (std::find(e.keys.begin(), e.keys.end(), c) == e.keys.end() &&
                std::find(e.include.begin(), e.include.end(), c) == e.include.end())
                covers = false;
        if (covers)
            return true;
    }
    return false;
}

std::vector<IndexDef> generate_candidates(const std::vector<WorkloadStatement> &workload, const Catalog &catalog,
                                          const CandidateOptions &o)
{
    Collector out(catalog, o);
    for (const auto &st : workload) {
        if (!st.uncostable_reason.empty())
            continue;
        for (const auto &tkey : st.tables) {
            const TableInfo *t = catalog.find_key(tkey);
            if (!t || t->rows < o.min_table_rows)
                continue;
            TableUses u = uses_on(st, tkey);
            // Most selective equality column first: the prefix narrows fastest and is shared best.
            std::stable_sort(u.eq.begin(), u.eq.end(),
                             [&](const std::string &a, const std::string &b) { return distinct(*t, a) > distinct(*t, b); });
            if (u.eq.size() > o.max_key_columns)
                u.eq.resize(o.max_key_columns);

            for (const auto &c : u.eq)
                out.add(make(*t, {c}));
            for (const auto &c : u.range)
                out.add(make(*t, {c}));
            for (const auto &c : u.join)
                out.add(make(*t, {c}));
            for (const auto &c : u.order)
                out.add(make(*t, {c}));

            // Equality prefix, then one range column or the sort/group columns.
            std::vector<std::string> prefix;
            for (const auto &c : u.eq) {
                prefix.push_back(c);
                if (prefix.size() > 1)
                    out.add(make(*t, prefix));
            }
            std::vector<std::vector<std::string>> composites;
            if (!u.eq.empty())
                composites.push_back(u.eq);
            for (const auto &r : u.range) {
                if (std::find(u.eq.begin(), u.eq.end(), r) != u.eq.end())
                    continue;
                auto k = u.eq;
                k.push_back(r);
                if (!u.eq.empty())
                    out.add(make(*t, k));
                composites.push_back(k);
            }
            if (!u.order.empty() && u.range.empty()) {
                auto k = u.eq;
                for (const auto &c : u.order)
                    if (std::find(k.begin(), k.end(), c) == k.end())
                        k.push_back(c);
                if (k.size() > 1)
                    out.add(make(*t, k));
                composites.push_back(k);
            }
            // A join column after the equality filters: a nested-loop probe that also filters.
            for (const auto &j : u.join) {
                if (u.eq.empty() || std::find(u.eq.begin(), u.eq.end(), j) != u.eq.end())
                    continue;
                auto k = u.eq;
                k.push_back(j);
                out.add(make(*t, k));
                auto k2 = std::vector<std::string>{j};
                k2.insert(k2.end(), u.eq.begin(), u.eq.end());
                out.add(make(*t, k2));
                composites.push_back(k2);
            }

            // Covering variants: the statement's other columns of this table as INCLUDE, when few and narrow.
            if (!st.all_columns) {
                for (const auto &k : composites) {
                    if (k.empty() || k.size() > o.max_key_columns)
                        continue;
                    std::vector<std::string> inc;
                    double width = 0;
                    auto add_inc = [&](const std::vector<std::string> &cols) {
                        for (const auto &c : cols)
                            if (std::find(k.begin(), k.end(), c) == k.end()) {
                                push_unique(inc, c);
                            }
                    };
                    add_inc(u.eq);
                    add_inc(u.range);
                    add_inc(u.join);
                    add_inc(u.order);
                    add_inc(u.like);
                    add_inc(u.output);
                    for (const auto &c : inc)
                        if (const ColumnStats *cs = t->column(c))
                            width += cs->avg_width;
                    if (inc.empty() || inc.size() > o.max_include_columns || width > o.max_include_width)
                        continue;
                    IndexDef d = make(*t, k);
                    d.include = inc;
                    out.add(d);
                }
            }

            // Partial: the statement always compares a low-cardinality column with one constant.
            for (const auto &[col, lit] : u.constants) {
                double nd = distinct(*t, col);
                if (nd <= 0 || nd > o.partial_max_distinct)
                    continue;
                std::vector<std::string> rest;
                for (const auto &c : u.eq)
                    if (c != col)
                        rest.push_back(c);
                if (!u.range.empty())
                    rest.push_back(u.range.front());
                else if (!u.order.empty())
                    rest.push_back(u.order.front());
                else if (!u.join.empty())
                    rest.push_back(u.join.front());
                if (rest.empty())
                    continue;
                if (rest.size() > o.max_key_columns)
                    rest.resize(o.max_key_columns);
                IndexDef d = make(*t, rest);
                d.predicate_column = col;
                d.predicate_literal = lit;
                out.add(d);
            }

            // BRIN: range filters on columns laid out in value order (append-only dates).
            if (t->rows >= o.brin_min_rows) {
                for (const auto &r : u.range) {
                    const ColumnStats *cs = t->column(r);
                    if (!cs || !cs->has_stats || std::abs(cs->correlation) < o.brin_min_correlation)
                        continue;
                    IndexDef d = make(*t, {r});
                    d.method = "brin";
                    out.add(d);
                }
            }
        }
    }
    return out.take();
}

std::vector<std::string> indexable_columns(const std::vector<WorkloadStatement> &workload, const std::string &table)
{
    std::vector<std::string> out;
    for (const auto &st : workload)
        for (const auto &u : st.uses)
            if (u.table == table && is_filter(u.kind))
                push_unique(out, u.column);
    return out;
}

bool index_relevant(const IndexDef &idx, const WorkloadStatement &st)
{
    if (idx.keys.empty())
        return false;
    const std::string t = idx.table_key();
    if (std::find(st.tables.begin(), st.tables.end(), t) == st.tables.end())
        return false;
    for (const auto &u : st.uses)
        if (u.table == t && u.column == idx.keys.front() && is_filter(u.kind))
            return true;
    return false;
}

} // namespace autopilot
