// Workload assembly (see statements.hpp).
#include "statements.hpp"

#include "fingerprint.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <set>

namespace autopilot {

namespace {

bool failed(const std::string &status) { return status == "timeout" || status == "cancelled"; }

std::string str(const nlohmann::json &o, const char *key)
{
    auto it = o.find(key);
    return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Uses from the capture's predicate columns (already resolved by the server).
void add_captured_uses(const std::string &predicates, const Catalog &catalog, std::vector<ResolvedUse> &uses)
{
    if (predicates.empty())
        return;
    nlohmann::json j = nlohmann::json::parse(predicates, nullptr, false);
    if (!j.is_array())
        return;
    for (const auto &p : j) {
        if (!p.is_object())
            continue;
        auto kind = use_kind_from_string(str(p, "kind"));
        const TableInfo *t = catalog.find(str(p, "schema"), str(p, "table"));
        const std::string col = str(p, "column");
        if (!kind || !t || !t->column(col))
            continue;
        ResolvedUse u;
        u.table = t->key();
        u.column = col;
        u.kind = *kind;
        u.op = str(p, "op");
        uses.push_back(std::move(u));
    }
}

void merge_uses(std::vector<ResolvedUse> &into, const std::vector<ResolvedUse> &from)
{
    for (const auto &u : from) {
        bool dup = false;
        for (const auto &e : into)
            if (e.table == u.table && e.column == u.column && e.kind == u.kind)
                dup = true;
        if (!dup)
            into.push_back(u);
    }
}

struct Group {
    WorkloadStatement st;
    double calls = 0;
    double total_ms = 0;
    double rows = 0;
    std::vector<const SampleRow *> samples;
    bool skip = false;
};

} // namespace

std::vector<WorkloadStatement> build_workload(const std::vector<PssRow> &delta, const std::vector<SampleRow> &samples,
                                              const Catalog &catalog, double window_hours, const WorkloadOptions &o)
{
    std::map<int64_t, std::vector<const SampleRow *>> by_queryid;
    for (const auto &s : samples)
        by_queryid[s.queryid].push_back(&s);

    std::map<std::string, Group> groups;  // by fingerprint
    std::vector<std::string> order;
    auto group_for = [&](const std::string &key) -> Group & {
        auto [it, fresh] = groups.try_emplace(key);
        if (fresh)
            order.push_back(key);
        return it->second;
    };

    std::set<int64_t> seen;
    auto take = [&](int64_t queryid, const std::string &normalized, double calls, double total_ms, double rows) {
        ParsedStatement ps = parse_statement(normalized);
        std::string key = ps.ok ? ps.fingerprint : "queryid:" + std::to_string(queryid);
        // Statements that never finished have no normalized text; their samples' fingerprint groups them.
        Group &g = group_for(key);
        if (g.st.id.empty()) {
            g.st.id = key;
            g.st.queryid = queryid;
            g.st.fingerprint = ps.ok ? ps.fingerprint : "";
            g.st.display = normalized;
            g.st.text = normalized;
            g.st.writes = ps.command == "insert" || ps.command == "update" || ps.command == "delete";
            // The modified relation is the first one the walker records for a data-modifying statement.
            if (g.st.writes && !ps.relations.empty())
                if (const TableInfo *t = catalog.find(ps.relations.front().schema, ps.relations.front().name))
                    g.st.write_target = t->key();
            if (ps.ok) {
                g.st.uses = resolve_uses(ps, catalog);
                g.st.tables = resolve_tables(ps, catalog);
                g.st.all_columns = ps.select_star;
                g.skip = ps.command == "other";  // utility statements: nothing to index
            } else {
                g.st.uncostable_reason = "does not parse: " + ps.error;
            }
        }
        g.calls += calls;
        g.total_ms += total_ms;
        g.rows += rows;
        for (const SampleRow *s : by_queryid[queryid])
            g.samples.push_back(s);
        seen.insert(queryid);
    };

    for (const auto &row : delta)
        take(row.queryid, row.query, row.calls, row.total_ms, row.rows);
    // Statements only the capture saw: they never finished (timeouts) or finished outside pg_stat_statements.
    for (const auto &[queryid, list] : by_queryid) {
        if (seen.count(queryid) || list.empty() || list.front()->query.empty())
            continue;
        ParsedStatement ps = parse_statement(list.front()->query);
        take(queryid, ps.ok ? ps.normalized : list.front()->query, 0, 0, 0);
    }

    std::vector<WorkloadStatement> out;
    for (const auto &key : order) {
        Group &g = groups[key];
        if (g.skip)
            continue;
        WorkloadStatement &st = g.st;
        double extra_calls = 0, extra_ms = 0;
        // A constant stays a partial-index predicate only if every real text of the statement has it.
        std::map<std::pair<std::string, std::string>, std::set<std::string>> constants;
        size_t parsed_real = 0;
        for (const SampleRow *s : g.samples) {
            if (failed(s->status)) {
                // Pg_stat_statements never saw it: it counts, with its elapsed time as a lower bound.
                extra_calls += 1 / o.sample_rate;
                extra_ms += s->total_ms / o.sample_rate;
                st.lower_bound = true;
            }
            std::vector<ResolvedUse> captured;
            add_captured_uses(s->predicates, catalog, captured);
            merge_uses(st.uses, captured);
            if (s->truncated || s->query.empty())
                continue;
            ParsedStatement ps = parse_statement(s->query);
            if (!ps.ok)
                continue;
            ++parsed_real;
            if (!st.real_text) {
                st.text = s->query;
                st.real_text = true;
                st.uncostable_reason.clear();
                if (st.tables.empty())
                    st.tables = resolve_tables(ps, catalog);
                st.all_columns = st.all_columns || ps.select_star;
            }
            std::vector<ResolvedUse> uses = resolve_uses(ps, catalog);
            for (const auto &u : uses)
                if (u.kind == UseKind::eq)
                    constants[{u.table, u.column}].insert(u.constant ? *u.constant : std::string("\x01"));
            for (auto u : uses) {
                u.constant.reset();
                merge_uses(st.uses, {u});
            }
        }
        for (auto &u : st.uses) {
            u.constant.reset();
            auto it = constants.find({u.table, u.column});
            if (u.kind == UseKind::eq && parsed_real > 0 && it != constants.end() && it->second.size() == 1 &&
                *it->second.begin() != "\x01") {
                // Every sample of this statement that parsed must have shown it.
                u.constant = *it->second.begin();
            }
        }
        const double calls = g.calls + extra_calls;
        if (calls <= 0)
            continue;
        st.calls_per_hour = calls / window_hours;
        st.mean_ms = (g.total_ms + extra_ms) / calls;
        st.rows_per_call = g.calls > 0 ? g.rows / g.calls : 0;
        if (st.tables.empty() && st.uncostable_reason.empty())
            continue;  // touches no user table (catalog queries, SET, the daemon's own calls)
        out.push_back(std::move(st));
    }
    std::stable_sort(out.begin(), out.end(), [](const WorkloadStatement &a, const WorkloadStatement &b) {
        return a.weight_ms_per_hour() > b.weight_ms_per_hour();
    });
    if (out.size() > o.max_statements)
        out.resize(o.max_statements);
    return out;
}

void apply_write_rates(const std::vector<WorkloadStatement> &workload, Catalog &catalog)
{
    for (auto &t : catalog.tables)
        t.writes_per_hour = 0;
    for (const auto &st : workload)
        if (st.writes && !st.write_target.empty())
            for (auto &t : catalog.tables)
                if (t.key() == st.write_target)
                    t.writes_per_hour += st.rows_per_call * st.calls_per_hour;
}

} // namespace autopilot
