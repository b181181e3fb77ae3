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

// Calls fn(child) for every child PlanState of ps, in the order EXPLAIN prints them.
template <typename Fn>
void for_each_child(PlanState *ps, Fn &&fn)
{
    ListCell *lc;
    foreach (lc, ps->initPlan)
        fn(static_cast<SubPlanState *>(lfirst(lc))->planstate);
    if (outerPlanState(ps))
        fn(outerPlanState(ps));
    if (innerPlanState(ps))
        fn(innerPlanState(ps));
    switch (nodeTag(ps)) {
    case T_AppendState: {
        auto *s = reinterpret_cast<AppendState *>(ps);
        for (int i = 0; i < s->as_nplans; i++)
            fn(s->appendplans[i]);
        break;
    }
    case T_MergeAppendState: {
        auto *s = reinterpret_cast<MergeAppendState *>(ps);
        for (int i = 0; i < s->ms_nplans; i++)
            fn(s->mergeplans[i]);
        break;
    }
    case T_BitmapAndState: {
        auto *s = reinterpret_cast<BitmapAndState *>(ps);
        for (int i = 0; i < s->nplans; i++)
            fn(s->bitmapplans[i]);
        break;
    }
    case T_BitmapOrState: {
        auto *s = reinterpret_cast<BitmapOrState *>(ps);
        for (int i = 0; i < s->nplans; i++)
            fn(s->bitmapplans[i]);
        break;
    }
    case T_SubqueryScanState:
        fn(reinterpret_cast<SubqueryScanState *>(ps)->subplan);
        break;
    case T_CustomScanState:
        foreach (lc, reinterpret_cast<CustomScanState *>(ps)->custom_ps)
            fn(static_cast<PlanState *>(lfirst(lc)));
        break;
    default:
        break;
    }
    foreach (lc, ps->subPlan)
        fn(static_cast<SubPlanState *>(lfirst(lc))->planstate);
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
void write_reduced_plan(PlanState *ps, const EState *estate, const RelationNames &names, JsonWriter &out,
                        int max_depth) noexcept;

}  // namespace autopilot
