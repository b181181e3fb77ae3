// Walking an executed plan without allocating (see plan_tree.hpp).
#include "plan_tree.hpp"

extern "C" {
#include "nodes/plannodes.h"
#include "parser/parsetree.h"
#include "utils/lsyscache.h"
}

namespace autopilot {

const char *node_type_name(const Plan *plan) noexcept
{
    switch (nodeTag(plan)) {
    case T_Result: return "Result";
    case T_ProjectSet: return "ProjectSet";
    case T_ModifyTable: return "ModifyTable";
    case T_Append: return "Append";
    case T_MergeAppend: return "Merge Append";
    case T_RecursiveUnion: return "Recursive Union";
    case T_BitmapAnd: return "BitmapAnd";
    case T_BitmapOr: return "BitmapOr";
    case T_NestLoop: return "Nested Loop";
    case T_MergeJoin: return "Merge Join";
    case T_HashJoin: return "Hash Join";
    case T_SeqScan: return "Seq Scan";
    case T_SampleScan: return "Sample Scan";
    case T_Gather: return "Gather";
    case T_GatherMerge: return "Gather Merge";
    case T_IndexScan: return "Index Scan";
    case T_IndexOnlyScan: return "Index Only Scan";
    case T_BitmapIndexScan: return "Bitmap Index Scan";
    case T_BitmapHeapScan: return "Bitmap Heap Scan";
    case T_TidScan: return "Tid Scan";
    case T_TidRangeScan: return "Tid Range Scan";
    case T_SubqueryScan: return "Subquery Scan";
    case T_FunctionScan: return "Function Scan";
    case T_TableFuncScan: return "Table Function Scan";
    case T_ValuesScan: return "Values Scan";
    case T_CteScan: return "CTE Scan";
    case T_NamedTuplestoreScan: return "Named Tuplestore Scan";
    case T_WorkTableScan: return "WorkTable Scan";
    case T_ForeignScan: return "Foreign Scan";
    case T_CustomScan: return "Custom Scan";
    case T_Material: return "Materialize";
    case T_Memoize: return "Memoize";
    case T_Sort: return "Sort";
    case T_IncrementalSort: return "Incremental Sort";
    case T_Group: return "Group";
    case T_Agg: return "Aggregate";
    case T_WindowAgg: return "WindowAgg";
    case T_Unique: return "Unique";
    case T_SetOp: return "SetOp";
    case T_LockRows: return "LockRows";
    case T_Limit: return "Limit";
    case T_Hash: return "Hash";
    default: return "???";
    }
}

const RelationNames::Entry *RelationNames::find(Oid oid) const noexcept
{
    for (int i = 0; i < count; i++)
        if (entries[i].oid == oid)
            return &entries[i];
    return nullptr;
}

static void add_name(RelationNames *names, Oid oid)
{
    if (!OidIsValid(oid) || names->find(oid))
        return;
    const char *name = get_rel_name(oid);
    if (!name)
        return;
    if (names->count == names->capacity) {
        names->capacity = names->capacity ? names->capacity * 2 : 8;
        const Size bytes = sizeof(RelationNames::Entry) * names->capacity;
        names->entries = static_cast<RelationNames::Entry *>(
            names->entries ? repalloc(names->entries, bytes) : palloc(bytes));
    }
    names->entries[names->count++] = {oid, get_namespace_name(get_rel_namespace(oid)), name};
}

static void add_index_names(PlanState *ps, RelationNames *names)
{
    add_name(names, scan_index(ps->plan));
    for_each_child(ps, [&](PlanState *child) { add_index_names(child, names); });
}

void resolve_relation_names(const QueryDesc *query, RelationNames *names)
{
    ListCell *lc;
    foreach (lc, query->plannedstmt->rtable) {
        auto *rte = static_cast<RangeTblEntry *>(lfirst(lc));
        if (rte->rtekind == RTE_RELATION)
            add_name(names, rte->relid);
    }
    if (query->planstate)
        add_index_names(query->planstate, names);
}

Oid scan_relation(const PlanState *ps, const EState *estate) noexcept
{
    switch (nodeTag(ps->plan)) {
    case T_SeqScan:
    case T_SampleScan:
    case T_IndexScan:
    case T_IndexOnlyScan:
    case T_BitmapHeapScan:
    case T_TidScan:
    case T_TidRangeScan: {
        const Index rti = reinterpret_cast<const Scan *>(ps->plan)->scanrelid;
        if (rti == 0 || rti > static_cast<Index>(list_length(estate->es_range_table)))
            return InvalidOid;
        return rt_fetch(rti, estate->es_range_table)->relid;
    }
    default:
        return InvalidOid;
    }
}

Oid scan_index(const Plan *plan) noexcept
{
    switch (nodeTag(plan)) {
    case T_IndexScan:
        return reinterpret_cast<const IndexScan *>(plan)->indexid;
    case T_IndexOnlyScan:
        return reinterpret_cast<const IndexOnlyScan *>(plan)->indexid;
    case T_BitmapIndexScan:
        return reinterpret_cast<const BitmapIndexScan *>(plan)->indexid;
    default:
        return InvalidOid;
    }
}

// Per-loop figures as EXPLAIN ANALYZE reports them, counting a loop still running as one more.
static void write_actuals(const Instrumentation *in, JsonWriter &out) noexcept
{
    const bool running_loop = in->running || in->tuplecount > 0;
    const double loops = in->nloops + (running_loop ? 1 : 0);
    const double rows = in->ntuples + in->tuplecount;
    const double total_s = in->total + INSTR_TIME_GET_DOUBLE(in->counter);
    const double startup_s = in->nloops > 0 ? in->startup : in->firsttuple;
    const double per = loops > 0 ? loops : 1;
    out.key("Actual Startup Time");
    out.number(1000.0 * startup_s / per, 3);
    out.key("Actual Total Time");
    out.number(1000.0 * total_s / per, 3);
    out.key("Actual Rows");
    out.number(rows / per, 0);
    out.key("Actual Loops");
    out.number(loops, 0);
    if (in->nfiltered1 > 0) {
        out.key("Rows Removed by Filter");
        out.number(in->nfiltered1 / per, 0);
    }
    if (in->need_bufusage) {
        out.key("Shared Hit Blocks");
        out.integer(in->bufusage.shared_blks_hit);
        out.key("Shared Read Blocks");
        out.integer(in->bufusage.shared_blks_read);
    }
}

static const char *join_type_name(JoinType type) noexcept
{
    switch (type) {
    case JOIN_INNER: return "Inner";
    case JOIN_LEFT: return "Left";
    case JOIN_FULL: return "Full";
    case JOIN_RIGHT: return "Right";
    case JOIN_SEMI: return "Semi";
    case JOIN_ANTI: return "Anti";
    default: return "???";
    }
}

static const char *strategy_name(const Plan *plan) noexcept
{
    if (IsA(plan, Agg)) {
        switch (reinterpret_cast<const Agg *>(plan)->aggstrategy) {
        case AGG_PLAIN: return "Plain";
        case AGG_SORTED: return "Sorted";
        case AGG_HASHED: return "Hashed";
        case AGG_MIXED: return "Mixed";
        }
    }
    if (IsA(plan, SetOp))
        return reinterpret_cast<const SetOp *>(plan)->strategy == SETOP_HASHED ? "Hashed" : "Sorted";
    return nullptr;
}

static void write_condition(JsonWriter &out, const char *key, const List *conditions) noexcept
{
    if (conditions == NIL)
        return;
    out.key(key);
    out.integer(list_length(conditions));
}

// The node's conditions, by EXPLAIN's key, counted (see write_reduced_plan).
static void write_conditions(const Plan *plan, JsonWriter &out) noexcept
{
    switch (nodeTag(plan)) {
    case T_IndexScan:
        write_condition(out, "Index Cond", reinterpret_cast<const IndexScan *>(plan)->indexqualorig);
        break;
    case T_IndexOnlyScan:
        write_condition(out, "Index Cond", reinterpret_cast<const IndexOnlyScan *>(plan)->indexqual);
        break;
    case T_BitmapIndexScan:
        write_condition(out, "Index Cond", reinterpret_cast<const BitmapIndexScan *>(plan)->indexqualorig);
        break;
    case T_BitmapHeapScan:
        write_condition(out, "Recheck Cond", reinterpret_cast<const BitmapHeapScan *>(plan)->bitmapqualorig);
        break;
    case T_HashJoin:
        write_condition(out, "Hash Cond", reinterpret_cast<const HashJoin *>(plan)->hashclauses);
        break;
    case T_MergeJoin:
        write_condition(out, "Merge Cond", reinterpret_cast<const MergeJoin *>(plan)->mergeclauses);
        break;
    default:
        break;
    }
    if (IsA(plan, NestLoop) || IsA(plan, HashJoin) || IsA(plan, MergeJoin))
        write_condition(out, "Join Filter", reinterpret_cast<const Join *>(plan)->joinqual);
    write_condition(out, "Filter", plan->qual);
}

static void write_node(PlanState *ps, const EState *estate, const RelationNames &names, JsonWriter &out,
                       int depth, int max_depth, const char *relationship, const char *subplan_name) noexcept
{
    const Plan *plan = ps->plan;
    out.begin_object();
    out.key("Node Type");
    out.string(node_type_name(plan));
    if (const char *strategy = strategy_name(plan)) {
        out.key("Strategy");
        out.string(strategy);
    }
    if (relationship) {
        out.key("Parent Relationship");
        out.string(relationship);
    }
    if (subplan_name) {
        out.key("Subplan Name");
        out.string(subplan_name);
    }
    out.key("Parallel Aware");
    out.boolean(plan->parallel_aware);
    if (IsA(plan, NestLoop) || IsA(plan, HashJoin) || IsA(plan, MergeJoin)) {
        out.key("Join Type");
        out.string(join_type_name(reinterpret_cast<const Join *>(plan)->jointype));
    }
    const Oid relid = scan_relation(ps, estate);
    if (const RelationNames::Entry *rel = names.find(relid)) {
        out.key("Relation Name");
        out.string(rel->name);
        out.key("Schema");
        out.string(rel->schema ? rel->schema : "");
        const Index rti = reinterpret_cast<const Scan *>(plan)->scanrelid;
        const RangeTblEntry *rte = rt_fetch(rti, estate->es_range_table);
        if (rte->eref && rte->eref->aliasname) {
            out.key("Alias");
            out.string(rte->eref->aliasname);
        }
    }
    if (const RelationNames::Entry *index = names.find(scan_index(plan))) {
        out.key("Index Name");
        out.string(index->name);
    }
    out.key("Startup Cost");
    out.number(plan->startup_cost, 2);
    out.key("Total Cost");
    out.number(plan->total_cost, 2);
    out.key("Plan Rows");
    out.number(plan->plan_rows, 0);
    out.key("Plan Width");
    out.integer(plan->plan_width);
    if (IsA(plan, Gather) || IsA(plan, GatherMerge)) {
        out.key("Workers Planned");
        out.integer(IsA(plan, Gather) ? reinterpret_cast<const Gather *>(plan)->num_workers
                                      : reinterpret_cast<const GatherMerge *>(plan)->num_workers);
    }
    write_conditions(plan, out);
    if (ps->instrument)
        write_actuals(ps->instrument, out);
    if (depth < max_depth) {
        bool opened = false;
        for_each_related_child(ps, [&](PlanState *child, const char *child_relationship, const char *child_name) {
            if (!opened) {
                out.key("Plans");
                out.begin_array();
                opened = true;
            }
            write_node(child, estate, names, out, depth + 1, max_depth, child_relationship, child_name);
        });
        if (opened)
            out.end_array();
    }
    out.end_object();
}

void write_reduced_plan(PlanState *ps, const EState *estate, const RelationNames &names, JsonWriter &out,
                        int max_depth) noexcept
{
    write_node(ps, estate, names, out, 0, max_depth, nullptr, nullptr);
}

}  // namespace autopilot
