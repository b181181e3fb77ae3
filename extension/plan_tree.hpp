// Walking an executed plan (PlanState tree) without allocating: the children of a node in EXPLAIN's
// order, EXPLAIN's node names, the relation and index names resolved ahead of time, and a reduced
// EXPLAIN-shaped plan written with whatever the instrumentation had counted (used on the error path,
// where ExplainPrintPlan is not safe to call).
#pragma once

#include "pg.hpp"

#include "json_text.hpp"

extern "C" {
#include "nodes/execnodes.h"
}

namespace autopilot {

// Calls fn(child, relationship, subplan_name) for every child PlanState of ps, in the order EXPLAIN
// prints them, with EXPLAIN's "Parent Relationship" and, for init plans and subplans, their name.
template <typename Fn>
void for_each_related_child(PlanState *ps, Fn &&fn)
{
    ListCell *lc;
    foreach (lc, ps->initPlan) {
        auto *sps = static_cast<SubPlanState *>(lfirst(lc));
        fn(sps->planstate, "InitPlan", sps->subplan ? sps->subplan->plan_name : nullptr);
    }
    if (outerPlanState(ps))
        fn(outerPlanState(ps), "Outer", nullptr);
    if (innerPlanState(ps))
        fn(innerPlanState(ps), "Inner", nullptr);
    switch (nodeTag(ps)) {
    case T_AppendState: {
        auto *s = reinterpret_cast<AppendState *>(ps);
        for (int i = 0; i < s->as_nplans; i++)
            fn(s->appendplans[i], "Member", nullptr);
        break;
    }
    case T_MergeAppendState: {
        auto *s = reinterpret_cast<MergeAppendState *>(ps);
        for (int i = 0; i < s->ms_nplans; i++)
            fn(s->mergeplans[i], "Member", nullptr);
        break;
    }
    case T_BitmapAndState: {
        auto *s = reinterpret_cast<BitmapAndState *>(ps);
        for (int i = 0; i < s->nplans; i++)
            fn(s->bitmapplans[i], "Member", nullptr);
        break;
    }
    case T_BitmapOrState: {
        auto *s = reinterpret_cast<BitmapOrState *>(ps);
        for (int i = 0; i < s->nplans; i++)
            fn(s->bitmapplans[i], "Member", nullptr);
        break;
    }
    case T_SubqueryScanState:
        fn(reinterpret_cast<SubqueryScanState *>(ps)->subplan, "Subquery", nullptr);
        break;
    case T_CustomScanState:
        foreach (lc, reinterpret_cast<CustomScanState *>(ps)->custom_ps)
            fn(static_cast<PlanState *>(lfirst(lc)), "Member", nullptr);
        break;
    default:
        break;
    }
    foreach (lc, ps->subPlan) {
        auto *sps = static_cast<SubPlanState *>(lfirst(lc));
        fn(sps->planstate, "SubPlan", sps->subplan ? sps->subplan->plan_name : nullptr);
    }
}

// Calls fn(child) for every child PlanState of ps, in the order EXPLAIN prints them.
template <typename Fn>
void for_each_child(PlanState *ps, Fn &&fn)
{
    for_each_related_child(ps, [&](PlanState *child, const char *, const char *) { fn(child); });
}

// EXPLAIN's "Node Type" for a plan node.
const char *node_type_name(const Plan *plan) noexcept;

// Names of the relations and indexes a plan touches, looked up once when a sampled statement
// starts (catalog lookups may ereport), so later writers need no catalog access.
struct RelationNames {
    struct Entry {
        Oid oid;
        const char *schema;
        const char *name;
    };
    Entry *entries = nullptr;
    int count = 0;
    int capacity = 0;

    const Entry *find(Oid oid) const noexcept;
};

// Fills names with every relation in the range table and every index the plan scans. Allocates in
// CurrentMemoryContext; may ereport.
void resolve_relation_names(const QueryDesc *query, RelationNames *names);

// The relation a scan node reads, or InvalidOid.
Oid scan_relation(const PlanState *ps, const EState *estate) noexcept;
// The index a scan node uses, or InvalidOid.
Oid scan_index(const Plan *plan) noexcept;

// Writes an EXPLAIN-shaped "Plan" object for ps with the actuals counted so far (nodes still
// running included), down to max_depth levels of children. No allocation, no catalog access.
// The compact plan: EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)'s keys for node types, relations,
// indexes, join types, strategies, parallelism, costs, estimated and actual rows, loops, times and
// buffers; conditions ("Filter", "Index Cond", "Recheck Cond", "Join Filter", "Hash Cond", "Merge
// Cond") are not deparsed (EXPLAIN's most expensive part): their value is the number of conditions.
void write_reduced_plan(PlanState *ps, const EState *estate, const RelationNames &names, JsonWriter &out,
                        int max_depth) noexcept;

}  // namespace autopilot
