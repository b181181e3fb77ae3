// The advise step (see advise.hpp).
#include "advise.hpp"

#include "statements.hpp"
#include "whatif_client.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ostream>
#include <set>

namespace autopilot {

namespace {

constexpr const char *kRecommendArgs = R"SQL(
SELECT coalesce(array_to_string(p.proargnames, ','), '')
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE n.nspname = 'autopilot' AND p.proname = 'recommend'
 ORDER BY p.pronargs DESC LIMIT 1
)SQL";

constexpr const char *kRecommend = R"SQL(
SELECT autopilot.recommend($1::regclass, $2::text[], $3::float8, $4::float8, $5::bigint, $6::jsonb, $7::float8,
                           $8::text, $9::text, 'advisor')
)SQL";

constexpr const char *kStalePending = R"SQL(
SELECT id FROM autopilot.recommendations WHERE kind = 'create_index' AND status = 'pending' AND origin = 'advisor'
)SQL";

constexpr const char *kSupersede =
    "SELECT autopilot.advance($1::bigint, 'superseded', 'no longer part of the latest advice')";

std::string fmt(const char *f, double v)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, f, v);
    return buf;
}

std::string one_line(std::string s, size_t max)
{
    for (auto &c : s)
        if (c == '\n' || c == '\t' || c == '\r')
            c = ' ';
    std::string out;
    for (char c : s)
        if (!(c == ' ' && !out.empty() && out.back() == ' '))
            out += c;
    if (out.size() > max)
        out = out.substr(0, max - 3) + "...";
    return out;
}

// What the installed autopilot.recommend() can express: INCLUDE and partial variants are only
// generated when it can record them, so what is recommended is exactly what gets built.
void restrict_to_recommend(pqxx::connection_base &db, CandidateOptions &c)
{
    std::string args;
    try {
        pqxx::nontransaction tx(db);
        pqxx::result r = tx.exec(kRecommendArgs);
        if (!r.empty())
            args = r[0][0].c_str();
    } catch (const pqxx::sql_error &) {
    }
    if (args.find("include") == std::string::npos)
        c.max_include_columns = 0;
    if (args.find("predicate") == std::string::npos)
        c.partial_max_distinct = 0;
}

} // namespace

std::string human_bytes(int64_t bytes)
{
    const char *units[] = {"B", "kB", "MB", "GB", "TB"};
    double v = double(bytes);
    int u = 0;
    while (v >= 1024 && u < 4) {
        v /= 1024;
        ++u;
    }
    return fmt(u == 0 ? "%.0f" : "%.1f", v) + " " + units[u];
}

double recommendation_confidence(const Recommendation &r, bool learned_latency)
{
    double weight = 0, real = 0;
    bool lower_bound = false, clear = true;
    for (const auto &a : r.affected) {
        const double w = a.calls_per_hour * a.before_ms;
        weight += w;
        if (a.real_text)
            real += w;
        lower_bound = lower_bound || a.lower_bound;
        if (a.before_ms > 0 && a.after_ms > 0.5 * a.before_ms)
            clear = false;
    }
    // Learned latency beats the optimizer's cost; real literals beat generic plans; a large predicted
    // change is less likely to be an artefact of the cost model than a marginal one.
    double c = learned_latency ? 0.55 : 0.4;
    c += 0.25 * (weight > 0 ? real / weight : 0);
    c += clear ? 0.15 : 0;
    c -= lower_bound ? 0.05 : 0;
    return std::clamp(c, 0.05, 0.95);
}

std::string recommendation_rationale(const Recommendation &r, const std::string &latency)
{
    std::string s = "Index " + r.index.describe() + " (" + human_bytes(r.bytes) + ") ";
    if (r.affected.empty())
        return s + "serves no statement of the workload.";
    double before = 0, after = 0;
    for (const auto &a : r.affected) {
        before += a.calls_per_hour * a.before_ms;
        after += a.calls_per_hour * a.after_ms;
    }
    const AffectedStatement *top = &r.affected.front();
    for (const auto &a : r.affected)
        if (a.calls_per_hour * (a.before_ms - a.after_ms) > top->calls_per_hour * (top->before_ms - top->after_ms))
            top = &a;
    s += "is used by the plans of " + std::to_string(r.affected.size()) + " statement" +
         (r.affected.size() > 1 ? "s" : "") + " that together take " + fmt("%.0f", before) +
         " ms per hour; with it they are predicted to take " + fmt("%.0f", after) + " ms per hour (" +
         fmt("%.0f", r.gain_pct) + "% less). The largest saving is on \"" + one_line(top->query, 100) + "\" (" +
         fmt("%.0f", top->calls_per_hour) + " calls/h, " + fmt("%.2f", top->before_ms) + " → " +
         fmt("%.2f", top->after_ms) + " ms; optimizer cost " + fmt("%.0f", top->before_cost) + " → " +
         fmt("%.0f", top->after_cost) + "). ";
    if (!r.index.keys.empty() && r.index.method == "btree" && r.index.keys.size() > 1)
        s += "Key order puts equality columns first, then the range or sort column, so one index descent "
             "serves the filter. ";
    if (r.index.method == "brin")
        s += "BRIN because the column follows the table's physical order (pg_stats.correlation), so block "
             "ranges summarize it at a fraction of a B-tree's size. ";
    if (r.index.partial())
        s += "Partial because every execution filters " + r.index.predicate_sql() + ". ";
    if (!r.index.include.empty())
        s += "INCLUDE columns make the scan index-only. ";
    s += "Times are predicted by " + latency + "; no statement is predicted to get slower.";
    return s;
}

AdviceReport run_advisor(pqxx::connection_base &db, const AdvisorOptions &o, const LatencyPredictor &latency,
                         const PssSnapshot *prev, PssSnapshot *snapshot)
{
    const auto t0 = std::chrono::steady_clock::now();
    AdviceReport rep;
    rep.latency = latency.name();
    if (o.drain)
        drain_samples(db, o.samples_max_rows, o.samples_keep);

    double stats_hours = 0;
    Catalog catalog = load_catalog(db, stats_hours);
    PssSnapshot snap = snapshot_statements(db);
    double window = 0;
    std::vector<PssRow> delta = statement_delta(prev, snap, window);
    rep.window_hours = window;
    WorkloadOptions wo;
    wo.max_statements = o.max_statements;
    wo.sample_rate = capture_sample_rate(db);
    std::vector<SampleRow> samples = load_samples(db, window, 20);
    std::vector<WorkloadStatement> workload = build_workload(delta, samples, catalog, window, wo);
    apply_write_rates(workload, catalog);
    if (snapshot)
        *snapshot = std::move(snap);
    rep.statements = workload.size();

    CandidateOptions co = o.candidates;
    restrict_to_recommend(db, co);
    std::vector<IndexDef> candidates = generate_candidates(workload, catalog, co);
    rep.candidates = candidates.size();

    SearchOptions so = o.search;
    so.budget_bytes = o.budget_bytes;
    if (o.budget_pct > 0)
        so.budget_bytes = std::min<int64_t>(so.budget_bytes, int64_t(double(catalog.database_bytes) * o.budget_pct / 100));
    so.regression_threshold = o.regression_threshold;
    so.max_key_columns = co.max_key_columns;
    rep.budget_bytes = so.budget_bytes;

    WhatIfClient client(db, workload, catalog, latency);
    CostCache cache(client);
    SearchResult res = search_indexes(workload, catalog, candidates, cache, so);
    rep.whatif = cache.stats();
    rep.vetoed = res.vetoed;

    for (size_t s = 0; s < workload.size(); ++s)
        if (!res.outcomes[s].costed)
            rep.uncostable.push_back({workload[s].display, res.outcomes[s].error});

    for (const auto &c : res.chosen) {
        Recommendation r;
        r.index = c.def;
        r.bytes = c.bytes;
        r.benefit_ms_per_hour = c.benefit_ms_per_hour - c.write_penalty_ms_per_hour;
        double before = 0, after = 0;
        for (size_t s : c.statements) {
            const WorkloadStatement &w = workload[s];
            const StatementOutcome &out = res.outcomes[s];
            AffectedStatement a;
            a.queryid = w.queryid;
            a.fingerprint = w.fingerprint;
            a.query = w.display;
            a.calls_per_hour = w.calls_per_hour;
            a.before_ms = out.before_ms;
            a.after_ms = out.after_ms;
            a.before_cost = out.before_cost;
            a.after_cost = out.after_cost;
            a.lower_bound = w.lower_bound;
            a.real_text = w.real_text;
            before += a.calls_per_hour * a.before_ms;
            after += a.calls_per_hour * a.after_ms;
            r.affected.push_back(std::move(a));
        }
        r.gain_pct = before > 0 ? 100 * (before - after) / before : 0;
        r.confidence = recommendation_confidence(r, latency.learned());
        r.rationale = recommendation_rationale(r, latency.name());
        rep.creates.push_back(std::move(r));
    }
    std::sort(rep.creates.begin(), rep.creates.end(), [](const Recommendation &a, const Recommendation &b) {
        return a.benefit_ms_per_hour > b.benefit_ms_per_hour;
    });

    // Drop advice, each proposal costed with the index hidden from the planner.
    DropOptions dopt = o.drops;
    dopt.write_ms_per_row = so.write_ms_per_row;
    for (const auto &d : drop_candidates(catalog, stats_hours, dopt)) {
        DropRecommendation dr;
        dr.drop = d;
        dr.safe = true;
        try {
            client.hide(quote_ident(d.index.schema) + "." + quote_ident(d.index.name));
            for (size_t s = 0; s < workload.size(); ++s) {
                const StatementOutcome &out = res.outcomes[s];
                const auto &tables = workload[s].tables;
                if (!out.costed || std::find(tables.begin(), tables.end(), d.table) == tables.end())
                    continue;
                PlanEstimate e = client.estimate(s, {});
                ++rep.drop_whatif_calls;
                if (e.ok && e.cost > out.before_cost * (1 + o.regression_threshold)) {
                    dr.safe = false;
                    dr.verdict = "kept: \"" + one_line(workload[s].display, 60) + "\" would cost " +
                                 fmt("%.0f", 100 * (e.cost / std::max(out.before_cost, 1e-9) - 1)) + "% more";
                    break;
                }
            }
            client.unhide_all();
        } catch (const pqxx::broken_connection &) {
            throw;
        } catch (const std::exception &e) {
            dr.safe = false;
            dr.verdict = std::string("not costed: ") + e.what();
        }
        if (dr.safe) {
            dr.verdict = d.reason == "redundant" ? "redundant with " + d.covered_by : "unused for " + fmt("%.0f", stats_hours) + " h";
            dr.rationale = "Index " + d.index.schema + "." + d.index.name + " (" + human_bytes(d.index.bytes) + ") is " +
                           dr.verdict + "; with it hidden from the planner (hypo_hide) no statement of the workload is "
                           "predicted to get slower, and dropping it saves about " +
                           fmt("%.0f", d.write_saving_ms_per_hour) + " ms per hour of index maintenance.";
        }
        rep.drops.push_back(std::move(dr));
    }

    rep.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return rep;
}

AdviceWrite write_recommendations(pqxx::connection_base &db, const AdviceReport &report)
{
    AdviceWrite out;
    std::vector<int64_t> &ids = out.ids;
    pqxx::work tx(db);
    for (const auto &r : report.creates) {
        nlohmann::json affected = nlohmann::json::array();
        for (const auto &a : r.affected)
            affected.push_back({{"queryid", a.queryid},
                                {"fingerprint", a.fingerprint},
                                {"query", a.query},
                                {"calls_per_hour", a.calls_per_hour},
                                {"before_ms", a.before_ms},
                                {"after_ms", a.after_ms},
                                {"before_cost", a.before_cost},
                                {"after_cost", a.after_cost},
                                {"lower_bound", a.lower_bound}});
        std::vector<std::string> cols = r.index.keys;
        pqxx::result res = tx.exec_params(kRecommend, quote_ident(r.index.schema) + "." + quote_ident(r.index.table),
                                          pg_text_array(cols), r.benefit_ms_per_hour, r.gain_pct, r.bytes,
                                          affected.dump(), r.confidence, r.rationale, r.index.method);
        ids.push_back(res[0][0].as<int64_t>());
    }
    std::set<int64_t> keep(ids.begin(), ids.end());
    for (const auto &row : tx.exec(kStalePending)) {
        const int64_t id = row[0].as<int64_t>();
        if (!keep.count(id)) {
            tx.exec_params(kSupersede, id);
            ++out.superseded;
        }
    }
    tx.commit();
    return out;
}

void print_report(const AdviceReport &rep, std::ostream &out)
{
    char line[512];
    out << "Index recommendations (budget " << human_bytes(rep.budget_bytes) << ", window "
        << fmt("%.2f", rep.window_hours) << " h, " << rep.statements << " statements, " << rep.candidates
        << " candidates)\n";
    std::snprintf(line, sizeof line, "%-3s %-64s %10s %14s %7s %5s %5s\n", "#", "index", "size", "gain ms/h", "gain%",
                  "conf", "stmts");
    out << line;
    int n = 0;
    for (const auto &r : rep.creates) {
        std::snprintf(line, sizeof line, "%-3d %-64s %10s %14.1f %6.1f%% %5.2f %5zu\n", ++n,
                      one_line(r.index.describe(), 64).c_str(), human_bytes(r.bytes).c_str(), r.benefit_ms_per_hour,
                      r.gain_pct, r.confidence, r.affected.size());
        out << line;
        for (const auto &a : r.affected) {
            std::snprintf(line, sizeof line, "      %9.2f → %9.2f ms  %8.1f calls/h%s  %s\n", a.before_ms, a.after_ms,
                          a.calls_per_hour, a.lower_bound ? " (≥)" : "", one_line(a.query, 90).c_str());
            out << line;
        }
        out << "      DDL: " << r.index.ddl() << "\n";
    }
    if (rep.creates.empty())
        out << "    (none)\n";
    if (!rep.drops.empty()) {
        out << "\nDrop advice\n";
        for (const auto &d : rep.drops) {
            std::snprintf(line, sizeof line, "  %-8s %-50s %10s  %s\n", d.safe ? "drop" : "keep",
                          (d.drop.index.schema + "." + d.drop.index.name).c_str(),
                          human_bytes(d.drop.index.bytes).c_str(), d.verdict.c_str());
            out << line;
        }
    }
    if (!rep.vetoed.empty()) {
        out << "\nVetoed (predicted regressions)\n";
        for (const auto &v : rep.vetoed)
            out << "  " << one_line(v, 160) << "\n";
    }
    if (!rep.uncostable.empty()) {
        out << "\nStatements that could not be costed\n";
        for (const auto &u : rep.uncostable)
            out << "  " << one_line(u.query, 90) << "\n      reason: " << one_line(u.reason, 120) << "\n";
    }
    std::snprintf(line, sizeof line,
                  "\nwhat-if: %llu calls (+%llu for drop advice), %llu lookups, %.1f%% cache hits; %llu size estimates; "
                  "advisor %.2f s; latency: %s\n",
                  (unsigned long long)rep.whatif.calls, (unsigned long long)rep.drop_whatif_calls,
                  (unsigned long long)rep.whatif.lookups, 100 * rep.whatif.hit_rate(),
                  (unsigned long long)rep.whatif.size_calls, rep.seconds, rep.latency.c_str());
    out << line;
}

} // namespace autopilot
