// Extend-style greedy index search (see search.hpp). Every estimate goes through the CostOracle with only
// the indexes relevant to the statement, so a cache in front of it asks each distinct what-if once.
#include "search.hpp"

#include "candidates.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

namespace autopilot {

namespace {

constexpr int64_t kPage = 8192;

struct Option {
    bool widen = false;
    size_t replaces = 0;                   // position in the configuration (widen only)
    IndexDef def;
    int64_t bytes_delta = 0;
    double gain = 0;                       // ms/hour saved, before write cost
    double penalty = 0;
    std::vector<std::pair<size_t, double>> new_ms;  // statement → predicted ms with the option
};

class Search {
public:
    Search(const std::vector<WorkloadStatement> &w, const Catalog &c, CostOracle &oracle, const SearchOptions &o)
        : w_(w), catalog_(c), oracle_(oracle), o_(o)
    {
    }

    SearchResult run(const std::vector<IndexDef> &candidates)
    {
        SearchResult res;
        res.outcomes.resize(w_.size());
        cur_.assign(w_.size(), 0);
        for (size_t s = 0; s < w_.size(); ++s) {
            StatementOutcome &out = res.outcomes[s];
            out.stmt = s;
            if (!w_[s].uncostable_reason.empty()) {
                out.error = w_[s].uncostable_reason;
                continue;
            }
            PlanEstimate e = oracle_.estimate(s, {});
            if (!e.ok) {
                out.error = e.error.empty() ? "planning failed" : e.error;
                continue;
            }
            out.costed = true;
            out.before_ms = e.ms;
            out.before_cost = e.cost;
            cur_[s] = e.ms;
        }
        outcomes_ = &res.outcomes;

        int64_t remaining = o_.budget_bytes;
        for (size_t step = 0; step < o_.max_steps && remaining > 0; ++step) {
            std::vector<Option> options;
            collect_options(candidates, options);
            const Option *best = nullptr;
            double best_ratio = 0;
            for (auto &op : options) {
                if (op.bytes_delta > remaining)
                    continue;
                if (!evaluate(op, res.vetoed))
                    continue;
                const double net = op.gain - op.penalty;
                if (net <= o_.min_benefit_ms_per_hour || net <= 0)
                    continue;
                const double ratio = net / double(std::max<int64_t>(op.bytes_delta, kPage));
                if (!best || better(ratio, op, best_ratio, *best)) {
                    best = &op;
                    best_ratio = ratio;
                }
            }
            if (!best)
                break;
            apply(*best);
            remaining -= best->bytes_delta;
            res.steps.push_back({best->widen ? "widen" : "add", best->def.describe(), best->gain - best->penalty,
                                 best->bytes_delta});
        }
        finish(res);
        return res;
    }

private:
    const std::vector<WorkloadStatement> &w_;
    const Catalog &catalog_;
    CostOracle &oracle_;
    const SearchOptions &o_;
    std::vector<IndexDef> config_;
    std::vector<int64_t> config_bytes_;
    std::vector<double> cur_;
    std::vector<StatementOutcome> *outcomes_ = nullptr;

    bool costed(size_t s) const { return (*outcomes_)[s].costed; }

    // Ties go to the larger saving, then the smaller index, then the name: the result is deterministic.
    static bool better(double ratio, const Option &op, double best_ratio, const Option &best)
    {
        const double eps = 1e-9 * std::max(std::abs(ratio), std::abs(best_ratio));
        if (std::abs(ratio - best_ratio) > eps)
            return ratio > best_ratio;
        const double net = op.gain - op.penalty, best_net = best.gain - best.penalty;
        if (std::abs(net - best_net) > 1e-9 * std::max(std::abs(net), std::abs(best_net)))
            return net > best_net;
        if (op.bytes_delta != best.bytes_delta)
            return op.bytes_delta < best.bytes_delta;
        return op.def.key() < best.def.key();
    }

    bool in_config(const IndexDef &d) const
    {
        const std::string k = d.key();
        for (const auto &c : config_)
            if (c.key() == k)
                return true;
        return false;
    }

    void collect_options(const std::vector<IndexDef> &candidates, std::vector<Option> &options)
    {
        for (const auto &c : candidates) {
            if (in_config(c))
                continue;
            Option op;
            op.def = c;
            op.bytes_delta = oracle_.size_bytes(c);
            op.penalty = write_penalty_ms_per_hour(c, catalog_, o_);
            options.push_back(std::move(op));
        }
        if (!o_.widen)
            return;
        for (size_t i = 0; i < config_.size(); ++i) {
            const IndexDef &base = config_[i];
            if (base.method != "btree" || !base.include.empty() || base.keys.size() >= o_.max_key_columns)
                continue;
            for (const auto &col : indexable_columns(w_, base.table_key())) {
                if (std::find(base.keys.begin(), base.keys.end(), col) != base.keys.end())
                    continue;
                if (base.partial() && col == base.predicate_column)
                    continue;
                Option op;
                op.widen = true;
                op.replaces = i;
                op.def = base;
                op.def.keys.push_back(col);
                if (in_config(op.def))
                    continue;
                if (const TableInfo *t = catalog_.find_key(base.table_key()); t && served_by_existing(op.def, *t))
                    continue;
                op.bytes_delta = oracle_.size_bytes(op.def) - config_bytes_[i];
                options.push_back(std::move(op));
            }
        }
    }

    std::vector<IndexDef> relevant(const std::vector<IndexDef> &config, size_t s) const
    {
        std::vector<IndexDef> out;
        for (const auto &d : config)
            if (index_relevant(d, w_[s]))
                out.push_back(d);
        return out;
    }

    std::vector<IndexDef> config_with(const Option &op) const
    {
        std::vector<IndexDef> c = config_;
        if (op.widen)
            c[op.replaces] = op.def;
        else
            c.push_back(op.def);
        return c;
    }

    // Predicts every statement the option can touch; false when it is vetoed for a regression.
    bool evaluate(Option &op, std::vector<std::string> &vetoed)
    {
        const std::vector<IndexDef> next = config_with(op);
        for (size_t s = 0; s < w_.size(); ++s) {
            if (!costed(s) || !index_relevant(op.def, w_[s]))
                continue;
            PlanEstimate e = oracle_.estimate(s, relevant(next, s));
            if (!e.ok)
                continue;
            const double before = (*outcomes_)[s].before_ms;
            if (e.ms > cur_[s] * (1 + o_.regression_threshold) || e.ms > before * (1 + o_.regression_threshold)) {
                // Reported only when it would be slower than today (a widening that is merely worse than
                // the narrower index it replaces is a plain loss, not a regression to warn about).
                if (e.ms <= before * (1 + o_.regression_threshold))
                    return false;
                char buf[64];
                std::snprintf(buf, sizeof buf, " predicted %.0f%% slower",
                              100.0 * (e.ms / std::max(1e-9, before) - 1));
                std::string text = w_[s].display.substr(0, 80);
                for (auto &c : text)
                    if (c == '\n')
                        c = ' ';
                const std::string msg = op.def.describe() + ": \"" + text + "\"" + buf;
                if (std::find(vetoed.begin(), vetoed.end(), msg) == vetoed.end())
                    vetoed.push_back(msg);
                return false;
            }
            double delta = cur_[s] - e.ms;
            if (delta > 0 && delta < cur_[s] * o_.min_statement_gain)
                delta = 0;
            op.gain += w_[s].calls_per_hour * delta;
            op.new_ms.emplace_back(s, e.ms);
        }
        return true;
    }

    void apply(const Option &op)
    {
        if (op.widen) {
            config_bytes_[op.replaces] += op.bytes_delta;
            config_[op.replaces] = op.def;
        } else {
            config_.push_back(op.def);
            config_bytes_.push_back(op.bytes_delta);
        }
        for (const auto &[s, ms] : op.new_ms)
            cur_[s] = ms;
    }

    void finish(SearchResult &res)
    {
        // Final plans; an index no final plan uses (a later step made it redundant) is dropped.
        std::map<std::string, std::vector<size_t>> users;
        for (size_t s = 0; s < w_.size(); ++s) {
            if (!costed(s))
                continue;
            PlanEstimate e = oracle_.estimate(s, relevant(config_, s));
            StatementOutcome &out = res.outcomes[s];
            if (e.ok) {
                out.after_ms = e.ms;
                out.after_cost = e.cost;
                out.used = e.used;
            } else {
                out.after_ms = out.before_ms;
                out.after_cost = out.before_cost;
            }
            for (const auto &k : out.used)
                users[k].push_back(s);
        }
        for (size_t i = 0; i < config_.size(); ++i) {
            auto it = users.find(config_[i].key());
            if (it == users.end())
                continue;
            ChosenIndex c;
            c.def = config_[i];
            c.bytes = config_bytes_[i];
            c.statements = it->second;
            c.write_penalty_ms_per_hour = write_penalty_ms_per_hour(c.def, catalog_, o_);
            for (size_t s : c.statements) {
                const StatementOutcome &out = res.outcomes[s];
                size_t sharing = 0;
                for (const auto &k : out.used)
                    for (const auto &d : config_)
                        if (d.key() == k)
                            ++sharing;
                const double saved = w_[s].calls_per_hour * (out.before_ms - out.after_ms);
                c.benefit_ms_per_hour += saved / double(std::max<size_t>(sharing, 1));
            }
            res.bytes += c.bytes;
            res.benefit_ms_per_hour += c.benefit_ms_per_hour - c.write_penalty_ms_per_hour;
            res.chosen.push_back(std::move(c));
        }
    }
};

} // namespace

double write_penalty_ms_per_hour(const IndexDef &idx, const Catalog &catalog, const SearchOptions &o)
{
    const TableInfo *t = catalog.find_key(idx.table_key());
    if (!t)
        return 0;
    const double factor = idx.method == "brin" ? o.brin_write_factor : 1.0;
    return t->writes_per_hour * o.write_ms_per_row * factor;
}

SearchResult search_indexes(const std::vector<WorkloadStatement> &workload, const Catalog &catalog,
                            const std::vector<IndexDef> &candidates, CostOracle &oracle, const SearchOptions &o)
{
    Search s(workload, catalog, oracle, o);
    return s.run(candidates);
}

} // namespace autopilot
