// One walk over the plan tree fills an accumulator; emit() lists the features in vector order, and
// is also what produces feature_names(), so the names and the values cannot drift apart.
#include "features.hpp"

#include <algorithm>
#include <array>
#include <cmath>

namespace autopilot
{
namespace
{

using nlohmann::json;

// Node types grouped by how they spend time; the index is the group's slot.
constexpr std::array<const char *, 25> kGroups = {"seq_scan",
                                                  "index_scan",
                                                  "index_only_scan",
                                                  "bitmap_heap_scan",
                                                  "bitmap_index_scan",
                                                  "nested_loop",
                                                  "hash_join",
                                                  "merge_join",
                                                  "hash",
                                                  "sort",
                                                  "aggregate",
                                                  "group",
                                                  "window_agg",
                                                  "limit",
                                                  "materialize",
                                                  "memoize",
                                                  "gather",
                                                  "append",
                                                  "result",
                                                  "unique",
                                                  "setop",
                                                  "subquery_scan",
                                                  "cte_scan",
                                                  "other_scan",
                                                  "other"};

std::size_t group_of(const std::string &type)
{
    static const std::map<std::string, std::size_t> groups = {{"Seq Scan", 0},
                                                              {"Index Scan", 1},
                                                              {"Index Only Scan", 2},
                                                              {"Bitmap Heap Scan", 3},
                                                              {"Bitmap Index Scan", 4},
                                                              {"BitmapAnd", 4},
                                                              {"BitmapOr", 4},
                                                              {"Nested Loop", 5},
                                                              {"Hash Join", 6},
                                                              {"Merge Join", 7},
                                                              {"Hash", 8},
                                                              {"Sort", 9},
                                                              {"Incremental Sort", 9},
                                                              {"Aggregate", 10},
                                                              {"Group", 11},
                                                              {"WindowAgg", 12},
                                                              {"Limit", 13},
                                                              {"Materialize", 14},
                                                              {"Memoize", 15},
                                                              {"Gather", 16},
                                                              {"Gather Merge", 16},
                                                              {"Append", 17},
                                                              {"Merge Append", 17},
                                                              {"Result", 18},
                                                              {"ProjectSet", 18},
                                                              {"Unique", 19},
                                                              {"SetOp", 20},
                                                              {"Subquery Scan", 21},
                                                              {"CTE Scan", 22},
                                                              {"WorkTable Scan", 22},
                                                              {"Function Scan", 23},
                                                              {"Values Scan", 23},
                                                              {"Tid Scan", 23},
                                                              {"Tid Range Scan", 23},
                                                              {"Table Function Scan", 23},
                                                              {"Named Tuplestore Scan", 23},
                                                              {"Foreign Scan", 23},
                                                              {"Custom Scan", 23},
                                                              {"Sample Scan", 23}};
    const auto it = groups.find(type);
    return it == groups.end() ? kGroups.size() - 1 : it->second;
}

constexpr std::array<const char *, 6> kJoinTypes = {"Inner", "Left", "Right", "Full", "Semi", "Anti"};
constexpr std::array<const char *, 4> kAggStrategies = {"Plain", "Sorted", "Hashed", "Mixed"};

struct Group {
    double count = 0, rows = 0, max_rows = 0, self_cost = 0;
};

struct Acc {
    double total_cost = 0, startup_cost = 0, plan_rows = 0, plan_width = 0;
    double nodes = 0, max_depth = 0, subplans = 0, parallel_aware = 0, workers = 0;
    double max_loops = 1, rows_x_loops = 0, cost_x_loops = 0;
    std::array<Group, kGroups.size()> groups{};
    std::array<double, kJoinTypes.size()> joins{};
    std::array<double, kAggStrategies.size()> aggs{};
    double max_sort_mem = 0, sum_sort_mem = 0, max_hash_mem = 0, max_hashagg_mem = 0, over_work_mem = 0;
    double relations = 0, unknown_relations = 0, sum_pages = 0, max_pages = 0, sum_tuples = 0, max_tuples = 0;
    double seq_pages = 0, pages_over_buffers = 0;
    double min_selectivity = 1, sel_sum = 0, sel_count = 0, filters = 0, index_conds = 0;
    double inner_index_scans = 0, index_rows_x_loops = 0, limit_fraction = 1;
    // Version 2: the work the executor does in units that do not depend on the statement's shape
    // (tuples read, tuples consumed, index descents, heap pages fetched, comparisons sorted), so that
    // a template never seen in training still lands near templates doing the same amount of work.
    double seq_tuples_x_loops = 0, input_rows_x_loops = 0, index_descents = 0, heap_fetches = 0, sort_nlogn = 0;
};

// The feature list, in order. f(name, value) is called once per feature.
template <class F> void emit(const Acc &a, F &&f)
{
    f("total_cost", a.total_cost);
    f("startup_cost", a.startup_cost);
    f("plan_rows", a.plan_rows);
    f("plan_width", a.plan_width);
    f("log_total_cost", std::log1p(std::max(0.0, a.total_cost)));
    f("nodes", a.nodes);
    f("max_depth", a.max_depth);
    f("subplans", a.subplans);
    f("parallel_aware_nodes", a.parallel_aware);
    f("workers_planned", a.workers);
    f("max_est_loops", a.max_loops);
    f("sum_rows_x_loops", a.rows_x_loops);
    f("sum_self_cost_x_loops", a.cost_x_loops);
    for (std::size_t g = 0; g < kGroups.size(); ++g) {
        const std::string p = kGroups[g];
        f(p + ".count", a.groups[g].count);
        f(p + ".rows", a.groups[g].rows);
        f(p + ".max_rows", a.groups[g].max_rows);
        f(p + ".self_cost", a.groups[g].self_cost);
    }
    for (std::size_t j = 0; j < kJoinTypes.size(); ++j)
        f(std::string("join.") + kJoinTypes[j], a.joins[j]);
    for (std::size_t s = 0; s < kAggStrategies.size(); ++s)
        f(std::string("agg.") + kAggStrategies[s], a.aggs[s]);
    f("max_sort_bytes_over_work_mem", a.max_sort_mem);
    f("sum_sort_bytes_over_work_mem", a.sum_sort_mem);
    f("max_hash_bytes_over_work_mem", a.max_hash_mem);
    f("max_hashagg_bytes_over_work_mem", a.max_hashagg_mem);
    f("nodes_over_work_mem", a.over_work_mem);
    f("scanned_relations", a.relations);
    f("unknown_relations", a.unknown_relations);
    f("sum_rel_pages", a.sum_pages);
    f("max_rel_pages", a.max_pages);
    f("sum_rel_tuples", a.sum_tuples);
    f("max_rel_tuples", a.max_tuples);
    f("seq_scan_pages", a.seq_pages);
    f("scanned_pages_over_shared_buffers", a.pages_over_buffers);
    f("min_scan_selectivity", a.min_selectivity);
    f("mean_scan_selectivity", a.sel_count > 0 ? a.sel_sum / a.sel_count : 1.0);
    f("filters", a.filters);
    f("index_conds", a.index_conds);
    f("inner_index_scans", a.inner_index_scans);
    f("index_rows_x_loops", a.index_rows_x_loops);
    f("limit_fraction", a.limit_fraction);
    f("seq_tuples_x_loops", a.seq_tuples_x_loops);
    f("input_rows_x_loops", a.input_rows_x_loops);
    f("index_descents", a.index_descents);
    f("heap_fetch_pages", a.heap_fetches);
    f("sort_n_log_n", a.sort_nlogn);
    f("work_units", a.seq_tuples_x_loops + a.input_rows_x_loops + a.rows_x_loops + 20 * a.index_descents +
                        10 * a.heap_fetches + a.sort_nlogn);
}

double number(const json &node, const char *key, double fallback = 0)
{
    const auto it = node.find(key);
    if (it == node.end() || it->is_null())
        return fallback;
    if (!it->is_number())
        throw PlanError(std::string("plan field \"") + key + "\" is not a number");
    return it->get<double>();
}

std::string text(const json &node, const char *key)
{
    const auto it = node.find(key);
    return it != node.end() && it->is_string() ? it->get<std::string>() : std::string();
}

const json *children(const json &node)
{
    const auto it = node.find("Plans");
    return it != node.end() && it->is_array() ? &*it : nullptr;
}

std::string relation_key(const json &node)
{
    const std::string rel = text(node, "Relation Name");
    if (rel.empty())
        return rel;
    const std::string schema = text(node, "Schema");
    return schema.empty() ? rel : schema + "." + rel;
}

class Walker
{
  public:
    Walker(const FeatureContext &ctx, Acc &acc) : ctx_(ctx), a_(acc) {}

    void walk(const json &node, int depth, double loops, bool nl_inner)
    {
        if (!node.is_object() || !node.contains("Node Type"))
            throw PlanError("plan node without \"Node Type\"");
        const std::string type = text(node, "Node Type");
        const double total = number(node, "Total Cost");
        const double rows = number(node, "Plan Rows");
        const std::size_t g = group_of(type);

        a_.nodes += 1;
        a_.max_depth = std::max(a_.max_depth, static_cast<double>(depth));
        a_.max_loops = std::max(a_.max_loops, loops);
        a_.rows_x_loops += rows * loops;
        const std::string rel_kind = text(node, "Parent Relationship");
        if (rel_kind == "SubPlan" || rel_kind == "InitPlan")
            a_.subplans += 1;
        if (node.value("Parallel Aware", false))
            a_.parallel_aware += 1;
        a_.workers = std::max(a_.workers, number(node, "Workers Planned"));

        double child_cost = 0;
        if (const json *kids = children(node))
            for (const auto &k : *kids)
                if (k.is_object() && text(k, "Parent Relationship") != "InitPlan" &&
                    text(k, "Parent Relationship") != "SubPlan")
                    child_cost += number(k, "Total Cost");
        const double self = std::max(0.0, total - child_cost);
        a_.cost_x_loops += self * loops;
        Group &grp = a_.groups[g];
        grp.count += 1;
        grp.rows += rows * loops;
        grp.max_rows = std::max(grp.max_rows, rows);
        grp.self_cost += self * loops;

        const std::string join = text(node, "Join Type");
        for (std::size_t j = 0; j < kJoinTypes.size(); ++j)
            if (join == kJoinTypes[j])
                a_.joins[j] += 1;
        const std::string strategy = text(node, "Strategy");
        if (type == "Aggregate")
            for (std::size_t s = 0; s < kAggStrategies.size(); ++s)
                if (strategy == kAggStrategies[s])
                    a_.aggs[s] += 1;

        memory(node, type, strategy);
        if (type == "Sort" || type == "Incremental Sort") {
            const json *in = children(node);
            const double n = in && !in->empty() ? number((*in)[0], "Plan Rows") : rows;
            a_.sort_nlogn += n * std::log2(n + 2) * loops;
        }
        scan(node, type, rows, loops, nl_inner);
        if (type == "Limit")
            limit(node, rows);

        const json *kids = children(node);
        if (!kids)
            return;
        // Nested Loop runs its inner side once per outer row; a SubPlan runs once per row of the
        // node it hangs from. Other children run as often as their parent.
        double outer_rows = 1;
        for (const auto &k : *kids)
            if (k.is_object() && text(k, "Parent Relationship") == "Outer")
                outer_rows = std::max(1.0, number(k, "Plan Rows"));
        for (const auto &k : *kids) {
            const std::string rel = k.is_object() ? text(k, "Parent Relationship") : std::string();
            double child_loops = loops;
            bool inner = false;
            if (type == "Nested Loop" && rel == "Inner") {
                child_loops = loops * outer_rows;
                inner = true;
            } else if (rel == "SubPlan") {
                child_loops = loops * std::max(1.0, rows);
            } else if (rel == "InitPlan") {
                child_loops = 1;
            }
            if (rel != "InitPlan" && rel != "SubPlan")
                a_.input_rows_x_loops += number(k, "Plan Rows") * child_loops;
            walk(k, depth + 1, child_loops, inner || (nl_inner && rel != "InitPlan"));
        }
    }

  private:
    void memory(const json &node, const std::string &type, const std::string &strategy)
    {
        const double work_mem_bytes = std::max(1.0, ctx_.work_mem_kb * 1024.0);
        const double bytes = number(node, "Plan Rows") * std::max(1.0, number(node, "Plan Width"));
        double ratio = -1;
        if (type == "Sort" || type == "Incremental Sort") {
            // A sort's input is its child's output; the node's own rows may be cut by a Limit.
            double in = bytes;
            if (const json *kids = children(node); kids && !kids->empty())
                in = number((*kids)[0], "Plan Rows") * std::max(1.0, number((*kids)[0], "Plan Width"));
            ratio = in / work_mem_bytes;
            a_.max_sort_mem = std::max(a_.max_sort_mem, ratio);
            a_.sum_sort_mem += ratio;
        } else if (type == "Hash") {
            ratio = bytes / work_mem_bytes;
            a_.max_hash_mem = std::max(a_.max_hash_mem, ratio);
        } else if (type == "Aggregate" && (strategy == "Hashed" || strategy == "Mixed")) {
            ratio = bytes / work_mem_bytes;
            a_.max_hashagg_mem = std::max(a_.max_hashagg_mem, ratio);
        }
        if (ratio > 1)
            a_.over_work_mem += 1;
    }

    void scan(const json &node, const std::string &type, double rows, double loops, bool nl_inner)
    {
        if (node.contains("Filter"))
            a_.filters += 1;
        if (node.contains("Index Cond") || node.contains("Recheck Cond"))
            a_.index_conds += 1;
        const bool index_like = type == "Index Scan" || type == "Index Only Scan" || type == "Bitmap Heap Scan";
        if (type == "Index Scan" || type == "Index Only Scan" || type == "Bitmap Index Scan")
            a_.index_descents += loops;
        if (index_like) {
            a_.index_rows_x_loops += rows * loops;
            if (nl_inner && loops > 1)
                a_.inner_index_scans += 1;
        }
        const std::string key = relation_key(node);
        if (key.empty())
            return;
        a_.relations += 1;
        const RelationStats *stats = find_relation(key, text(node, "Relation Name"));
        if (!stats) {
            a_.unknown_relations += 1;
            return;
        }
        a_.sum_pages += stats->pages;
        a_.max_pages = std::max(a_.max_pages, stats->pages);
        a_.sum_tuples += std::max(0.0, stats->tuples);
        a_.max_tuples = std::max(a_.max_tuples, stats->tuples);
        if (type == "Seq Scan") {
            a_.seq_pages += stats->pages;
            a_.seq_tuples_x_loops += std::max(0.0, stats->tuples) * loops;
        }
        // Each row of a plain index scan may fetch a heap page, at most the relation's pages per loop.
        if (type == "Index Scan" || type == "Bitmap Heap Scan")
            a_.heap_fetches += std::min(rows, std::max(1.0, stats->pages)) * loops;
        a_.pages_over_buffers += stats->pages / std::max(1.0, ctx_.shared_buffers_pages);
        if (stats->tuples > 0) {
            // Parallel scans estimate rows per worker: scale back to the whole relation.
            const double workers = node.value("Parallel Aware", false) ? 2.4 : 1.0;
            const double sel = std::min(1.0, rows * workers / stats->tuples);
            a_.min_selectivity = std::min(a_.min_selectivity, sel);
            a_.sel_sum += sel;
            a_.sel_count += 1;
        }
    }

    void limit(const json &node, double rows)
    {
        const json *kids = children(node);
        if (!kids || kids->empty())
            return;
        const double in = number((*kids)[0], "Plan Rows");
        if (in > 0)
            a_.limit_fraction = std::min(a_.limit_fraction, std::min(1.0, rows / in));
    }

    const RelationStats *find_relation(const std::string &key, const std::string &bare) const
    {
        auto it = ctx_.relations.find(key);
        if (it == ctx_.relations.end())
            it = ctx_.relations.find(bare);
        if (it == ctx_.relations.end()) {
            // A plan without "Schema" (EXPLAIN without VERBOSE): match "<any schema>.<table>" when unique.
            const RelationStats *found = nullptr;
            for (const auto &[name, stats] : ctx_.relations) {
                const auto dot = name.rfind('.');
                if (dot != std::string::npos && name.compare(dot + 1, std::string::npos, bare) == 0) {
                    if (found)
                        return nullptr;
                    found = &stats;
                }
            }
            return found;
        }
        return &it->second;
    }

    const FeatureContext &ctx_;
    Acc &a_;
};

}  // namespace

const json &plan_root(const json &plan)
{
    const json *p = &plan;
    if (p->is_array()) {
        if (p->empty())
            throw PlanError("empty plan array");
        p = &(*p)[0];
    }
    if (p->is_object() && !p->contains("Node Type") && p->contains("Plan"))
        p = &(*p)["Plan"];
    if (!p->is_object() || !p->contains("Node Type"))
        throw PlanError("not a PostgreSQL JSON plan (no \"Node Type\" at the root)");
    return *p;
}

const std::vector<std::string> &feature_names()
{
    static const std::vector<std::string> names = [] {
        std::vector<std::string> n;
        emit(Acc{}, [&](const std::string &name, double) { n.push_back(name); });
        return n;
    }();
    return names;
}

std::size_t feature_count()
{
    return feature_names().size();
}

std::vector<float> featurize(const json &plan, const FeatureContext &context)
{
    const json &root = plan_root(plan);
    Acc a;
    a.total_cost = number(root, "Total Cost");
    a.startup_cost = number(root, "Startup Cost");
    a.plan_rows = number(root, "Plan Rows");
    a.plan_width = number(root, "Plan Width");
    Walker(context, a).walk(root, 1, 1, false);
    std::vector<float> out;
    out.reserve(feature_count());
    emit(a, [&](const std::string &, double v) {
        out.push_back(std::isfinite(v) ? static_cast<float>(v) : std::numeric_limits<float>::quiet_NaN());
    });
    return out;
}

std::vector<std::string> plan_relations(const json &plan)
{
    std::vector<std::string> out;
    std::vector<const json *> stack = {&plan_root(plan)};
    while (!stack.empty()) {
        const json *n = stack.back();
        stack.pop_back();
        if (!n->is_object())
            continue;
        const std::string key = relation_key(*n);
        if (!key.empty() && std::find(out.begin(), out.end(), key) == out.end())
            out.push_back(key);
        if (const json *kids = children(*n))
            for (auto it = kids->rbegin(); it != kids->rend(); ++it)
                stack.push_back(&*it);
    }
    return out;
}

}  // namespace autopilot
