// Walks a plan tree for the indexes it scans (see plan_indexes.hpp). PostgreSQL 15 has no
// plan_tree_walker; the node types with children besides lefttree/righttree are listed here.
#include "plan_indexes.hpp"

namespace autopilot {

namespace {

void walk(Plan *plan, List **out);

void walk_list(List *plans, List **out)
{
    ListCell *lc;
    foreach (lc, plans)
        walk(static_cast<Plan *>(lfirst(lc)), out);
}

void walk(Plan *plan, List **out)
{
    if (!plan)
        return;
    check_stack_depth();
    Oid oid = InvalidOid;
    switch (nodeTag(plan)) {
    case T_IndexScan:
        oid = reinterpret_cast<IndexScan *>(plan)->indexid;
        break;
    case T_IndexOnlyScan:
        oid = reinterpret_cast<IndexOnlyScan *>(plan)->indexid;
        break;
    case T_BitmapIndexScan:
        oid = reinterpret_cast<BitmapIndexScan *>(plan)->indexid;
        break;
    case T_Append:
        walk_list(reinterpret_cast<Append *>(plan)->appendplans, out);
        break;
    case T_MergeAppend:
        walk_list(reinterpret_cast<MergeAppend *>(plan)->mergeplans, out);
        break;
    case T_BitmapAnd:
        walk_list(reinterpret_cast<BitmapAnd *>(plan)->bitmapplans, out);
        break;
    case T_BitmapOr:
        walk_list(reinterpret_cast<BitmapOr *>(plan)->bitmapplans, out);
        break;
    case T_SubqueryScan:
        walk(reinterpret_cast<SubqueryScan *>(plan)->subplan, out);
        break;
    case T_CustomScan:
        walk_list(reinterpret_cast<CustomScan *>(plan)->custom_plans, out);
        break;
    default:
        break;
    }
    if (OidIsValid(oid))
        *out = list_append_unique_oid(*out, oid);
    walk(plan->lefttree, out);
    walk(plan->righttree, out);
}

}  // namespace

List *plan_index_oids(PlannedStmt *stmt)
{
    List *out = NIL;
    walk(stmt->planTree, &out);
    walk_list(stmt->subplans, &out);
    return out;
}

}  // namespace autopilot
