// Hypothetical indexes (see hypo_index.hpp). Design, after HypoPG's:
// - A CREATE INDEX statement goes through raw_parser and transformIndexStmt (the server's parser and
//   parse analysis) and the checks DefineIndex makes; the result is a HypoIndex in its own context.
// - Each gets a fake OID from the range initdb assigns (12000..16383) that no relation holds: real
//   objects created after initdb always get OIDs >= FirstNormalObjectId, so they never collide.
//   Nothing looks such an OID up in the catalogs: IndexOptInfo.hypothetical keeps the planner's
//   selfuncs and brincostestimate away from it, EXPLAIN asks explain_get_index_name_hook.
// - The planner sees them only inside a scope (a plain EXPLAIN, a what-if call) and only at the
//   scope's own planner level; an ExecutorStart check refuses any plan that would really run one.
// Every hook chains the previous one and does nothing but call it when there is nothing to do.
#include "hypo_index.hpp"

extern "C" {
#include "access/amapi.h"
#include "access/attmap.h"
#include "access/brin.h"
#include "access/hash.h"
#include "access/nbtree.h"
#include "access/reloptions.h"
#include "access/table.h"
#include "access/transam.h"
#include "catalog/catalog.h"
#include "catalog/index.h"
#include "catalog/namespace.h"
#include "catalog/pg_am.h"
#include "catalog/pg_class.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_inherits.h"
#include "partitioning/partdesc.h"
#include "catalog/pg_statistic.h"
#include "catalog/pg_statistic_ext_data.h"
#include "commands/defrem.h"
#include "commands/explain.h"
#include "commands/tablespace.h"
#include "executor/executor.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/optimizer.h"
#include "optimizer/pathnode.h"
#include "optimizer/plancat.h"
#include "optimizer/planner.h"
#include "mb/pg_wchar.h"
#include "parser/parse_utilcmd.h"
#include "parser/parser.h"
#include "rewrite/rewriteManip.h"
#include "statistics/statistics.h"
#include "storage/lmgr.h"
#include "tcop/utility.h"
#include "utils/acl.h"
#include "utils/guc.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/syscache.h"
}

#include "plan_indexes.hpp"

namespace autopilot {

namespace {

MemoryContext state_cxt = nullptr;  // registry lists; each index has its own child context
List *registered = NIL;             // HypoIndex *, hypo_create'd
List *call_indexes = NIL;           // HypoIndex *, of the current what-if call (owned by the caller)
List *hidden = NIL;                 // Oid, real indexes hidden from the planner
int next_id = 1;

// What-if DDL cache: the advisor costs the same candidate indexes over and over, and analysing a
// CREATE INDEX (parser, catalog lookups, statistics) costs as much as planning a small query.
constexpr int kDdlCacheSize = 256;
struct DdlCacheEntry {
    HypoIndex *index;  // nullptr: free slot
    char *ddl;         // in index->cxt
    Oid userid;
    char *search_path; // in index->cxt
    bool stale;        // its table changed: rebuild on next use
    bool in_use;       // part of the running call
    uint64 last_used;
};
DdlCacheEntry ddl_cache[kDdlCacheSize];
uint64 ddl_clock = 0;

int scope_level = -1;   // planner level the current scope started at; -1: no scope
int planner_level = 0;  // nesting of planner() calls while a scope is active

get_relation_info_hook_type prev_get_relation_info = nullptr;
explain_get_index_name_hook_type prev_explain_get_index_name = nullptr;
ProcessUtility_hook_type prev_process_utility = nullptr;
planner_hook_type prev_planner = nullptr;
ExecutorStart_hook_type prev_executor_start = nullptr;

MemoryContext get_state_cxt()
{
    if (!state_cxt)
        state_cxt = AllocSetContextCreate(TopMemoryContext, "autopilot hypothetical indexes", ALLOCSET_SMALL_SIZES);
    return state_cxt;
}

bool any_hypothetical() { return registered != NIL || call_indexes != NIL; }

// Does any active hypothetical index sit on a partitioned table? Then leaf partitions inherit it.
bool any_on_partitioned(List *indexes)
{
    ListCell *lc;
    foreach (lc, indexes) {
        auto *idx = static_cast<HypoIndex *>(lfirst(lc));
        if (idx->partitioned && idx->enabled)
            return true;
    }
    return false;
}

bool cached_oid(Oid oid)
{
    for (const DdlCacheEntry &e : ddl_cache)
        if (e.index && e.index->oid == oid)
            return true;
    return false;
}

void ddl_cache_invalidate(Datum, Oid relid)
{
    for (DdlCacheEntry &e : ddl_cache)
        if (e.index && (relid == InvalidOid || e.index->relid == relid))
            e.stale = true;
}

// The highest free OID below FirstNormalObjectId: what-if calls reuse the same few OIDs, whose
// "no such relation" answers stay in the syscache, so allocating costs no catalog access.
Oid allocate_fake_oid()
{
    for (Oid candidate = FirstNormalObjectId - 1; candidate >= FirstUnpinnedObjectId; --candidate) {
        if (hypo_lookup_oid(candidate) || cached_oid(candidate) || SearchSysCacheExists1(RELOID, ObjectIdGetDatum(candidate)))
            continue;
        return candidate;
    }
    ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED), errmsg("too many hypothetical indexes in this session"),
                    errhint("Drop some with autopilot.hypo_drop() or autopilot.hypo_reset().")));
    return InvalidOid;
}

// A one-relation PlannerInfo, as the planner builds it, to ask the planner's own estimates (row
// count of a never-analysed table, selectivity of a partial index's predicate).
RelOptInfo *base_rel(Oid relid, PlannerInfo **root_out)
{
    Query *parse = makeNode(Query);
    parse->commandType = CMD_SELECT;
    RangeTblEntry *rte = makeNode(RangeTblEntry);
    rte->rtekind = RTE_RELATION;
    rte->relid = relid;
    rte->relkind = get_rel_relkind(relid);
    rte->inh = rte->relkind == RELKIND_PARTITIONED_TABLE;  // so selectivities use the tree's statistics
    rte->rellockmode = AccessShareLock;
    rte->inFromCl = true;
    parse->rtable = list_make1(rte);
    PlannerInfo *root = makeNode(PlannerInfo);
    root->parse = parse;
    root->glob = makeNode(PlannerGlobal);
    root->query_level = 1;
    root->planner_cxt = CurrentMemoryContext;
    root->wt_param_id = -1;
    setup_simple_rel_arrays(root);
    RelOptInfo *rel = build_simple_rel(root, 1, nullptr);
    // A partitioned table's partition descriptor holds relcache references until released.
    if (root->glob->partition_directory) {
        DestroyPartitionDirectory(root->glob->partition_directory);
        root->glob->partition_directory = nullptr;
    }
    if (root_out)
        *root_out = root;
    return rel;
}

[[noreturn]] void refuse(int code, const char *msg, const char *hint = nullptr)
{
    ereport(ERROR, (errcode(code), errmsg("%s", msg), hint ? errhint("%s", hint) : 0));
    pg_unreachable();
}

void check_immutable(Expr *expr, const char *what)
{
    // As DefineIndex's CheckMutability: judge the expression after the planner's simplification.
    Expr *planned = expression_planner(static_cast<Expr *>(copyObjectImpl(expr)));
    if (contain_mutable_functions(reinterpret_cast<Node *>(planned)))
        ereport(ERROR, (errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
                        errmsg("functions in index %s must be marked IMMUTABLE", what)));
}

// The one table column an expression reads (lower(name) reads name), or 0. Such an expression has
// about that column's NULLs and at most its distinct values, and, for a result of the same kind
// (string from string), about its width.
AttrNumber single_column(Node *expr)
{
    List *vars = pull_var_clause(expr, 0);
    AttrNumber attnum = 0;
    if (list_length(vars) == 1)
        attnum = static_cast<Var *>(linitial(vars))->varattno;
    list_free(vars);
    return attnum > 0 ? attnum : 0;
}

void fill_layout(ColumnLayout *c, double *stadistinct, Oid relid, AttrNumber attnum, Oid type, Node *expr)
{
    int16 typlen;
    bool byval;
    char align;
    get_typlenbyvalalign(type, &typlen, &byval, &align);
    c->typlen = typlen;
    c->typalign = align;
    c->packable = typlen == -1 && get_typstorage(type) != TYPSTORAGE_PLAIN;
    c->avg_width = typlen > 0 ? typlen : 0;
    c->null_frac = 0;
    *stadistinct = 0;
    AttrNumber source = attnum > 0 ? attnum : single_column(expr);
    if (source > 0) {
        // A partitioned table has statistics of the whole tree only (stainherit).
        const bool inherited = get_rel_relkind(relid) == RELKIND_PARTITIONED_TABLE;
        HeapTuple tup = SearchSysCache3(STATRELATTINH, ObjectIdGetDatum(relid), Int16GetDatum(source), BoolGetDatum(inherited));
        if (HeapTupleIsValid(tup)) {
            auto *st = reinterpret_cast<Form_pg_statistic>(GETSTRUCT(tup));
            bool same_kind = attnum > 0 || (get_typlen(get_atttype(relid, source)) < 0) == (typlen < 0);
            if (typlen < 0 && st->stawidth > 0 && same_kind)
                c->avg_width = st->stawidth;
            c->null_frac = st->stanullfrac;
            *stadistinct = st->stadistinct;
            ReleaseSysCache(tup);
        }
    }
    if (c->avg_width <= 0)
        c->avg_width = attnum > 0 ? get_typavgwidth(type, -1) : get_typavgwidth(exprType(expr), exprTypmod(expr));
}

// Distinct key combinations of a multi-column index from extended statistics (CREATE STATISTICS
// ... (ndistinct)), the one source that knows correlated columns; 0 when there are none.
double extended_ndistinct(Relation rel, const HypoIndex *idx)
{
    if (idx->nkeycolumns < 2)
        return 0;
    for (int i = 0; i < idx->nkeycolumns; ++i)
        if (idx->indexkeys[i] == 0)
            return 0;
    List *stats = RelationGetStatExtList(rel);
    ListCell *lc;
    foreach (lc, stats) {
        Oid stxoid = lfirst_oid(lc);
        HeapTuple tup = SearchSysCache2(STATEXTDATASTXOID, ObjectIdGetDatum(stxoid), BoolGetDatum(false));
        if (!HeapTupleIsValid(tup))
            continue;
        bool isnull;
        (void) SysCacheGetAttr(STATEXTDATASTXOID, tup, Anum_pg_statistic_ext_data_stxdndistinct, &isnull);
        ReleaseSysCache(tup);
        if (isnull)
            continue;
        MVNDistinct *nd = statext_ndistinct_load(stxoid, false);
        for (uint32 k = 0; k < nd->nitems; ++k) {
            const MVNDistinctItem &item = nd->items[k];
            if (item.nattributes != idx->nkeycolumns)
                continue;
            int found = 0;
            for (int i = 0; i < idx->nkeycolumns; ++i)
                for (int j = 0; j < item.nattributes; ++j)
                    found += item.attributes[j] == idx->indexkeys[i];
            if (found == idx->nkeycolumns)
                return item.ndistinct;
        }
    }
    return 0;
}

// B-tree deduplication needs every key column's opclass to say "equality is image equality"
// (_bt_allequalimage), no INCLUDE columns, and a non-unique index with deduplicate_items on.
bool btree_can_deduplicate(const HypoIndex *idx)
{
    for (int i = 0; i < idx->nkeycolumns; ++i) {
        Oid proc = get_opfamily_proc(idx->opfamily[i], idx->opcintype[i], idx->opcintype[i], BTEQUALIMAGE_PROC);
        if (!OidIsValid(proc) ||
            !DatumGetBool(OidFunctionCall1Coll(proc, idx->indexcollations[i], ObjectIdGetDatum(idx->opcintype[i]))))
            return false;
    }
    return true;
}

void make_name(HypoIndex *idx, const char *given, const char *prefix, int number, Relation rel, List *params)
{
    if (given) {
        strlcpy(idx->name, given, NAMEDATALEN);
        return;
    }
    StringInfoData buf;
    initStringInfo(&buf);
    appendStringInfo(&buf, "%s%d_%s_%s", prefix, number, RelationGetRelationName(rel), get_am_name(idx->relam));
    ListCell *lc;
    foreach (lc, params) {
        auto *elem = static_cast<IndexElem *>(lfirst(lc));
        appendStringInfo(&buf, "_%s", elem->name ? elem->name : "expr");
    }
    int len = pg_mbcliplen(buf.data, buf.len, NAMEDATALEN - 1);
    memcpy(idx->name, buf.data, len);
    idx->name[len] = '\0';
    pfree(buf.data);
}

void check_relation(Relation rel)
{
    const char *name = RelationGetRelationName(rel);
    char relkind = rel->rd_rel->relkind;
    if (relkind != RELKIND_RELATION && relkind != RELKIND_MATVIEW && relkind != RELKIND_PARTITIONED_TABLE)
        ereport(ERROR, (errcode(ERRCODE_WRONG_OBJECT_TYPE), errmsg("\"%s\" is not a table or materialized view", name)));
    if (IsSystemRelation(rel))
        ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                        errmsg("cannot create a hypothetical index on system catalog \"%s\"", name)));
    if (RELATION_IS_OTHER_TEMP(rel))
        ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                        errmsg("cannot create a hypothetical index on temporary tables of other sessions")));
    AclResult acl = pg_class_aclcheck(RelationGetRelid(rel), GetUserId(), ACL_SELECT);
    if (acl != ACLCHECK_OK)
        aclcheck_error(acl, get_relkind_objtype(relkind), name);
}

IndexSizeEstimate estimate_on_partition(const HypoIndex *idx, Oid leaf, double tuples, double pages);

// An index's column or expression of its own table, as a column or expression of `relation`:
// `map` (attno of the index's table -> attno of relation, nullptr when they are the same table)
// translates a partitioned table's index to one of its partitions, as DefineIndex does.
AttrNumber map_key(const AttrMap *map, AttrNumber key)
{
    if (!map || key <= 0)
        return key;
    return key <= map->maplen ? map->attnums[key - 1] : 0;
}

List *map_exprs(const List *exprs, const AttrMap *map, Index varno, bool *ok)
{
    auto *out = static_cast<List *>(copyObjectImpl(exprs));
    if (out && map) {
        bool whole_row = false;
        out = reinterpret_cast<List *>(map_variable_attnos(reinterpret_cast<Node *>(out), 1, 0, map, InvalidOid, &whole_row));
        if (whole_row)
            *ok = false;
    }
    if (out && varno != 1)
        ChangeVarNodes(reinterpret_cast<Node *>(out), 1, varno, 0);
    return out;
}

// The IndexOptInfo the planner would build for the real index (plancat.c, get_relation_info).
IndexOptInfo *make_index_info(PlannerInfo *root, RelOptInfo *rel, Relation relation, const HypoIndex *idx,
                              const AttrMap *map)
{
    TupleDesc desc = RelationGetDescr(relation);
    for (int i = 0; i < idx->ncolumns; ++i) {
        AttrNumber key = map_key(map, idx->indexkeys[i]);
        if (key > desc->natts || (idx->indexkeys[i] > 0 && key == 0) || (key > 0 && TupleDescAttr(desc, key - 1)->attisdropped))
            return nullptr;  // the table changed under the hypothetical index: it no longer applies
    }
    bool ok = true;
    List *indexprs = map_exprs(idx->indexprs, map, rel->relid, &ok);
    List *indpred = map_exprs(idx->indpred, map, rel->relid, &ok);
    if (!ok)
        return nullptr;
    IndexAmRoutine *am = GetIndexAmRoutineByAmId(idx->relam, false);
    IndexOptInfo *info = makeNode(IndexOptInfo);
    const int n = idx->ncolumns, nk = idx->nkeycolumns;
    info->indexoid = idx->oid;
    info->reltablespace = idx->reltablespace;
    info->rel = rel;
    info->ncolumns = n;
    info->nkeycolumns = nk;
    info->indexkeys = static_cast<int *>(palloc(sizeof(int) * n));
    info->canreturn = static_cast<bool *>(palloc(sizeof(bool) * n));
    info->opclassoptions = static_cast<bytea **>(palloc0(sizeof(bytea *) * n));
    for (int i = 0; i < n; ++i) {
        info->indexkeys[i] = map_key(map, idx->indexkeys[i]);
        info->canreturn[i] = idx->relam == BTREE_AM_OID;  // btcanreturn: always; hash, brin: never
    }
    info->indexcollations = static_cast<Oid *>(palloc(sizeof(Oid) * nk));
    info->opfamily = static_cast<Oid *>(palloc(sizeof(Oid) * nk));
    info->opcintype = static_cast<Oid *>(palloc(sizeof(Oid) * nk));
    memcpy(info->indexcollations, idx->indexcollations, sizeof(Oid) * nk);
    memcpy(info->opfamily, idx->opfamily, sizeof(Oid) * nk);
    memcpy(info->opcintype, idx->opcintype, sizeof(Oid) * nk);
    info->relam = idx->relam;
    info->amcanorderbyop = am->amcanorderbyop;
    info->amoptionalkey = am->amoptionalkey;
    info->amsearcharray = am->amsearcharray;
    info->amsearchnulls = am->amsearchnulls;
    info->amcanparallel = am->amcanparallel;
    info->amhasgettuple = am->amgettuple != nullptr;
    info->amhasgetbitmap = am->amgetbitmap != nullptr && relation->rd_tableam->scan_bitmap_next_block != nullptr;
    info->amcanmarkpos = am->ammarkpos != nullptr && am->amrestrpos != nullptr;
    info->amcostestimate = reinterpret_cast<void (*)()>(am->amcostestimate);
    if (idx->relam == BTREE_AM_OID) {
        info->sortopfamily = info->opfamily;
        info->reverse_sort = static_cast<bool *>(palloc(sizeof(bool) * nk));
        info->nulls_first = static_cast<bool *>(palloc(sizeof(bool) * nk));
        memcpy(info->reverse_sort, idx->reverse_sort, sizeof(bool) * nk);
        memcpy(info->nulls_first, idx->nulls_first, sizeof(bool) * nk);
    }
    info->indexprs = indexprs;
    info->indpred = indpred;
    ListCell *expr = list_head(info->indexprs);
    for (int i = 0; i < n; ++i) {
        Expr *e;
        if (info->indexkeys[i] != 0) {
            Form_pg_attribute att = TupleDescAttr(desc, info->indexkeys[i] - 1);
            e = reinterpret_cast<Expr *>(
                makeVar(rel->relid, info->indexkeys[i], att->atttypid, att->atttypmod, att->attcollation, 0));
        } else {
            e = static_cast<Expr *>(lfirst(expr));
            expr = lnext(info->indexprs, expr);
        }
        info->indextlist = lappend(info->indextlist, makeTargetEntry(e, i + 1, nullptr, false));
    }
    info->unique = idx->unique;
    info->immediate = true;
    info->hypothetical = true;
    IndexSizeEstimate est = map ? estimate_on_partition(idx, RelationGetRelid(relation), rel->tuples, rel->pages)
                                : hypo_estimate(idx, rel->tuples, rel->pages);
    info->pages = static_cast<BlockNumber>(est.pages);
    info->tuples = idx->indpred ? Min(rel->tuples, clamp_row_est(rel->tuples * idx->pred_selectivity)) : rel->tuples;
    info->tree_height = idx->relam == BTREE_AM_OID ? est.tree_height : -1;
    (void) root;
    return info;
}

// Adds the indexes of `indexes` defined on table `owner` to `rel` (the planner's relation
// `relid`): owner is relid itself, or a partitioned ancestor of it whose index the partition
// would carry (attributes mapped by name, as CREATE INDEX on a partitioned table does).
void inject(PlannerInfo *root, Oid relid, Oid owner, RelOptInfo *rel, List *indexes, Relation *relation)
{
    ListCell *lc;
    Relation owner_rel = nullptr;
    AttrMap *map = nullptr;
    foreach (lc, indexes) {
        auto *idx = static_cast<HypoIndex *>(lfirst(lc));
        if (idx->relid != owner || !idx->enabled)
            continue;
        if (!*relation)
            *relation = table_open(relid, NoLock);  // the planner holds a lock already
        if (owner != relid && !owner_rel) {
            owner_rel = table_open(owner, NoLock);  // locked by the planner as the partition's ancestor
            map = build_attrmap_by_name(RelationGetDescr(*relation), RelationGetDescr(owner_rel));
        }
        if (IndexOptInfo *info = make_index_info(root, rel, *relation, idx, map))
            rel->indexlist = lcons(info, rel->indexlist);
    }
    if (map)
        free_attrmap(map);
    if (owner_rel)
        table_close(owner_rel, NoLock);
}

// A partition's hypothetical indexes from its partitioned ancestors: the planner expands a
// partitioned table into its partitions, each an "other member" relation with an AppendRelInfo.
void inject_inherited(PlannerInfo *root, Oid relid, RelOptInfo *rel, Relation *relation)
{
    if (!any_on_partitioned(registered) && !any_on_partitioned(call_indexes))
        return;
    if (!root->append_rel_array || !root->simple_rte_array)
        return;
    // The planner stores each child's AppendRelInfo before it builds the child's RelOptInfo.
    for (Index child = rel->relid; child < static_cast<Index>(root->simple_rel_array_size) && root->append_rel_array[child];) {
        Index parent = root->append_rel_array[child]->parent_relid;
        RangeTblEntry *rte = root->simple_rte_array[parent];
        if (!rte || rte->rtekind != RTE_RELATION || rte->relkind != RELKIND_PARTITIONED_TABLE)
            break;
        inject(root, relid, rte->relid, rel, registered, relation);
        inject(root, relid, rte->relid, rel, call_indexes, relation);
        child = parent;
    }
}

void hypo_get_relation_info(PlannerInfo *root, Oid relid, bool inhparent, RelOptInfo *rel)
{
    if (prev_get_relation_info)
        prev_get_relation_info(root, relid, inhparent, rel);
    if (hidden != NIL && rel->indexlist != NIL) {
        ListCell *lc;
        foreach (lc, rel->indexlist) {
            auto *info = static_cast<IndexOptInfo *>(lfirst(lc));
            if (list_member_oid(hidden, info->indexoid))
                rel->indexlist = foreach_delete_current(rel->indexlist, lc);
        }
    }
    if (scope_level < 0 || planner_level != scope_level + 1 || inhparent || !any_hypothetical())
        return;
    Relation relation = nullptr;
    inject(root, relid, relid, rel, registered, &relation);
    inject(root, relid, relid, rel, call_indexes, &relation);
    inject_inherited(root, relid, rel, &relation);
    if (relation)
        table_close(relation, NoLock);
}

const char *hypo_explain_index_name(Oid indexoid)
{
    if (const HypoIndex *idx = hypo_lookup_oid(indexoid))
        return idx->name;
    return prev_explain_get_index_name ? prev_explain_get_index_name(indexoid) : nullptr;
}

// A plain EXPLAIN (no ANALYZE) of anything but EXECUTE: the planner may use hypothetical indexes.
// EXPLAIN EXECUTE is excluded because the plan it makes would stay in the prepared statement.
bool is_plain_explain(Node *parsetree)
{
    if (!IsA(parsetree, ExplainStmt))
        return false;
    auto *stmt = reinterpret_cast<ExplainStmt *>(parsetree);
    ListCell *lc;
    foreach (lc, stmt->options) {
        auto *opt = static_cast<DefElem *>(lfirst(lc));
        if (strcmp(opt->defname, "analyze") == 0 && defGetBoolean(opt))
            return false;
    }
    if (IsA(stmt->query, Query)) {
        auto *q = reinterpret_cast<Query *>(stmt->query);
        if (q->commandType == CMD_UTILITY && q->utilityStmt && IsA(q->utilityStmt, ExecuteStmt))
            return false;
    }
    return true;
}

void hypo_process_utility(PlannedStmt *pstmt, const char *query, bool read_only_tree, ProcessUtilityContext context,
                          ParamListInfo params, QueryEnvironment *env, DestReceiver *dest, QueryCompletion *qc)
{
    auto next = prev_process_utility ? prev_process_utility : standard_ProcessUtility;
    if (!any_hypothetical() || !is_plain_explain(pstmt->utilityStmt)) {
        next(pstmt, query, read_only_tree, context, params, env, dest, qc);
        return;
    }
    int saved = hypo_scope_enter();
    PG_TRY();
    {
        next(pstmt, query, read_only_tree, context, params, env, dest, qc);
    }
    PG_FINALLY();
    {
        hypo_scope_leave(saved);
    }
    PG_END_TRY();
}

PlannedStmt *hypo_planner(Query *parse, const char *query, int options, ParamListInfo params)
{
    auto next = prev_planner ? prev_planner : standard_planner;
    if (scope_level < 0)
        return next(parse, query, options, params);
    PlannedStmt *result;
    ++planner_level;
    PG_TRY();
    {
        result = next(parse, query, options, params);
    }
    PG_FINALLY();
    {
        --planner_level;
    }
    PG_END_TRY();
    return result;
}

// Defence in depth: whatever path a plan took, one that uses a hypothetical index never runs.
void hypo_executor_start(QueryDesc *desc, int eflags)
{
    if (any_hypothetical() && !(eflags & EXEC_FLAG_EXPLAIN_ONLY)) {
        List *oids = plan_index_oids(desc->plannedstmt);
        ListCell *lc;
        foreach (lc, oids) {
            if (const HypoIndex *idx = hypo_lookup_oid(lfirst_oid(lc)))
                ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                                errmsg("cannot execute a plan that uses hypothetical index \"%s\"", idx->name),
                                errhint("Use plain EXPLAIN or autopilot.whatif() to see such plans.")));
        }
        list_free(oids);
    }
    if (prev_executor_start)
        prev_executor_start(desc, eflags);
    else
        standard_ExecutorStart(desc, eflags);
}

const HypoIndex *find_in(List *list, Oid oid)
{
    ListCell *lc;
    foreach (lc, list) {
        auto *idx = static_cast<HypoIndex *>(lfirst(lc));
        if (idx->oid == oid)
            return idx;
    }
    return nullptr;
}

void internal_position(void *arg)
{
    int pos = geterrposition();
    if (pos > 0) {
        errposition(0);
        internalerrposition(pos);
        internalerrquery(static_cast<const char *>(arg));
    }
}

}  // namespace

void error_position_push(ErrorContextCallback *callback, const char *text)
{
    callback->callback = internal_position;
    callback->arg = const_cast<char *>(text);
    callback->previous = error_context_stack;
    error_context_stack = callback;
}

void error_position_pop(ErrorContextCallback *callback) { error_context_stack = callback->previous; }

void hypo_init()
{
    prev_get_relation_info = get_relation_info_hook;
    get_relation_info_hook = hypo_get_relation_info;
    prev_explain_get_index_name = explain_get_index_name_hook;
    explain_get_index_name_hook = hypo_explain_index_name;
    prev_process_utility = ProcessUtility_hook;
    ProcessUtility_hook = hypo_process_utility;
    prev_planner = planner_hook;
    planner_hook = hypo_planner;
    prev_executor_start = ExecutorStart_hook;
    ExecutorStart_hook = hypo_executor_start;
    CacheRegisterRelcacheCallback(ddl_cache_invalidate, Datum(0));
}

HypoIndex *hypo_index_for_call(const char *ddl, int position, bool *cached)
{
    const char *path = namespace_search_path ? namespace_search_path : "";
    Oid user = GetUserId();
    DdlCacheEntry *hit = nullptr, *victim = nullptr;
    for (DdlCacheEntry &e : ddl_cache) {
        if (e.index && !e.in_use && e.stale) {
            hypo_index_free(e.index);
            e.index = nullptr;
        }
        if (e.index && !e.in_use && e.userid == user && strcmp(e.ddl, ddl) == 0 && strcmp(e.search_path, path) == 0)
            hit = &e;
        if (!e.index)
            victim = victim && !victim->index ? victim : &e;
        else if (!e.in_use && (!victim || (victim->index && e.last_used < victim->last_used)))
            victim = &e;
    }
    if (hit) {
        // Lock as building would; taking the lock processes pending invalidations, which may
        // show the table changed since the entry was built.
        LockRelationOid(hit->index->relid, AccessShareLock);
        if (hit->stale) {
            hypo_index_free(hit->index);
            hit->index = nullptr;
            victim = hit;
            hit = nullptr;
        }
    }
    HypoIndex *idx;
    if (hit) {
        idx = hit->index;
        // Same text, same user, but privileges may have changed: check as building would.
        AclResult acl = pg_class_aclcheck(idx->relid, user, ACL_SELECT);
        if (acl != ACLCHECK_OK)
            aclcheck_error(acl, get_relkind_objtype(get_rel_relkind(idx->relid)), get_rel_name(idx->relid));
    } else {
        idx = hypo_index_build(ddl, "whatif", position);
        if (victim) {
            if (victim->index)
                hypo_index_free(victim->index);
            MemoryContextSetParent(idx->cxt, get_state_cxt());
            victim->index = idx;
            victim->ddl = MemoryContextStrdup(idx->cxt, ddl);
            victim->search_path = MemoryContextStrdup(idx->cxt, path);
            victim->userid = user;
            victim->stale = false;
            hit = victim;
        }
    }
    if (hit) {
        hit->in_use = true;
        hit->last_used = ++ddl_clock;
    }
    *cached = hit != nullptr;
    idx->position = position;
    idx->enabled = true;
    // A generated name says which position of this call it came from.
    if (hit && strncmp(idx->name, "whatif", 6) == 0) {
        const char *rest = strchr(idx->name, '_');
        char name[NAMEDATALEN];
        snprintf(name, sizeof name, "whatif%d%s", position, rest ? rest : "");
        strlcpy(idx->name, name, NAMEDATALEN);
    }
    return idx;
}

void hypo_cache_release(HypoIndex *idx)
{
    for (DdlCacheEntry &e : ddl_cache)
        if (e.index == idx)
            e.in_use = false;
}

HypoIndex *hypo_index_build(const char *ddl, const char *prefix, int number)
{
    ErrorContextCallback position;
    error_position_push(&position, ddl);
    List *raw = raw_parser(ddl, RAW_PARSE_DEFAULT);
    if (raw == NIL)
        refuse(ERRCODE_INVALID_PARAMETER_VALUE, "index definition is empty", "Pass one CREATE INDEX statement.");
    if (list_length(raw) > 1)
        refuse(ERRCODE_INVALID_PARAMETER_VALUE, "index definition must be a single CREATE INDEX statement");
    Node *parsed = linitial_node(RawStmt, raw)->stmt;
    if (!IsA(parsed, IndexStmt))
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("index definition is not a CREATE INDEX statement"),
                        errdetail("The statement is %s.", CreateCommandName(parsed))));
    auto *stmt = reinterpret_cast<IndexStmt *>(parsed);
    if (stmt->if_not_exists)
        refuse(ERRCODE_FEATURE_NOT_SUPPORTED, "IF NOT EXISTS is not supported for hypothetical indexes",
               "A hypothetical index never conflicts with another index; remove IF NOT EXISTS.");

    const char *amname = stmt->accessMethod ? stmt->accessMethod : DEFAULT_INDEX_TYPE;
    Oid amoid = get_index_am_oid(amname, false);
    if (amoid != BTREE_AM_OID && amoid != HASH_AM_OID && amoid != BRIN_AM_OID)
        ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                        errmsg("access method \"%s\" is not supported for hypothetical indexes", amname),
                        errhint("Hypothetical indexes can be btree, hash or brin.")));
    IndexAmRoutine *am = GetIndexAmRoutineByAmId(amoid, false);

    Oid relid = RangeVarGetRelidExtended(stmt->relation, AccessShareLock, 0, nullptr, nullptr);
    Relation rel = table_open(relid, NoLock);
    check_relation(rel);
    const bool partitioned = rel->rd_rel->relkind == RELKIND_PARTITIONED_TABLE;
    if (partitioned && stmt->unique)
        refuse(ERRCODE_FEATURE_NOT_SUPPORTED, "hypothetical unique indexes on partitioned tables are not supported",
               "A unique index on a partitioned table must contain the partition key; cost a non-unique one.");
    stmt = transformIndexStmt(relid, stmt, ddl);

    const int nkey = list_length(stmt->indexParams);
    const int n = nkey + list_length(stmt->indexIncludingParams);
    if (n > INDEX_MAX_KEYS)
        ereport(ERROR, (errcode(ERRCODE_TOO_MANY_COLUMNS), errmsg("cannot use more than %d columns in an index", INDEX_MAX_KEYS)));
    if (nkey > 1 && !am->amcanmulticol)
        ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED), errmsg("access method \"%s\" does not support multicolumn indexes", amname)));
    if (n > nkey && !am->amcaninclude)
        ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED), errmsg("access method \"%s\" does not support included columns", amname)));
    if (stmt->unique && !am->amcanunique)
        ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED), errmsg("access method \"%s\" does not support unique indexes", amname)));

    // Options are validated by the access method itself, as CREATE INDEX does.
    Datum reloptions = transformRelOptions(Datum(0), stmt->options, nullptr, nullptr, false, false);
    bytea *opts = index_reloptions(am->amoptions, reloptions, true);

    MemoryContext cxt = AllocSetContextCreate(CurrentMemoryContext, "autopilot hypothetical index", ALLOCSET_SMALL_SIZES);
    MemoryContext old = MemoryContextSwitchTo(cxt);
    auto *idx = static_cast<HypoIndex *>(palloc0(sizeof(HypoIndex)));
    idx->cxt = cxt;
    idx->enabled = true;
    idx->relid = relid;
    idx->partitioned = partitioned;
    idx->relam = amoid;
    idx->reltablespace = stmt->tableSpace ? get_tablespace_oid(stmt->tableSpace, false) : InvalidOid;
    idx->ddl = pstrdup(ddl);
    idx->ncolumns = n;
    idx->nkeycolumns = nkey;
    idx->unique = stmt->unique;
    idx->indexkeys = static_cast<AttrNumber *>(palloc0(sizeof(AttrNumber) * n));
    idx->indexcollations = static_cast<Oid *>(palloc0(sizeof(Oid) * nkey));
    idx->opfamily = static_cast<Oid *>(palloc0(sizeof(Oid) * nkey));
    idx->opcintype = static_cast<Oid *>(palloc0(sizeof(Oid) * nkey));
    idx->reverse_sort = static_cast<bool *>(palloc0(sizeof(bool) * nkey));
    idx->nulls_first = static_cast<bool *>(palloc0(sizeof(bool) * nkey));
    idx->layout = static_cast<ColumnLayout *>(palloc0(sizeof(ColumnLayout) * n));
    idx->stadistinct = static_cast<double *>(palloc0(sizeof(double) * n));
    idx->pred_selectivity = 1;
    MemoryContextSwitchTo(old);

    List *params = list_concat_copy(stmt->indexParams, stmt->indexIncludingParams);
    TupleDesc desc = RelationGetDescr(rel);
    List *exprs = NIL;
    int i = 0;
    ListCell *lc;
    foreach (lc, params) {
        auto *elem = static_cast<IndexElem *>(lfirst(lc));
        const bool is_key = i < nkey;
        AttrNumber attnum = 0;
        Oid type, collation;
        Node *expr = elem->expr;
        if (expr && IsA(expr, Var) && reinterpret_cast<Var *>(expr)->varattno > 0) {
            attnum = reinterpret_cast<Var *>(expr)->varattno;  // (col) is a plain column, as in DefineIndex
            expr = nullptr;
        } else if (elem->name) {
            attnum = get_attnum(relid, elem->name);
            if (attnum == InvalidAttrNumber)
                ereport(ERROR, (errcode(ERRCODE_UNDEFINED_COLUMN), errmsg("column \"%s\" does not exist", elem->name)));
        }
        if (attnum < 0)
            refuse(ERRCODE_FEATURE_NOT_SUPPORTED, "index creation on system columns is not supported");
        if (attnum > 0) {
            Form_pg_attribute att = TupleDescAttr(desc, attnum - 1);
            type = att->atttypid;
            collation = att->attcollation;
        } else {
            if (!is_key)
                refuse(ERRCODE_FEATURE_NOT_SUPPORTED, "expressions are not supported in included columns");
            check_immutable(reinterpret_cast<Expr *>(expr), "expression");
            type = exprType(expr);
            collation = exprCollation(expr);
            exprs = lappend(exprs, expr);
        }
        if (!is_key) {
            if (elem->collation || elem->opclass || elem->ordering != SORTBY_DEFAULT || elem->nulls_ordering != SORTBY_NULLS_DEFAULT)
                refuse(ERRCODE_INVALID_OBJECT_DEFINITION, "included columns take no collation, operator class or ordering");
        } else {
            if (elem->collation)
                collation = get_collation_oid(elem->collation, false);
            if (OidIsValid(collation) && !type_is_collatable(type))
                ereport(ERROR, (errcode(ERRCODE_DATATYPE_MISMATCH), errmsg("collations are not supported by type %s", format_type_be(type))));
            if (!OidIsValid(collation) && type_is_collatable(type))
                refuse(ERRCODE_INDETERMINATE_COLLATION, "could not determine which collation to use for index expression",
                       "Use the COLLATE clause to set the collation explicitly.");
            if (elem->opclassopts)
                refuse(ERRCODE_FEATURE_NOT_SUPPORTED, "operator class options are not supported for hypothetical indexes");
            if (!am->amcanorder && elem->ordering != SORTBY_DEFAULT)
                ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED), errmsg("access method \"%s\" does not support ASC/DESC options", amname)));
            if (!am->amcanorder && elem->nulls_ordering != SORTBY_NULLS_DEFAULT)
                ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED), errmsg("access method \"%s\" does not support NULLS FIRST/LAST options", amname)));
            Oid opclass = ResolveOpClass(elem->opclass, type, amname, amoid);
            idx->opfamily[i] = get_opclass_family(opclass);
            idx->opcintype[i] = get_opclass_input_type(opclass);
            idx->indexcollations[i] = collation;
            idx->reverse_sort[i] = elem->ordering == SORTBY_DESC;
            idx->nulls_first[i] = elem->nulls_ordering == SORTBY_NULLS_DEFAULT ? idx->reverse_sort[i]
                                                                                : elem->nulls_ordering == SORTBY_NULLS_FIRST;
        }
        idx->indexkeys[i] = attnum;
        fill_layout(&idx->layout[i], &idx->stadistinct[i], relid, attnum, type, expr);
        ++i;
    }

    // Normalised as RelationGetIndexExpressions/RelationGetIndexPredicate normalise them.
    List *pred = NIL;
    if (stmt->whereClause) {
        check_immutable(reinterpret_cast<Expr *>(stmt->whereClause), "predicate");
        Node *p = eval_const_expressions(nullptr, stmt->whereClause);
        p = reinterpret_cast<Node *>(canonicalize_qual(reinterpret_cast<Expr *>(p), false));
        pred = make_ands_implicit(reinterpret_cast<Expr *>(p));
        fix_opfuncids(reinterpret_cast<Node *>(pred));
        PlannerInfo *root;
        base_rel(relid, &root);
        idx->pred_selectivity = clauselist_selectivity(root, pred, 1, JOIN_INNER, nullptr);
    }
    if (exprs) {
        exprs = reinterpret_cast<List *>(eval_const_expressions(nullptr, reinterpret_cast<Node *>(exprs)));
        fix_opfuncids(reinterpret_cast<Node *>(exprs));
    }

    switch (amoid) {
    case BTREE_AM_OID: {
        auto *bt = reinterpret_cast<BTOptions *>(opts);
        idx->fillfactor = bt ? bt->fillfactor : BTREE_DEFAULT_FILLFACTOR;
        idx->deduplicate = (!bt || bt->deduplicate_items) && !idx->unique && n == nkey && btree_can_deduplicate(idx);
        break;
    }
    case HASH_AM_OID: {
        auto *h = reinterpret_cast<HashOptions *>(opts);
        idx->fillfactor = h ? h->fillfactor : HASH_DEFAULT_FILLFACTOR;
        break;
    }
    default: {
        auto *b = reinterpret_cast<BrinOptions *>(opts);
        idx->pages_per_range = b ? b->pagesPerRange : BRIN_DEFAULT_PAGES_PER_RANGE;
        break;
    }
    }

    idx->key_ndistinct = extended_ndistinct(rel, idx);

    old = MemoryContextSwitchTo(cxt);
    idx->indexprs = static_cast<List *>(copyObjectImpl(exprs));
    idx->indpred = static_cast<List *>(copyObjectImpl(pred));
    make_name(idx, stmt->idxname, prefix, number, rel, params);
    MemoryContextSwitchTo(old);
    table_close(rel, NoLock);  // keep the lock until the end of the transaction, as DDL would
    idx->oid = allocate_fake_oid();
    error_position_pop(&position);
    return idx;
}

HypoIndex *hypo_register(HypoIndex *idx)
{
    MemoryContext state = get_state_cxt();
    MemoryContextSetParent(idx->cxt, state);
    idx->id = next_id++;
    MemoryContext old = MemoryContextSwitchTo(state);
    registered = lappend(registered, idx);
    MemoryContextSwitchTo(old);
    return idx;
}

int hypo_next_id() { return next_id; }

HypoIndex *hypo_find_id(int id)
{
    ListCell *lc;
    foreach (lc, registered) {
        auto *idx = static_cast<HypoIndex *>(lfirst(lc));
        if (idx->id == id)
            return idx;
    }
    return nullptr;
}

List *hypo_registered() { return registered; }

bool hypo_drop(int id)
{
    HypoIndex *idx = hypo_find_id(id);
    if (!idx)
        return false;
    registered = list_delete_ptr(registered, idx);
    hypo_index_free(idx);
    return true;
}

void hypo_reset()
{
    ListCell *lc;
    foreach (lc, registered)
        hypo_index_free(static_cast<HypoIndex *>(lfirst(lc)));
    list_free(registered);
    registered = NIL;
}

void hypo_set_call_indexes(List *indexes) { call_indexes = indexes; }

void hypo_index_free(HypoIndex *idx) { MemoryContextDelete(idx->cxt); }

namespace {
// A partitioned index is, to the planner, the indexes of its partitions: hiding it hides them all.
List *index_tree(Oid indexoid)
{
    if (get_rel_relkind(indexoid) == RELKIND_PARTITIONED_INDEX)
        return find_all_inheritors(indexoid, NoLock, nullptr);
    return list_make1_oid(indexoid);
}
}  // namespace

bool hypo_hide(Oid indexoid)
{
    if (list_member_oid(hidden, indexoid))
        return false;
    List *tree = index_tree(indexoid);
    MemoryContext old = MemoryContextSwitchTo(get_state_cxt());
    ListCell *lc;
    foreach (lc, tree)
        hidden = list_append_unique_oid(hidden, lfirst_oid(lc));
    MemoryContextSwitchTo(old);
    list_free(tree);
    return true;
}

bool hypo_unhide(Oid indexoid)
{
    if (!list_member_oid(hidden, indexoid))
        return false;
    List *tree = index_tree(indexoid);
    ListCell *lc;
    foreach (lc, tree)
        hidden = list_delete_oid(hidden, lfirst_oid(lc));
    list_free(tree);
    return true;
}

void hypo_unhide_all()
{
    list_free(hidden);
    hidden = NIL;
}

List *hypo_hidden() { return hidden; }

const HypoIndex *hypo_lookup_oid(Oid oid)
{
    if (const HypoIndex *idx = find_in(registered, oid))
        return idx;
    return find_in(call_indexes, oid);
}

int hypo_scope_enter()
{
    int saved = scope_level;
    scope_level = planner_level;
    return saved;
}

void hypo_scope_leave(int saved) { scope_level = saved; }

IndexSizeEstimate hypo_estimate(const HypoIndex *idx, double reltuples, double relpages)
{
    IndexShapeInput in;
    in.kind = idx->relam == HASH_AM_OID ? IndexKind::hash : idx->relam == BRIN_AM_OID ? IndexKind::brin : IndexKind::btree;
    in.columns = idx->layout;
    in.ncolumns = idx->ncolumns;
    in.key_columns = idx->nkeycolumns;
    reltuples = Max(reltuples, 0.0);
    in.tuples = idx->indpred ? reltuples * idx->pred_selectivity : reltuples;
    in.heap_pages = relpages;
    double distinct = idx->key_ndistinct > 0 ? idx->key_ndistinct : 1;
    for (int i = 0; i < idx->nkeycolumns && distinct > 0 && idx->key_ndistinct <= 0; ++i) {
        double d = idx->stadistinct[i];
        distinct = d > 0 ? distinct * d : d < 0 ? distinct * -d * reltuples : -1;
    }
    in.distinct_keys = distinct > 0 ? Min(distinct, in.tuples) : -1;
    in.deduplicate = idx->deduplicate;
    in.fillfactor = idx->fillfactor;
    in.pages_per_range = idx->pages_per_range > 0 ? idx->pages_per_range : BRIN_DEFAULT_PAGES_PER_RANGE;
    in.block_size = BLCKSZ;
    IndexSizeEstimate est = estimate_index_size(in);
    est.tuples = in.tuples;
    return est;
}

namespace {
// The index of a partitioned table on one of its leaf partitions: the leaf's own size and, where
// the leaf has them, its own distinct counts (the parent's describe the whole tree: a value
// spread over many partitions is rarer in each).
IndexSizeEstimate estimate_on_partition(const HypoIndex *idx, Oid leaf, double tuples, double pages)
{
    HypoIndex local = *idx;
    double own[INDEX_MAX_KEYS];
    for (int i = 0; i < idx->ncolumns && i < INDEX_MAX_KEYS; ++i) {
        own[i] = idx->stadistinct[i];
        if (i >= idx->nkeycolumns || idx->indexkeys[i] <= 0)
            continue;
        char *name = get_attname(idx->relid, idx->indexkeys[i], true);
        AttrNumber attnum = name ? get_attnum(leaf, name) : InvalidAttrNumber;
        if (attnum == InvalidAttrNumber)
            continue;
        HeapTuple tup = SearchSysCache3(STATRELATTINH, ObjectIdGetDatum(leaf), Int16GetDatum(attnum), BoolGetDatum(false));
        if (HeapTupleIsValid(tup)) {
            own[i] = reinterpret_cast<Form_pg_statistic>(GETSTRUCT(tup))->stadistinct;
            ReleaseSysCache(tup);
        }
    }
    local.stadistinct = own;
    local.key_ndistinct = 0;  // extended statistics describe the whole tree
    return hypo_estimate(&local, tuples, pages);
}
}  // namespace

IndexSizeEstimate hypo_estimate_now(const HypoIndex *idx)
{
    Oid relid = idx->relid;
    if (!SearchSysCacheExists1(RELOID, ObjectIdGetDatum(relid)))
        ereport(ERROR, (errcode(ERRCODE_UNDEFINED_TABLE), errmsg("the table of hypothetical index \"%s\" no longer exists", idx->name)));
    LockRelationOid(relid, AccessShareLock);
    if (!idx->partitioned) {
        RelOptInfo *rel = base_rel(relid, nullptr);
        return hypo_estimate(idx, rel->tuples, rel->pages);
    }
    // On a partitioned table: the sum of the index on every leaf partition, each estimated with
    // its partition's own size, as the planner sees them (the parent's index itself has no storage).
    IndexSizeEstimate total;
    total.pages = 0;
    List *tree = find_all_inheritors(relid, AccessShareLock, nullptr);
    ListCell *lc;
    foreach (lc, tree) {
        Oid part = lfirst_oid(lc);
        if (!RELKIND_HAS_STORAGE(get_rel_relkind(part)))
            continue;
        RelOptInfo *rel = base_rel(part, nullptr);
        IndexSizeEstimate one = estimate_on_partition(idx, part, rel->tuples, rel->pages);
        total.pages += one.pages;
        total.tuples += one.tuples;
        total.leaf_pages += one.leaf_pages;
        total.tree_height = Max(total.tree_height, one.tree_height);
    }
    list_free(tree);
    return total;
}

}  // namespace autopilot
