// Planning without executing (see whatif.hpp). The JSON plan is EXPLAIN's own output (ExplainOnePlan
// starts the executor in EXPLAIN_ONLY mode, which runs nothing and opens no index), so what-if
// plans, EXPLAIN output and captured plans share one shape.
#include "whatif.hpp"

#include "hypo_index.hpp"
#include "plan_indexes.hpp"

extern "C" {
#include "catalog/pg_type.h"
#include "commands/explain.h"
#include "executor/executor.h"
#include "parser/analyze.h"
#include "parser/parser.h"
#include "rewrite/rewriteHandler.h"
#include "tcop/tcopprot.h"
#include "tcop/utility.h"
#include "utils/array.h"
#include "utils/fmgrprotos.h"
#include "utils/lsyscache.h"
}

namespace autopilot {

namespace {

// The extent of the JSON object that starts at text[start] ('{'): strings and escapes skipped.
int json_object_end(const char *text, int start)
{
    int depth = 0;
    bool in_string = false;
    for (int i = start; text[i]; ++i) {
        char c = text[i];
        if (in_string) {
            if (c == '\\' && text[i + 1])
                ++i;
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '{') {
            ++depth;
        } else if (c == '}' && --depth == 0) {
            return i + 1;
        }
    }
    return -1;
}

Jsonb *explain_json(PlannedStmt *stmt, const char *query_text)
{
    ExplainState *es = NewExplainState();
    es->format = EXPLAIN_FORMAT_JSON;
    es->costs = true;
    ExplainBeginOutput(es);
    ExplainOnePlan(stmt, nullptr, es, query_text, nullptr, nullptr, nullptr, nullptr);
    ExplainEndOutput(es);
    // EXPLAIN writes [{"Plan": {...}, ...}]: cut the "Plan" object out of the text and convert
    // only that, rather than converting all of it and extracting (two more jsonb rebuilds).
    const char *data = es->str->data;
    const char *key = strstr(data, "\"Plan\": {");
    int begin = key ? static_cast<int>(key - data) + 8 : -1;
    int end = begin >= 0 ? json_object_end(data, begin) : -1;
    if (end < 0)
        ereport(ERROR, (errcode(ERRCODE_INTERNAL_ERROR), errmsg("unexpected EXPLAIN output: no \"Plan\" object")));
    es->str->data[end] = '\0';
    return DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(data + begin)));
}

char *real_index_name(Oid oid)
{
    char *name = get_rel_name(oid);
    char *schema = get_namespace_name(get_rel_namespace(oid));
    if (!name || !schema)
        return psprintf("%u", oid);
    return psprintf("%s.%s", schema, name);
}

}  // namespace

Query *whatif_prepare(const char *query_text)
{
    ErrorContextCallback position;
    error_position_push(&position, query_text);
    List *raw = raw_parser(query_text, RAW_PARSE_DEFAULT);
    if (raw == NIL)
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("query is empty")));
    if (list_length(raw) > 1)
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("query must be a single statement"),
                        errdetail("It contains %d statements.", list_length(raw))));
    RawStmt *stmt = linitial_node(RawStmt, raw);
    Oid *param_types = nullptr;
    int nparams = 0;
    Query *query = parse_analyze_varparams(stmt, query_text, &param_types, &nparams, nullptr);
    for (int i = 0; i < nparams; ++i)
        if (param_types[i] == InvalidOid || param_types[i] == UNKNOWNOID)
            ereport(ERROR, (errcode(ERRCODE_INDETERMINATE_DATATYPE),
                            errmsg("could not determine data type of parameter $%d", i + 1)));
    if (query->commandType == CMD_UTILITY || query->commandType == CMD_UNKNOWN || query->commandType == CMD_NOTHING)
        ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                        errmsg("only SELECT, INSERT, UPDATE, DELETE and MERGE statements can be planned"),
                        errdetail("The statement is %s.", CreateCommandName(stmt->stmt))));
    // Rules may turn a statement into several; the one that sets the command tag is the one a
    // client would see EXPLAIN describe first.
    List *rewritten = QueryRewrite(query);
    Query *chosen = nullptr;
    ListCell *lc;
    foreach (lc, rewritten) {
        auto *q = static_cast<Query *>(lfirst(lc));
        if (q->canSetTag && q->commandType != CMD_UTILITY) {
            chosen = q;
            break;
        }
    }
    if (!chosen)
        ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED), errmsg("the statement is rewritten into nothing to plan")));
    // Planning alone checks no privileges; EXPLAIN would (executor start): check them here.
    error_position_pop(&position);
    ExecCheckRTPerms(chosen->rtable, true);
    return chosen;
}

void whatif_plan(const Query *query, const char *query_text, bool with_plan, WhatIfResult *out)
{
    // The planner scribbles on its input: each configuration plans a fresh copy.
    auto *copy = static_cast<Query *>(copyObjectImpl(query));
    PlannedStmt *volatile planned = nullptr;
    int saved = hypo_scope_enter();
    PG_TRY();
    {
        planned = pg_plan_query(copy, query_text, CURSOR_OPT_PARALLEL_OK, nullptr);
    }
    PG_FINALLY();
    {
        hypo_scope_leave(saved);
    }
    PG_END_TRY();
    PlannedStmt *stmt = planned;

    out->total_cost = stmt->planTree->total_cost;
    out->startup_cost = stmt->planTree->startup_cost;
    out->plan_rows = stmt->planTree->plan_rows;

    List *oids = plan_index_oids(stmt);
    Datum *names = static_cast<Datum *>(palloc(sizeof(Datum) * (list_length(oids) + 1)));
    Datum *positions = static_cast<Datum *>(palloc(sizeof(Datum) * (list_length(oids) + 1)));
    int nnames = 0, npositions = 0;
    ListCell *lc;
    foreach (lc, oids) {
        Oid oid = lfirst_oid(lc);
        if (const HypoIndex *idx = hypo_lookup_oid(oid)) {
            names[nnames++] = CStringGetTextDatum(idx->name);
            if (idx->position > 0)
                positions[npositions++] = Int32GetDatum(idx->position);
        } else {
            names[nnames++] = CStringGetTextDatum(real_index_name(oid));
        }
    }
    out->indexes_used = PointerGetDatum(construct_array(names, nnames, TEXTOID, -1, false, TYPALIGN_INT));
    out->hypothetical_used = PointerGetDatum(construct_array(positions, npositions, INT4OID, 4, true, TYPALIGN_INT));
    out->plan = with_plan ? explain_json(stmt, query_text) : nullptr;
}

}  // namespace autopilot
