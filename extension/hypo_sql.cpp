// SQL entry points of the hypothetical-index and what-if concerns (sql/autopilot--0.1.sql,
// sections hypo and whatif). Each validates its arguments in C++ (sql_entry) and runs the
// PostgreSQL work C-style under pg_guard.
#include "boundary.hpp"
#include "hypo_index.hpp"
#include "whatif.hpp"

#include <string>

extern "C" {
#include "catalog/pg_class.h"
#include "commands/defrem.h"
#include "utils/array.h"
#include "utils/lsyscache.h"
#include "utils/numeric.h"
#include "utils/tuplestore.h"

PGDLLEXPORT Datum autopilot_hypo_create(PG_FUNCTION_ARGS);
PGDLLEXPORT Datum autopilot_hypo_list(PG_FUNCTION_ARGS);
PGDLLEXPORT Datum autopilot_hypo_drop(PG_FUNCTION_ARGS);
PGDLLEXPORT Datum autopilot_hypo_reset(PG_FUNCTION_ARGS);
PGDLLEXPORT Datum autopilot_hypo_size(PG_FUNCTION_ARGS);
PGDLLEXPORT Datum autopilot_hypo_estimate(PG_FUNCTION_ARGS);
PGDLLEXPORT Datum autopilot_hypo_hide(PG_FUNCTION_ARGS);
PGDLLEXPORT Datum autopilot_hypo_unhide(PG_FUNCTION_ARGS);
PGDLLEXPORT Datum autopilot_hypo_unhide_all(PG_FUNCTION_ARGS);
PGDLLEXPORT Datum autopilot_hypo_hidden(PG_FUNCTION_ARGS);
PGDLLEXPORT Datum autopilot_whatif(PG_FUNCTION_ARGS);
PGDLLEXPORT Datum autopilot_whatif_batch(PG_FUNCTION_ARGS);
PG_FUNCTION_INFO_V1(autopilot_hypo_create);
PG_FUNCTION_INFO_V1(autopilot_hypo_list);
PG_FUNCTION_INFO_V1(autopilot_hypo_drop);
PG_FUNCTION_INFO_V1(autopilot_hypo_reset);
PG_FUNCTION_INFO_V1(autopilot_hypo_size);
PG_FUNCTION_INFO_V1(autopilot_hypo_estimate);
PG_FUNCTION_INFO_V1(autopilot_hypo_hide);
PG_FUNCTION_INFO_V1(autopilot_hypo_unhide);
PG_FUNCTION_INFO_V1(autopilot_hypo_unhide_all);
PG_FUNCTION_INFO_V1(autopilot_hypo_hidden);
PG_FUNCTION_INFO_V1(autopilot_whatif);
PG_FUNCTION_INFO_V1(autopilot_whatif_batch);
}

namespace autopilot {

namespace {

// A CREATE INDEX statement is short; a longer argument is a mistake (or an attack), not an index.
constexpr int kMaxDdlBytes = 64 * 1024;

void require(FunctionCallInfo fcinfo, int arg, const char *function, const char *name)
{
    if (PG_ARGISNULL(arg))
        throw_null_argument(function, name);
}

void check_ddl_length(const char *ddl)
{
    if (strlen(ddl) > static_cast<size_t>(kMaxDdlBytes))
        throw Error(ERRCODE_PROGRAM_LIMIT_EXCEEDED, "index definition is too long",
                    "It has " + std::to_string(strlen(ddl)) + " bytes; the limit is " + std::to_string(kMaxDdlBytes) + ".");
}

// A one-dimensional text[] without NULLs, as C strings (palloc'd).
char **text_array(ArrayType *arr, const char *function, const char *name, int *count)
{
    if (ARR_NDIM(arr) > 1)
        throw Error(ERRCODE_ARRAY_SUBSCRIPT_ERROR, std::string(name) + " must be a one-dimensional array");
    Datum *elems;
    bool *nulls;
    int n;
    pg_guard([&] { deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n); });
    char **out = static_cast<char **>(palloc(sizeof(char *) * (n + 1)));
    for (int i = 0; i < n; ++i) {
        if (nulls[i])
            throw Error(ERRCODE_NULL_VALUE_NOT_ALLOWED, std::string(name) + " must not contain nulls",
                        "Element " + std::to_string(i + 1) + " of " + name + " is null (" + function + ").");
        out[i] = TextDatumGetCString(elems[i]);
    }
    *count = n;
    return out;
}

Oid index_argument(FunctionCallInfo fcinfo, const char *function)
{
    require(fcinfo, 0, function, "index");
    Oid oid = PG_GETARG_OID(0);
    char kind = pg_guard([&] { return get_rel_relkind(oid); });
    if (kind != RELKIND_INDEX && kind != RELKIND_PARTITIONED_INDEX) {
        char *name = pg_guard([&] { return get_rel_name(oid); });
        throw Error(ERRCODE_WRONG_OBJECT_TYPE,
                    name ? "\"" + std::string(name) + "\" is not an index" : "relation with OID " + std::to_string(oid) + " does not exist");
    }
    return oid;
}

HypoIndex *hypo_argument(FunctionCallInfo fcinfo, const char *function)
{
    require(fcinfo, 0, function, "id");
    int id = PG_GETARG_INT32(0);
    HypoIndex *idx = hypo_find_id(id);
    if (!idx)
        throw Error(ERRCODE_UNDEFINED_OBJECT, "hypothetical index " + std::to_string(id) + " does not exist",
                    {}, "autopilot.hypo_list() shows this session's hypothetical indexes.");
    return idx;
}

// Configurations of a batch: a JSON array of arrays of 1-based positions into `indexes`.
List *parse_configurations(Jsonb *jb, int nindexes)
{
    const char *shape = "configurations must be a JSON array of arrays of index positions";
    if (!JB_ROOT_IS_ARRAY(jb) || JB_ROOT_IS_SCALAR(jb))
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("%s", shape)));
    JsonbIterator *it = JsonbIteratorInit(&jb->root);
    JsonbValue v;
    JsonbIteratorToken tok;
    int depth = 0;
    List *configs = NIL, *current = NIL;
    while ((tok = JsonbIteratorNext(&it, &v, false)) != WJB_DONE) {
        if (tok == WJB_BEGIN_ARRAY) {
            if (++depth > 2)
                ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("%s", shape)));
            current = NIL;
        } else if (tok == WJB_END_ARRAY) {
            if (depth-- == 2)
                configs = lappend(configs, current);
        } else if (tok == WJB_ELEM && depth == 2 && v.type == jbvNumeric) {
            int pos = DatumGetInt32(DirectFunctionCall1(numeric_int4, NumericGetDatum(v.val.numeric)));
            if (pos < 1 || pos > nindexes)
                ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                                errmsg("configuration refers to index %d, but indexes has %d elements", pos, nindexes)));
            current = lappend_int(current, pos);
        } else {
            ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("%s", shape)));
        }
    }
    return configs;
}

// The what-if run shared by whatif() and whatif_batch(): every query planned once per
// configuration (configs == NIL: one configuration with every index; batch: a list of position
// lists). Per-call hypothetical indexes exist only until the end of the call, error or not.
Datum run_whatif(FunctionCallInfo fcinfo, char **queries, int nqueries, char **ddls, int nddls, List *configs,
                 bool all_in_one, bool with_plan, bool batch_columns)
{
    // In FROM, the executor has built the row type already: rebuilding it from pg_proc costs
    // as much as a small part of planning.
    auto *info = reinterpret_cast<ReturnSetInfo *>(fcinfo->resultinfo);
    InitMaterializedSRF(fcinfo, info && IsA(info, ReturnSetInfo) && info->expectedDesc ? MAT_SRF_USE_EXPECTED_DESC : 0);
    auto *rsinfo = reinterpret_cast<ReturnSetInfo *>(fcinfo->resultinfo);
    HypoIndex **indexes = static_cast<HypoIndex **>(palloc0(sizeof(HypoIndex *) * (nddls + 1)));
    bool *cached = static_cast<bool *>(palloc0(sizeof(bool) * (nddls + 1)));
    List *call = NIL;
    PG_TRY();
    {
        for (int i = 0; i < nddls; ++i) {
            indexes[i] = hypo_index_for_call(ddls[i], i + 1, &cached[i]);
            call = lappend(call, indexes[i]);
            hypo_set_call_indexes(call);  // also makes the next fake OID avoid this one
        }
        int nconfigs = all_in_one ? 1 : list_length(configs);
        MemoryContext query_cxt = AllocSetContextCreate(CurrentMemoryContext, "whatif query", ALLOCSET_DEFAULT_SIZES);
        MemoryContext plan_cxt = AllocSetContextCreate(CurrentMemoryContext, "whatif plan", ALLOCSET_DEFAULT_SIZES);
        for (int q = 0; q < nqueries; ++q) {
            MemoryContext old = MemoryContextSwitchTo(query_cxt);
            Query *query = whatif_prepare(queries[q]);
            for (int c = 0; c < nconfigs; ++c) {
                for (int i = 0; i < nddls; ++i)
                    indexes[i]->enabled = all_in_one;
                if (!all_in_one) {
                    ListCell *lc;
                    foreach (lc, static_cast<List *>(list_nth(configs, c)))
                        indexes[lfirst_int(lc) - 1]->enabled = true;
                }
                MemoryContextSwitchTo(plan_cxt);
                WhatIfResult r;
                whatif_plan(query, queries[q], with_plan, &r);
                Datum values[8];
                bool nulls[8] = {false};
                int k = 0;
                if (batch_columns) {
                    values[k++] = Int32GetDatum(q + 1);
                    values[k++] = Int32GetDatum(c + 1);
                }
                values[k++] = Float8GetDatum(r.total_cost);
                values[k++] = Float8GetDatum(r.startup_cost);
                values[k++] = Float8GetDatum(r.plan_rows);
                nulls[k] = r.plan == nullptr;
                values[k++] = r.plan ? JsonbPGetDatum(r.plan) : Datum(0);
                values[k++] = r.indexes_used;
                values[k++] = r.hypothetical_used;
                tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
                MemoryContextSwitchTo(query_cxt);
                MemoryContextReset(plan_cxt);
            }
            MemoryContextSwitchTo(old);
            MemoryContextReset(query_cxt);
        }
    }
    PG_FINALLY();
    {
        hypo_set_call_indexes(NIL);
        for (int i = 0; i < nddls; ++i) {
            if (indexes[i] && cached[i])
                hypo_cache_release(indexes[i]);
            else if (indexes[i])
                hypo_index_free(indexes[i]);
        }
    }
    PG_END_TRY();
    return Datum(0);
}

}  // namespace
}  // namespace autopilot

using namespace autopilot;

// autopilot.hypo_create(ddl text) RETURNS TABLE (id int, name text)
Datum autopilot_hypo_create(PG_FUNCTION_ARGS)
{
    return sql_entry("hypo_create", [&]() -> Datum {
        require(fcinfo, 0, "autopilot.hypo_create", "ddl");
        char *ddl = text_to_cstring(PG_GETARG_TEXT_PP(0));
        check_ddl_length(ddl);
        return pg_guard([&]() -> Datum {
            InitMaterializedSRF(fcinfo, 0);
            auto *rsinfo = reinterpret_cast<ReturnSetInfo *>(fcinfo->resultinfo);
            HypoIndex *idx = hypo_register(hypo_index_build(ddl, "hypo", hypo_next_id()));
            Datum values[2] = {Int32GetDatum(idx->id), CStringGetTextDatum(idx->name)};
            bool nulls[2] = {false, false};
            tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
            return Datum(0);
        });
    });
}

// autopilot.hypo_list() RETURNS TABLE (id int, name text, table_name regclass, access_method text, ddl text)
Datum autopilot_hypo_list(PG_FUNCTION_ARGS)
{
    return sql_entry("hypo_list", [&]() -> Datum {
        return pg_guard([&]() -> Datum {
            InitMaterializedSRF(fcinfo, 0);
            auto *rsinfo = reinterpret_cast<ReturnSetInfo *>(fcinfo->resultinfo);
            ListCell *lc;
            foreach (lc, hypo_registered()) {
                auto *idx = static_cast<HypoIndex *>(lfirst(lc));
                Datum values[5] = {Int32GetDatum(idx->id), CStringGetTextDatum(idx->name), ObjectIdGetDatum(idx->relid),
                                   CStringGetTextDatum(get_am_name(idx->relam)), CStringGetTextDatum(idx->ddl)};
                bool nulls[5] = {false, false, false, false, false};
                tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
            }
            return Datum(0);
        });
    });
}

// autopilot.hypo_drop(id int) RETURNS boolean
Datum autopilot_hypo_drop(PG_FUNCTION_ARGS)
{
    return sql_entry("hypo_drop", [&]() -> Datum {
        HypoIndex *idx = hypo_argument(fcinfo, "autopilot.hypo_drop");
        int id = idx->id;
        return BoolGetDatum(pg_guard([&] { return hypo_drop(id); }));
    });
}

// autopilot.hypo_reset() RETURNS int: how many were dropped
Datum autopilot_hypo_reset(PG_FUNCTION_ARGS)
{
    return sql_entry("hypo_reset", [&]() -> Datum {
        int n = list_length(hypo_registered());
        pg_guard([&] { hypo_reset(); });
        return Int32GetDatum(n);
    });
}

// autopilot.hypo_size(id int) RETURNS bigint: estimated bytes on disk
Datum autopilot_hypo_size(PG_FUNCTION_ARGS)
{
    return sql_entry("hypo_size", [&]() -> Datum {
        HypoIndex *idx = hypo_argument(fcinfo, "autopilot.hypo_size");
        double pages = pg_guard([&] { return hypo_estimate_now(idx).pages; });
        return Int64GetDatum(static_cast<int64>(pages) * BLCKSZ);
    });
}

// autopilot.hypo_estimate(ddl text) RETURNS TABLE (bytes bigint, pages bigint, tree_height int)
Datum autopilot_hypo_estimate(PG_FUNCTION_ARGS)
{
    return sql_entry("hypo_estimate", [&]() -> Datum {
        require(fcinfo, 0, "autopilot.hypo_estimate", "ddl");
        char *ddl = text_to_cstring(PG_GETARG_TEXT_PP(0));
        check_ddl_length(ddl);
        return pg_guard([&]() -> Datum {
            InitMaterializedSRF(fcinfo, 0);
            auto *rsinfo = reinterpret_cast<ReturnSetInfo *>(fcinfo->resultinfo);
            HypoIndex *idx = hypo_index_build(ddl, "estimate", 0);
            IndexSizeEstimate est = hypo_estimate_now(idx);
            Datum values[4] = {Int64GetDatum(static_cast<int64>(est.pages) * BLCKSZ), Int64GetDatum(static_cast<int64>(est.pages)),
                               Int32GetDatum(est.tree_height), Float8GetDatum(est.tuples)};
            bool nulls[4] = {false, false, est.tree_height < 0, false};
            tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
            hypo_index_free(idx);
            return Datum(0);
        });
    });
}

// autopilot.hypo_hide(index regclass) RETURNS boolean: false if it was hidden already
Datum autopilot_hypo_hide(PG_FUNCTION_ARGS)
{
    return sql_entry("hypo_hide", [&]() -> Datum {
        Oid oid = index_argument(fcinfo, "autopilot.hypo_hide");
        return BoolGetDatum(pg_guard([&] { return hypo_hide(oid); }));
    });
}

// autopilot.hypo_unhide(index regclass) RETURNS boolean: false if it was not hidden
Datum autopilot_hypo_unhide(PG_FUNCTION_ARGS)
{
    return sql_entry("hypo_unhide", [&]() -> Datum {
        require(fcinfo, 0, "autopilot.hypo_unhide", "index");
        Oid oid = PG_GETARG_OID(0);  // a dropped index may still be unhidden
        return BoolGetDatum(pg_guard([&] { return hypo_unhide(oid); }));
    });
}

// autopilot.hypo_unhide_all() RETURNS int: how many were hidden
Datum autopilot_hypo_unhide_all(PG_FUNCTION_ARGS)
{
    return sql_entry("hypo_unhide_all", [&]() -> Datum {
        int n = list_length(hypo_hidden());
        pg_guard([&] { hypo_unhide_all(); });
        return Int32GetDatum(n);
    });
}

// autopilot.hypo_hidden() RETURNS SETOF regclass
Datum autopilot_hypo_hidden(PG_FUNCTION_ARGS)
{
    return sql_entry("hypo_hidden", [&]() -> Datum {
        return pg_guard([&]() -> Datum {
            InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC | MAT_SRF_BLESS);
            auto *rsinfo = reinterpret_cast<ReturnSetInfo *>(fcinfo->resultinfo);
            ListCell *lc;
            foreach (lc, hypo_hidden()) {
                Datum value = ObjectIdGetDatum(lfirst_oid(lc));
                bool null = false;
                tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, &value, &null);
            }
            return Datum(0);
        });
    });
}

// autopilot.whatif(query text, indexes text[] DEFAULT '{}')
//   RETURNS TABLE (total_cost, startup_cost, plan_rows, plan jsonb, indexes_used text[], hypothetical_used int[])
Datum autopilot_whatif(PG_FUNCTION_ARGS)
{
    return sql_entry("whatif", [&]() -> Datum {
        require(fcinfo, 0, "autopilot.whatif", "query");
        require(fcinfo, 1, "autopilot.whatif", "indexes");
        char *query = text_to_cstring(PG_GETARG_TEXT_PP(0));
        int nddls;
        char **ddls = text_array(PG_GETARG_ARRAYTYPE_P(1), "autopilot.whatif", "indexes", &nddls);
        for (int i = 0; i < nddls; ++i)
            check_ddl_length(ddls[i]);
        return pg_guard([&] { return run_whatif(fcinfo, &query, 1, ddls, nddls, NIL, true, true, false); });
    });
}

// autopilot.whatif_batch(queries text[], indexes text[] DEFAULT '{}', configurations jsonb DEFAULT NULL,
//                        with_plan boolean DEFAULT false)
//   RETURNS TABLE (query_no int, config_no int, total_cost, startup_cost, plan_rows, plan jsonb,
//                  indexes_used text[], hypothetical_used int[])
Datum autopilot_whatif_batch(PG_FUNCTION_ARGS)
{
    return sql_entry("whatif_batch", [&]() -> Datum {
        const char *fn = "autopilot.whatif_batch";
        require(fcinfo, 0, fn, "queries");
        require(fcinfo, 1, fn, "indexes");
        require(fcinfo, 3, fn, "with_plan");
        int nqueries, nddls;
        char **queries = text_array(PG_GETARG_ARRAYTYPE_P(0), fn, "queries", &nqueries);
        char **ddls = text_array(PG_GETARG_ARRAYTYPE_P(1), fn, "indexes", &nddls);
        for (int i = 0; i < nddls; ++i)
            check_ddl_length(ddls[i]);
        bool all_in_one = PG_ARGISNULL(2);
        bool with_plan = PG_GETARG_BOOL(3);
        return pg_guard([&]() -> Datum {
            List *configs = all_in_one ? NIL : parse_configurations(PG_GETARG_JSONB_P(2), nddls);
            return run_whatif(fcinfo, queries, nqueries, ddls, nddls, configs, all_in_one, with_plan, true);
        });
    });
}
