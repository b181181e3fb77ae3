// Predicate columns of an executed plan (see predicates.hpp).
//
// The plan after set_plan_references is the source: scan quals name base columns directly (varno =
// the scan's range table index), while join clauses, sort and group keys name their inputs'
// outputs (OUTER_VAR / INNER_VAR / INDEX_VAR), which resolve_column follows down the targetlists to a
// base column. A parameterized inner scan of a nested loop compares its column to a PARAM_EXEC the
// loop sets from its outer side: that is a join, not an equality with a constant.
#include "predicates.hpp"

#include <cstring>

extern "C" {
#include "nodes/plannodes.h"
#include "optimizer/optimizer.h"
#include "parser/parsetree.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
}

namespace autopilot {

namespace {

struct Column {
    Oid relid = InvalidOid;
    int attnum = 0;
};

struct Walk {
    const EState *estate;
    const RelationNames *names;
    PredicateSet *out;
    Bitmapset *join_params = nullptr;  // PARAM_EXEC ids a nested loop sets from its outer side
};

Node *strip(Node *n)
{
    for (;;) {
        if (n && IsA(n, RelabelType))
            n = reinterpret_cast<Node *>(reinterpret_cast<RelabelType *>(n)->arg);
        else if (n && IsA(n, FuncExpr) && reinterpret_cast<FuncExpr *>(n)->funcformat == COERCE_IMPLICIT_CAST &&
                 list_length(reinterpret_cast<FuncExpr *>(n)->args) == 1)
            n = static_cast<Node *>(linitial(reinterpret_cast<FuncExpr *>(n)->args));
        else
            return n;
    }
}

PlanState *first_child(PlanState *ps)
{
    if (IsA(ps, AppendState) && reinterpret_cast<AppendState *>(ps)->as_nplans > 0)
        return reinterpret_cast<AppendState *>(ps)->appendplans[0];
    if (IsA(ps, MergeAppendState) && reinterpret_cast<MergeAppendState *>(ps)->ms_nplans > 0)
        return reinterpret_cast<MergeAppendState *>(ps)->mergeplans[0];
    return outerPlanState(ps);
}

bool resolve_column(PlanState *ps, Node *expr, const EState *estate, Column *col, int depth = 0);

// The expression a child produces at 1-based position attno of its targetlist, resolved there.
bool resolve_output(PlanState *child, int attno, const EState *estate, Column *col, int depth)
{
    if (!child || attno < 1 || attno > list_length(child->plan->targetlist))
        return false;
    auto *tle = static_cast<TargetEntry *>(list_nth(child->plan->targetlist, attno - 1));
    return resolve_column(child, reinterpret_cast<Node *>(tle->expr), estate, col, depth + 1);
}

bool resolve_column(PlanState *ps, Node *expr, const EState *estate, Column *col, int depth)
{
    expr = strip(expr);
    if (!expr || !IsA(expr, Var) || depth > 64)
        return false;
    auto *var = reinterpret_cast<Var *>(expr);
    if (var->varno == OUTER_VAR)
        return resolve_output(first_child(ps), var->varattno, estate, col, depth);
    if (var->varno == INNER_VAR)
        return resolve_output(innerPlanState(ps), var->varattno, estate, col, depth);
    if (var->varno == INDEX_VAR) {
        if (!IsA(ps->plan, IndexOnlyScan))
            return false;
        List *tl = reinterpret_cast<IndexOnlyScan *>(ps->plan)->indextlist;
        if (var->varattno < 1 || var->varattno > list_length(tl))
            return false;
        auto *tle = static_cast<TargetEntry *>(list_nth(tl, var->varattno - 1));
        return resolve_column(ps, reinterpret_cast<Node *>(tle->expr), estate, col, depth + 1);
    }
    if (var->varno < 1 || var->varno > list_length(estate->es_range_table) || var->varattno < 1)
        return false;
    RangeTblEntry *rte = rt_fetch(var->varno, estate->es_range_table);
    if (rte->rtekind == RTE_RELATION) {
        col->relid = rte->relid;
        col->attnum = var->varattno;
        return true;
    }
    // A subquery's output column: follow it into the subquery's plan.
    if (rte->rtekind == RTE_SUBQUERY && IsA(ps, SubqueryScanState) &&
        reinterpret_cast<Scan *>(ps->plan)->scanrelid == static_cast<Index>(var->varno))
        return resolve_output(reinterpret_cast<SubqueryScanState *>(ps)->subplan, var->varattno, estate, col,
                              depth);
    // A CTE's output column: follow it into the CTE's plan.
    if (rte->rtekind == RTE_CTE && IsA(ps, CteScanState) &&
        reinterpret_cast<Scan *>(ps->plan)->scanrelid == static_cast<Index>(var->varno))
        return resolve_output(reinterpret_cast<CteScanState *>(ps)->cteplanstate, var->varattno, estate, col,
                              depth);
    return false;
}

const char *kind_of_operator(const char *name)
{
    if (std::strcmp(name, "=") == 0)
        return "eq";
    if (!std::strcmp(name, "<") || !std::strcmp(name, "<=") || !std::strcmp(name, ">") || !std::strcmp(name, ">="))
        return "range";
    if (!std::strcmp(name, "~~") || !std::strcmp(name, "~~*") || !std::strcmp(name, "!~~") ||
        !std::strcmp(name, "!~~*"))
        return "like";
    return nullptr;
}

double relation_tuples(PlanState *scan)
{
    if (!scan)
        return -1;
    switch (nodeTag(scan)) {
    case T_SeqScanState:
    case T_SampleScanState:
    case T_IndexScanState:
    case T_IndexOnlyScanState:
    case T_BitmapHeapScanState:
    case T_TidScanState:
    case T_TidRangeScanState: {
        Relation rel = reinterpret_cast<ScanState *>(scan)->ss_currentRelation;
        return rel ? rel->rd_rel->reltuples : -1;
    }
    default:
        return -1;
    }
}

void add(Walk &w, const Column &col, const char *kind, const char *op, PlanState *scan)
{
    PredicateSet *set = w.out;
    for (int i = 0; i < set->count; i++) {
        const PredicateColumn &p = set->items[i];
        if (p.relid == col.relid && p.attnum == col.attnum && std::strcmp(p.kind, kind) == 0 &&
            ((!p.op && !op) || (p.op && op && std::strcmp(p.op, op) == 0)))
            return;
    }
    const char *column = get_attname(col.relid, static_cast<AttrNumber>(col.attnum), true);
    if (!column)
        return;
    const RelationNames::Entry *rel = w.names->find(col.relid);
    if (set->count == set->capacity) {
        set->capacity = set->capacity ? set->capacity * 2 : 16;
        const Size bytes = sizeof(PredicateColumn) * set->capacity;
        set->items = static_cast<PredicateColumn *>(set->items ? repalloc(set->items, bytes) : palloc(bytes));
    }
    set->items[set->count++] = {col.relid,
                                rel ? rel->schema : get_namespace_name(get_rel_namespace(col.relid)),
                                rel ? rel->name : get_rel_name(col.relid),
                                column,
                                col.attnum,
                                kind,
                                op,
                                scan,
                                relation_tuples(scan)};
}

bool is_join_param(const Walk &w, Node *n)
{
    n = strip(n);
    return n && IsA(n, Param) && reinterpret_cast<Param *>(n)->paramkind == PARAM_EXEC &&
           bms_is_member(reinterpret_cast<Param *>(n)->paramid, w.join_params);
}

// One clause of a qual list; `scan` is the scan node that applies it (null above the scans).
void classify(Walk &w, PlanState *ps, Node *clause, PlanState *scan)
{
    clause = strip(clause);
    if (!clause)
        return;
    if (IsA(clause, BoolExpr)) {
        auto *b = reinterpret_cast<BoolExpr *>(clause);
        if (b->boolop == NOT_EXPR)
            return;
        ListCell *lc;
        foreach (lc, b->args)
            classify(w, ps, static_cast<Node *>(lfirst(lc)), scan);
        return;
    }
    if (IsA(clause, OpExpr) && list_length(reinterpret_cast<OpExpr *>(clause)->args) == 2) {
        auto *op = reinterpret_cast<OpExpr *>(clause);
        Node *l = static_cast<Node *>(linitial(op->args));
        Node *r = static_cast<Node *>(lsecond(op->args));
        Column lc, rc;
        const bool lvar = resolve_column(ps, l, w.estate, &lc);
        const bool rvar = resolve_column(ps, r, w.estate, &rc);
        if (lvar && rvar) {
            char *name = get_opname(op->opno);
            add(w, lc, "join", name, nullptr);
            add(w, rc, "join", name, nullptr);
            return;
        }
        Oid opno = op->opno;
        Column col = lc;
        Node *other = r;
        if (!lvar) {
            if (!rvar)
                return;
            opno = get_commutator(op->opno);  // 5 < x is x > 5
            col = rc;
            other = l;
        }
        if (!OidIsValid(opno))
            return;
        char *name = get_opname(opno);
        if (!name)
            return;
        if (contain_var_clause(other)) {
            // The other side is another input's expression (or a column we cannot follow): a join.
            if (!scan)
                add(w, col, "join", name, nullptr);
            return;
        }
        if (is_join_param(w, other)) {
            add(w, col, "join", name, nullptr);
            return;
        }
        if (const char *kind = kind_of_operator(name))
            add(w, col, kind, name, scan);
        return;
    }
    if (IsA(clause, ScalarArrayOpExpr)) {
        auto *sa = reinterpret_cast<ScalarArrayOpExpr *>(clause);
        Column col;
        if (list_length(sa->args) != 2 || !resolve_column(ps, static_cast<Node *>(linitial(sa->args)), w.estate, &col) ||
            contain_var_clause(static_cast<Node *>(lsecond(sa->args))))
            return;
        char *name = get_opname(sa->opno);
        if (!name)
            return;
        if (sa->useOr && std::strcmp(name, "=") == 0)
            add(w, col, "in", name, scan);
        else if (const char *kind = kind_of_operator(name))
            add(w, col, std::strcmp(kind, "eq") == 0 ? "in" : kind, name, scan);
        return;
    }
    if (IsA(clause, NullTest)) {
        auto *nt = reinterpret_cast<NullTest *>(clause);
        Column col;
        if (resolve_column(ps, reinterpret_cast<Node *>(nt->arg), w.estate, &col))
            add(w, col, "null", nt->nulltesttype == IS_NULL ? "IS NULL" : "IS NOT NULL", scan);
    }
}

void classify_list(Walk &w, PlanState *ps, List *clauses, PlanState *scan)
{
    ListCell *lc;
    foreach (lc, clauses)
        classify(w, ps, static_cast<Node *>(lfirst(lc)), scan);
}

// Sort keys name the node's own targetlist; group keys name its input's.
void add_keys(Walk &w, PlanState *ps, PlanState *keys_of, int n, const AttrNumber *idx, const char *kind,
              const bool *descending)
{
    for (int i = 0; i < n; i++) {
        Column col;
        if (keys_of == ps) {
            if (idx[i] < 1 || idx[i] > list_length(ps->plan->targetlist))
                continue;
            auto *tle = static_cast<TargetEntry *>(list_nth(ps->plan->targetlist, idx[i] - 1));
            if (!resolve_column(ps, reinterpret_cast<Node *>(tle->expr), w.estate, &col))
                continue;
        } else if (!resolve_output(keys_of, idx[i], w.estate, &col, 0)) {
            continue;
        }
        add(w, col, kind, descending ? (descending[i] ? "desc" : "asc") : nullptr, nullptr);
    }
}

// Whether the sort operator is a "greater than" (DESC) one.
void sort_directions(const Sort *sort, bool *descending)
{
    for (int i = 0; i < sort->numCols; i++) {
        char *name = get_opname(sort->sortOperators[i]);
        descending[i] = name && std::strcmp(name, ">") == 0;
    }
}

void walk(Walk &w, PlanState *ps)
{
    Plan *plan = ps->plan;
    switch (nodeTag(plan)) {
    case T_SeqScan:
    case T_SampleScan:
    case T_TidScan:
    case T_TidRangeScan:
    case T_SubqueryScan:
        classify_list(w, ps, plan->qual, ps);
        break;
    case T_IndexScan:
        classify_list(w, ps, reinterpret_cast<IndexScan *>(plan)->indexqualorig, ps);
        classify_list(w, ps, plan->qual, ps);
        break;
    case T_IndexOnlyScan:
        classify_list(w, ps, reinterpret_cast<IndexOnlyScan *>(plan)->indexqual, ps);
        classify_list(w, ps, plan->qual, ps);
        break;
    case T_BitmapHeapScan:
        classify_list(w, ps, reinterpret_cast<BitmapHeapScan *>(plan)->bitmapqualorig, ps);
        classify_list(w, ps, plan->qual, ps);
        break;
    case T_NestLoop: {
        ListCell *lc;
        foreach (lc, reinterpret_cast<NestLoop *>(plan)->nestParams) {
            auto *nlp = static_cast<NestLoopParam *>(lfirst(lc));
            Column col;
            if (resolve_column(ps, reinterpret_cast<Node *>(nlp->paramval), w.estate, &col))
                add(w, col, "join", "=", nullptr);
            w.join_params = bms_add_member(w.join_params, nlp->paramno);
        }
        classify_list(w, ps, reinterpret_cast<Join *>(plan)->joinqual, nullptr);
        classify_list(w, ps, plan->qual, nullptr);
        break;
    }
    case T_HashJoin:
        classify_list(w, ps, reinterpret_cast<HashJoin *>(plan)->hashclauses, nullptr);
        classify_list(w, ps, reinterpret_cast<Join *>(plan)->joinqual, nullptr);
        classify_list(w, ps, plan->qual, nullptr);
        break;
    case T_MergeJoin:
        classify_list(w, ps, reinterpret_cast<MergeJoin *>(plan)->mergeclauses, nullptr);
        classify_list(w, ps, reinterpret_cast<Join *>(plan)->joinqual, nullptr);
        classify_list(w, ps, plan->qual, nullptr);
        break;
    case T_Sort:
    case T_IncrementalSort: {
        auto *sort = reinterpret_cast<Sort *>(plan);
        bool *descending = static_cast<bool *>(palloc0(sizeof(bool) * Max(sort->numCols, 1)));
        sort_directions(sort, descending);
        add_keys(w, ps, ps, sort->numCols, sort->sortColIdx, "sort", descending);
        break;
    }
    case T_Agg: {
        auto *agg = reinterpret_cast<Agg *>(plan);
        add_keys(w, ps, outerPlanState(ps), agg->numCols, agg->grpColIdx, "group", nullptr);
        classify_list(w, ps, plan->qual, nullptr);
        break;
    }
    case T_Group: {
        auto *group = reinterpret_cast<Group *>(plan);
        add_keys(w, ps, outerPlanState(ps), group->numCols, group->grpColIdx, "group", nullptr);
        break;
    }
    default:
        break;
    }
    for_each_child(ps, [&](PlanState *child) { walk(w, child); });
}

// The fraction of the relation the scan returned: for a sequential scan, rows kept over rows read
// (exact); for other scans, rows per loop over the relation's tuples.
double actual_selectivity(const PredicateColumn &p)
{
    const Instrumentation *in = p.scan ? p.scan->instrument : nullptr;
    if (!in)
        return -1;
    const double rows = in->ntuples + in->tuplecount;
    const double loops = in->nloops + ((in->running || in->tuplecount > 0) ? 1 : 0);
    if (loops <= 0)
        return -1;
    if (IsA(p.scan, SeqScanState)) {
        const double read = rows + in->nfiltered1;
        return read > 0 ? rows / read : -1;
    }
    if (p.reltuples <= 0)
        return -1;
    const double s = rows / loops / p.reltuples;
    return s > 1 ? 1 : s;
}

}  // namespace

void extract_predicates(const QueryDesc *query, const RelationNames &names, PredicateSet *out)
{
    if (!query->planstate)
        return;
    Walk w{query->estate, &names, out};
    walk(w, query->planstate);
}

void write_predicates(const PredicateSet &set, JsonWriter &out, bool *truncated) noexcept
{
    out.begin_array();
    for (int i = 0; i < set.count; i++) {
        const PredicateColumn &p = set.items[i];
        const JsonWriter::Mark m = out.mark();
        out.begin_object();
        out.key("schema");
        out.string(p.schema ? p.schema : "");
        out.key("table");
        out.string(p.table ? p.table : "");
        out.key("relid");
        out.integer(p.relid);
        out.key("column");
        out.string(p.column);
        out.key("attnum");
        out.integer(p.attnum);
        out.key("kind");
        out.string(p.kind);
        out.key("op");
        if (p.op)
            out.string(p.op);
        else
            out.null();
        out.key("est_sel");
        if (p.scan && p.reltuples > 0) {
            const double est = p.scan->plan->plan_rows / p.reltuples;
            out.real(est > 1 ? 1 : est);
        } else {
            out.null();
        }
        out.key("act_sel");
        const double act = actual_selectivity(p);
        if (act >= 0)
            out.real(act);
        else
            out.null();
        out.end_object();
        if (out.overflowed()) {
            // Leave room for the closing bracket: drop this entry and the rest.
            out.rollback(m);
            *truncated = true;
            break;
        }
    }
    out.end_array();
}

}  // namespace autopilot
