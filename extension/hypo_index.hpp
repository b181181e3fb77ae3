// Hypothetical indexes: the index model built from a CREATE INDEX statement by the server's own
// parser, the per-backend registry, and the planner hooks that make the planner see them (and
// ignore hidden real indexes). All of it is C-style PostgreSQL code: functions here may ereport,
// so C++ callers reach them through pg_guard().
#pragma once

#include "hypo_size.hpp"
#include "pg.hpp"

extern "C" {
#include "nodes/pg_list.h"
}

namespace autopilot {

// One hypothetical index. Lives in its own MemoryContext (freed with it), so create/drop cycles
// never grow the backend. Plain C data: it is palloc'd, never constructed or destroyed by C++.
struct HypoIndex {
    MemoryContext cxt;
    int id;               // user-visible id (hypo_create), 0 for indexes of one what-if call
    int position;         // 1-based position in a what-if call's `indexes`, 0 for hypo_create'd ones
    bool enabled;         // what-if batches switch per-call indexes on and off per configuration
    Oid oid;              // fake OID in the initdb range, never a relation's (see hypo_index.cpp)
    Oid relid;
    bool partitioned;     // relid is a partitioned table: the planner sees the index on its leaves
    Oid relam;
    Oid reltablespace;
    char name[NAMEDATALEN];
    char *ddl;
    int ncolumns;
    int nkeycolumns;
    AttrNumber *indexkeys;  // table attnum, or 0 for an expression
    Oid *indexcollations;   // key columns only, like IndexOptInfo
    Oid *opfamily;
    Oid *opcintype;
    bool *reverse_sort;
    bool *nulls_first;
    List *indexprs;   // expressions, Vars with varno 1
    List *indpred;    // implicit-AND predicate, Vars with varno 1; NIL if not partial
    bool unique;
    // Inputs of the size model (hypo_size.hpp).
    ColumnLayout *layout;    // ncolumns entries
    double *stadistinct;     // per key column, as in pg_statistic (< 0: fraction of rows, 0: unknown)
    double key_ndistinct;    // distinct key combinations from extended statistics, 0 if none
                             // (without them, columns are assumed independent)
    double pred_selectivity; // fraction of rows the partial predicate keeps (1 if not partial)
    bool deduplicate;
    int fillfactor;
    int pages_per_range;
};

// Installs the hooks (planner, get_relation_info, explain index names, utility, executor start).
void hypo_init();

// Parses and analyses one CREATE INDEX statement into a new HypoIndex (not yet registered).
// `prefix` and `number` make the generated name when the statement names no index.
HypoIndex *hypo_index_build(const char *ddl, const char *prefix, int number);

// Registry of this backend's hypo_create'd indexes.
HypoIndex *hypo_register(HypoIndex *index);
int hypo_next_id();  // the id hypo_register will give the next index
HypoIndex *hypo_find_id(int id);
List *hypo_registered();  // of HypoIndex *, in creation order; do not modify
bool hypo_drop(int id);
void hypo_reset();

// A what-if index for a DDL text: from this backend's cache when the same text was analysed before
// for the same user and search_path and its table has not changed since (relcache invalidation),
// else built and cached. *cached says whether the cache owns it (then the caller must not free it
// and must call hypo_cache_release when done).
HypoIndex *hypo_index_for_call(const char *ddl, int position, bool *cached);
void hypo_cache_release(HypoIndex *index);

// Indexes of one what-if call, seen by the planner in addition to the registered ones until
// hypo_set_call_indexes(NIL). The caller owns them (hypo_index_free).
void hypo_set_call_indexes(List *indexes);
void hypo_index_free(HypoIndex *index);

// Real indexes hidden from this backend's planner.
bool hypo_hide(Oid indexoid);
bool hypo_unhide(Oid indexoid);
void hypo_unhide_all();
List *hypo_hidden();  // of Oid

// The hypothetical index with this (fake) OID, registered or of the current call, or nullptr.
const HypoIndex *hypo_lookup_oid(Oid oid);

// Plans made inside a scope see hypothetical indexes (only at the scope's own planner level, so
// statements a function runs while the planner folds constants never do). Returns the previous
// state for hypo_scope_leave, which the caller must call also on error (PG_FINALLY).
int hypo_scope_enter();
void hypo_scope_leave(int saved);

// While installed, errors with a position (syntax errors, unknown relations) point into `text`
// as an internal query instead of into the calling statement. Pop with error_context_pop().
void error_position_push(ErrorContextCallback *callback, const char *text);
void error_position_pop(ErrorContextCallback *callback);

// Size estimate with the table's current statistics.
IndexSizeEstimate hypo_estimate(const HypoIndex *index, double reltuples, double relpages);
IndexSizeEstimate hypo_estimate_now(const HypoIndex *index);

}  // namespace autopilot
