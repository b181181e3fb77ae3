// Workload capture: executor hooks that record sampled statements into a shared-memory ring.
//
// Design (in the manner of contrib/pg_stat_statements):
//
// * Sampling. ExecutorStart decides once per statement, before anything is instrumented: capture on,
//   the library preloaded, the nesting level allowed (autopilot.capture_nested), and a draw from the
//   backend's PRNG below autopilot.sample_rate. An unsampled statement costs that test and nothing
//   else: no timing, no instrumentation, no allocation. A sampled one gets the instrumentation EXPLAIN
//   ANALYZE uses (timer, rows, buffers) and a small per-statement record (ActiveSample) in the
//   executor's own memory context, so it is freed with the statement whatever happens.
// * What is prepared at the start. Everything that needs the catalog or may fail is done while the
//   statement starts: relation, index, column and operator names, the predicate columns
//   (predicates.cpp), the bound parameters as text. The end of the statement then only reads memory.
// * autopilot.capture_min_duration filters sampled statements by their own measured time (like
//   auto_explain.log_min_duration with auto_explain.sample_rate): measuring unsampled statements
//   would put a clock read on every statement, which the sampling exists to avoid.
// * Success. ExecutorEnd writes the plan with ExplainPrintPlan into a JSON ExplainState (exactly
//   EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)'s "Plan" object), compacts it, prunes its deepest levels
//   if it exceeds autopilot.capture_max_plan, and appends the sample.
// * Failure. ExecutorRun and ExecutorFinish run the statement inside PG_TRY; PG_CATCH records the
//   sample and re-throws the same error untouched. That path allocates nothing: the plan is a reduced
//   EXPLAIN-shaped object (plan_tree.cpp) written from the instrumentation counters into a buffer
//   reserved when the statement started, with the names resolved then. statement_timeout and a
//   cancel raise the same SQLSTATE (57014); a statement timeout is recognised by its timer having
//   fired (inactive, deadline passed) rather than by parsing the message.
// * Shared state. One block (CaptureShared): an LWLock, the ring (sample_ring.cpp) and counters.
//   Appending takes the lock exclusively for a memcpy of one record; when the ring is full the
//   oldest records are overwritten and counted as dropped. capture_drain copies the records it takes
//   out under the lock and decodes them after releasing it, so each sample is returned exactly once.
// * Hooks: ExecutorStart/Run/Finish/End, ProcessUtility (nesting level only, as pg_stat_statements
//   does) and planner (planning time of the statement about to run); each calls the previous hook.
#include "capture.hpp"

#include <cmath>
#include <cstring>
#include <string_view>

#include "boundary.hpp"
#include "json_text.hpp"
#include "plan_tree.hpp"
#include "predicates.hpp"
#include "sample_record.hpp"

extern "C" {
#include "access/parallel.h"
#include "access/xact.h"
#include "commands/explain.h"
#include "common/pg_prng.h"
#include "executor/executor.h"
#include "executor/instrument.h"
#include "mb/pg_wchar.h"
#include "optimizer/planner.h"
#include "storage/ipc.h"
#include "storage/shmem.h"
#include "tcop/utility.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/timeout.h"
#include "utils/timestamp.h"
}

namespace autopilot {
namespace {

// ---- settings -------------------------------------------------------------------------------------
bool capture_enabled = true;
double sample_rate = 0.01;
int min_duration_ms = 0;
bool capture_nested = false;
int buffer_size_kb = 16 * 1024;
int max_text_bytes = 8 * 1024;
int max_plan_bytes = 64 * 1024;
// autopilot.capture_plan_format: 'compact' (our own writer, conditions counted, not deparsed) or
// 'explain' (ExplainPrintPlan, conditions as text; about 5x the CPU of a point query's sample).
enum PlanFormat { kPlanCompact, kPlanExplain };
int plan_format = kPlanCompact;
const struct config_enum_entry plan_format_options[] = {
    {"compact", kPlanCompact, false}, {"explain", kPlanExplain, false}, {nullptr, 0, false}};

// ---- saved hooks ----------------------------------------------------------------------------------
shmem_request_hook_type prev_shmem_request_hook = nullptr;
shmem_startup_hook_type prev_shmem_startup_hook = nullptr;
planner_hook_type prev_planner_hook = nullptr;
ExecutorStart_hook_type prev_ExecutorStart = nullptr;
ExecutorRun_hook_type prev_ExecutorRun = nullptr;
ExecutorFinish_hook_type prev_ExecutorFinish = nullptr;
ExecutorEnd_hook_type prev_ExecutorEnd = nullptr;
ProcessUtility_hook_type prev_ProcessUtility = nullptr;

// ---- shared and per-backend state -----------------------------------------------------------------
constexpr const char *kTranche = "autopilot_capture";
CaptureShared *shared = nullptr;

int nesting_level = 0;

// The plan the planner hook produced last and how long planning took, claimed by the ExecutorStart
// that runs it (a cached plan has no planning step: 0).
PlannedStmt *planned_stmt = nullptr;
double planned_ms = 0;

// A sampled statement between ExecutorStart and its end; lives in the executor's query context.
struct ActiveSample {
    QueryDesc *query;
    SubTransactionId subxact;
    int nested_level;
    instr_time start;
    TimestampTz captured_at;
    double planning_ms;
    RelationNames names;
    PredicateSet predicates;
    char *params;  // ParamBlobWriter blob, or null
    size_t params_len;
    int nparams;
    bool params_truncated;
};

constexpr int kMaxActive = 32;
ActiveSample *active[kMaxActive];
int n_active = 0;

// Buffers reserved for writing a sample without allocating (the error path uses them too).
MemoryContext capture_context = nullptr;
char *scratch_plan = nullptr;
char *scratch_predicates = nullptr;
size_t scratch_size = 0;

// Per-record limits, bounded by the ring so one sample never takes more than a quarter of it.
struct Limits {
    size_t text, params, plan, predicates;
};

Limits limits() noexcept
{
    const size_t budget = SampleRing::max_payload(shared->ring.capacity) - sizeof(SampleFixed) - 64;
    return {std::min<size_t>(max_text_bytes, budget / 8), std::min<size_t>(max_text_bytes, budget / 8),
            std::min<size_t>(max_plan_bytes, budget / 2), std::min<size_t>(max_plan_bytes, budget / 4)};
}

// The limits when a sample is written: never beyond the buffers reserved at its start (a setting
// may have grown since).
Limits record_limits() noexcept
{
    Limits l = limits();
    l.plan = std::min(l.plan, scratch_size);
    l.predicates = std::min(l.predicates, scratch_size);
    return l;
}

Size shared_size()
{
    return add_size(offsetof(CaptureShared, data), static_cast<Size>(buffer_size_kb) * 1024);
}

// ---- GUC checks -----------------------------------------------------------------------------------
bool check_sample_rate(double *newval, void **, GucSource)
{
    if (std::isnan(*newval)) {
        GUC_check_errdetail("autopilot.sample_rate must be a number between 0 and 1.");
        return false;
    }
    return true;
}

// ---- shared memory --------------------------------------------------------------------------------
void capture_shmem_request()
{
    if (prev_shmem_request_hook)
        prev_shmem_request_hook();
    RequestAddinShmemSpace(shared_size());
    RequestNamedLWLockTranche(kTranche, 1);
}

void capture_shmem_startup()
{
    if (prev_shmem_startup_hook)
        prev_shmem_startup_hook();
    LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
    bool found = false;
    shared = static_cast<CaptureShared *>(ShmemInitStruct("autopilot capture", shared_size(), &found));
    if (!found) {
        shared->lock = &(GetNamedLWLockTranche(kTranche))->lock;
        SampleRing::initialize(&shared->ring, static_cast<uint64>(buffer_size_kb) * 1024);
        shared->truncated = 0;
        shared->failed = 0;
    }
    LWLockRelease(AddinShmemInitLock);
}

// ---- the active list ------------------------------------------------------------------------------
ActiveSample *take_active(QueryDesc *query) noexcept
{
    for (int i = n_active - 1; i >= 0; i--) {
        if (active[i]->query == query) {
            ActiveSample *s = active[i];
            active[i] = active[--n_active];
            return s;
        }
    }
    return nullptr;
}

// Statements of an aborted (sub)transaction never reach ExecutorEnd; their memory is gone with it.
void capture_xact_callback(XactEvent event, void *)
{
    if (event == XACT_EVENT_ABORT || event == XACT_EVENT_PARALLEL_ABORT || event == XACT_EVENT_COMMIT ||
        event == XACT_EVENT_PARALLEL_COMMIT || event == XACT_EVENT_PREPARE) {
        n_active = 0;
        planned_stmt = nullptr;
    }
}

void capture_subxact_callback(SubXactEvent event, SubTransactionId subid, SubTransactionId, void *)
{
    if (event != SUBXACT_EVENT_ABORT_SUB)
        return;
    for (int i = n_active - 1; i >= 0; i--)
        if (active[i]->subxact >= subid)
            active[i] = active[--n_active];
}

// ---- preparing a sampled statement ----------------------------------------------------------------
bool should_sample(int eflags) noexcept
{
    if (!capture_enabled || !shared || sample_rate <= 0 || n_active >= kMaxActive)
        return false;
    if (nesting_level > 0 && !capture_nested)
        return false;
    if ((eflags & EXEC_FLAG_EXPLAIN_ONLY) || IsParallelWorker())
        return false;
    return sample_rate >= 1.0 || pg_prng_double(&pg_global_prng_state) < sample_rate;
}

void ensure_scratch()
{
    const Limits l = limits();
    const size_t need = std::max(l.plan, l.predicates);
    if (scratch_size >= need)
        return;
    if (!capture_context)
        capture_context = AllocSetContextCreate(TopMemoryContext, "autopilot capture", ALLOCSET_SMALL_SIZES);
    if (scratch_plan)
        pfree(scratch_plan);
    if (scratch_predicates)
        pfree(scratch_predicates);
    scratch_plan = scratch_predicates = nullptr;
    scratch_size = 0;
    scratch_plan = static_cast<char *>(MemoryContextAlloc(capture_context, need));
    scratch_predicates = static_cast<char *>(MemoryContextAlloc(capture_context, need));
    scratch_size = need;
}

// Bound parameter values as text, each cut to a fair share of the limit. Parameters fetched through a
// hook (PL/pgSQL variables) are not values the client sent: left out.
void format_params(ParamListInfo params, ActiveSample *s)
{
    if (!params || params->numParams <= 0 || params->paramFetch)
        return;
    const size_t limit = limits().params;
    const size_t share = std::max<size_t>(64, limit / params->numParams);
    s->params = static_cast<char *>(palloc(limit));
    ParamBlobWriter blob(s->params, limit);
    for (int i = 0; i < params->numParams; i++) {
        const ParamExternData *p = &params->params[i];
        bool ok;
        if (p->isnull || !OidIsValid(p->ptype)) {
            ok = blob.add(nullptr, 0);
        } else {
            Oid output;
            bool varlena;
            getTypeOutputInfo(p->ptype, &output, &varlena);
            char *value = OidOutputFunctionCall(output, p->value);
            size_t len = std::strlen(value);
            if (len > share) {
                len = pg_mbcliplen(value, static_cast<int>(len), static_cast<int>(share));
                s->params_truncated = true;
            }
            ok = blob.add(value, len);
        }
        if (!ok) {
            s->params_truncated = true;
            break;
        }
    }
    s->params_len = blob.size();
    s->nparams = blob.count();
}

void begin_sample(QueryDesc *query)
{
    MemoryContext old = MemoryContextSwitchTo(query->estate->es_query_cxt);
    if (!query->totaltime)
        query->totaltime = InstrAlloc(1, INSTRUMENT_ALL, false);
    auto *s = static_cast<ActiveSample *>(palloc0(sizeof(ActiveSample)));
    s->query = query;
    s->subxact = GetCurrentSubTransactionId();
    s->nested_level = nesting_level;
    INSTR_TIME_SET_CURRENT(s->start);
    s->captured_at = GetCurrentTimestamp();
    if (planned_stmt == query->plannedstmt)
        s->planning_ms = planned_ms;
    planned_stmt = nullptr;
    resolve_relation_names(query, &s->names);
    extract_predicates(query, s->names, &s->predicates);
    format_params(query->params, s);
    MemoryContextSwitchTo(old);
    ensure_scratch();
    active[n_active++] = s;
}

// ---- writing a sample -----------------------------------------------------------------------------

// This statement's text within the source string (which may hold several), cut to the limit.
std::string_view statement_text(const QueryDesc *query, size_t limit, bool *truncated) noexcept
{
    const char *text = query->sourceText ? query->sourceText : "";
    int location = query->plannedstmt->stmt_location;
    int len = query->plannedstmt->stmt_len;
    const int total = static_cast<int>(std::strlen(text));
    if (location < 0 || location > total) {
        location = 0;
        len = total;
    } else if (len <= 0 || location + len > total) {
        len = total - location;
    }
    text += location;
    auto space = [](char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; };
    while (len > 0 && space(*text)) {
        text++;
        len--;
    }
    while (len > 0 && space(text[len - 1]))
        len--;
    if (static_cast<size_t>(len) > limit) {
        len = pg_mbcliplen(text, len, static_cast<int>(limit));
        *truncated = true;
    }
    return {text, static_cast<size_t>(len)};
}

void append_sample(const SampleFixed &fixed, const SampleTexts &texts) noexcept
{
    // The error path may be unwinding from our own drain, which holds the lock.
    if (LWLockHeldByMe(shared->lock))
        return;
    const size_t size = encoded_size(texts);
    LWLockAcquire(shared->lock, LW_EXCLUSIVE);
    SampleRing ring(&shared->ring, shared->data);
    if (char *dst = ring.append(size)) {
        encode_sample(fixed, texts, dst);
        if (fixed.truncated)
            shared->truncated++;
        if (fixed.status != SampleStatus::ok)
            shared->failed++;
    }
    LWLockRelease(shared->lock);
}

SampleFixed fixed_part(const ActiveSample *s, double total_ms)
{
    SampleFixed f;
    f.queryid = static_cast<int64_t>(s->query->plannedstmt->queryId);
    f.dbid = MyDatabaseId;
    f.userid = GetUserId();
    f.captured_at = s->captured_at;
    f.total_ms = total_ms;
    f.planning_ms = s->planning_ms;
    f.rows = s->query->estate ? static_cast<int64_t>(s->query->estate->es_processed) : 0;
    f.nested_level = s->nested_level;
    f.truncated = s->params_truncated;
    f.has_params = s->params != nullptr;
    f.nparams = s->nparams;
    return f;
}

std::string_view predicates_json(const ActiveSample *s, size_t limit, bool *truncated) noexcept
{
    JsonWriter out(scratch_predicates, limit);
    write_predicates(s->predicates, out, truncated);
    if (out.overflowed()) {
        *truncated = true;
        return "[]";
    }
    return out.view();
}

// ExplainPrintPlan between ExplainBeginOutput and ExplainEndOutput gives "["Plan": {...}]" (the
// caller usually fixes the brackets into an object, as auto_explain does): we keep the inner object.
std::string_view plan_object(char *json, size_t len) noexcept
{
    constexpr std::string_view prefix = "[\"Plan\":", suffix = "]";
    std::string_view all(json, compact_json({json, len}, json));
    if (all.size() < prefix.size() + suffix.size() || all.substr(0, prefix.size()) != prefix ||
        all.substr(all.size() - suffix.size()) != suffix)
        return {};
    return all.substr(prefix.size(), all.size() - prefix.size() - suffix.size());
}

// Drops the deepest levels of a plan until it fits; empty when even the root alone does not.
std::string_view fit_plan(std::string_view plan, size_t limit, bool *truncated) noexcept
{
    if (plan.size() <= limit)
        return plan;
    *truncated = true;
    for (int depth = plan_depth(plan) - 1; depth >= 0; depth--) {
        const size_t n = prune_plans(plan, depth, scratch_plan, limit);
        if (n <= limit)
            return {scratch_plan, n};
    }
    return {};
}

// The compact plan (write_reduced_plan) with the actuals counted so far: the deepest that fits the
// limit, down to the root alone. Allocates nothing, so the error path can use it too.
std::string_view compact_plan(const ActiveSample *s, size_t limit, bool *truncated) noexcept
{
    if (!s->query->planstate)
        return {};
    for (int depth = 48; depth >= 0; depth = depth > 4 ? 4 : depth - 1) {
        JsonWriter out(scratch_plan, limit);
        write_reduced_plan(s->query->planstate, s->query->estate, s->names, out, depth);
        if (!out.overflowed())
            return out.view();
        *truncated = true;
    }
    return {};
}

void record_finished(ActiveSample *s)
{
    QueryDesc *query = s->query;
    InstrEndLoop(query->totaltime);
    const double total_ms = query->totaltime->total * 1000.0;
    if (total_ms < min_duration_ms)
        return;
    const Limits l = record_limits();
    SampleFixed fixed = fixed_part(s, total_ms);
    bool truncated = false;

    SampleTexts texts;
    MemoryContext tmp = nullptr;
    if (plan_format == kPlanExplain) {
        tmp = AllocSetContextCreate(CurrentMemoryContext, "autopilot capture sample", ALLOCSET_DEFAULT_SIZES);
        MemoryContext old = MemoryContextSwitchTo(tmp);
        ExplainState *es = NewExplainState();
        es->analyze = true;
        es->verbose = false;
        es->costs = true;
        es->buffers = (query->instrument_options & INSTRUMENT_BUFFERS) != 0;
        es->timing = (query->instrument_options & INSTRUMENT_TIMER) != 0;
        es->summary = false;
        es->format = EXPLAIN_FORMAT_JSON;
        ExplainBeginOutput(es);
        ExplainPrintPlan(es, query);
        ExplainEndOutput(es);
        MemoryContextSwitchTo(old);
        texts.plan = fit_plan(plan_object(es->str->data, es->str->len), l.plan, &truncated);
    } else {
        texts.plan = compact_plan(s, l.plan, &truncated);
    }
    texts.predicates = predicates_json(s, l.predicates, &truncated);
    texts.query = statement_text(query, l.text, &truncated);
    texts.params = s->params ? std::string_view(s->params, s->params_len) : std::string_view();
    fixed.truncated = fixed.truncated || truncated;
    append_sample(fixed, texts);
    if (tmp)
        MemoryContextDelete(tmp);
}

// statement_timeout and a cancel both raise 57014. A fired timeout is inactive with its deadline in
// the past; one still pending (or none) means someone cancelled. (The timer is armed for each
// statement before it is planned, so its deadline may even precede ExecutorStart.)
bool statement_timeout_fired() noexcept
{
    if (StatementTimeout <= 0 || get_timeout_active(STATEMENT_TIMEOUT))
        return false;
    const TimestampTz deadline = get_timeout_finish_time(STATEMENT_TIMEOUT);
    return deadline != 0 && deadline <= GetCurrentTimestamp();
}

// Called from PG_CATCH with the error still current: reads memory, allocates nothing, never raises.
void record_failed(ActiveSample *s) noexcept
{
    instr_time elapsed;
    INSTR_TIME_SET_CURRENT(elapsed);
    INSTR_TIME_SUBTRACT(elapsed, s->start);
    const double total_ms = INSTR_TIME_GET_MILLISEC(elapsed);
    if (total_ms < min_duration_ms || scratch_size == 0)
        return;
    const Limits l = record_limits();
    SampleFixed fixed = fixed_part(s, total_ms);
    const int code = geterrcode();
    fixed.sqlstate = code;
    fixed.status = code != ERRCODE_QUERY_CANCELED ? SampleStatus::error
                   : statement_timeout_fired()    ? SampleStatus::timeout
                                                  : SampleStatus::cancelled;
    bool truncated = false;
    SampleTexts texts;
    texts.plan = compact_plan(s, l.plan, &truncated);
    texts.predicates = predicates_json(s, l.predicates, &truncated);
    texts.query = statement_text(s->query, l.text, &truncated);
    texts.params = s->params ? std::string_view(s->params, s->params_len) : std::string_view();
    fixed.truncated = fixed.truncated || truncated;
    append_sample(fixed, texts);
}

void on_statement_error(QueryDesc *query) noexcept
{
    if (n_active == 0)
        return;
    if (ActiveSample *s = take_active(query))
        record_failed(s);
}

// ---- hooks ----------------------------------------------------------------------------------------
PlannedStmt *capture_planner(Query *parse, const char *query_string, int cursor_options, ParamListInfo params)
{
    if (!capture_enabled || !shared || sample_rate <= 0 || (nesting_level > 0 && !capture_nested)) {
        if (prev_planner_hook)
            return prev_planner_hook(parse, query_string, cursor_options, params);
        return standard_planner(parse, query_string, cursor_options, params);
    }
    instr_time start, duration;
    INSTR_TIME_SET_CURRENT(start);
    PlannedStmt *result = prev_planner_hook ? prev_planner_hook(parse, query_string, cursor_options, params)
                                            : standard_planner(parse, query_string, cursor_options, params);
    INSTR_TIME_SET_CURRENT(duration);
    INSTR_TIME_SUBTRACT(duration, start);
    planned_stmt = result;
    planned_ms = INSTR_TIME_GET_MILLISEC(duration);
    return result;
}

void capture_ExecutorStart(QueryDesc *query, int eflags)
{
    const bool sampled = should_sample(eflags);
    if (sampled)
        query->instrument_options |= INSTRUMENT_TIMER | INSTRUMENT_ROWS | INSTRUMENT_BUFFERS;
    if (prev_ExecutorStart)
        prev_ExecutorStart(query, eflags);
    else
        standard_ExecutorStart(query, eflags);
    if (sampled)
        begin_sample(query);
}

void capture_ExecutorRun(QueryDesc *query, ScanDirection direction, uint64 count, bool execute_once)
{
    nesting_level++;
    PG_TRY();
    {
        if (prev_ExecutorRun)
            prev_ExecutorRun(query, direction, count, execute_once);
        else
            standard_ExecutorRun(query, direction, count, execute_once);
    }
    PG_CATCH();
    {
        nesting_level--;
        on_statement_error(query);
        PG_RE_THROW();
    }
    PG_END_TRY();
    nesting_level--;
}

void capture_ExecutorFinish(QueryDesc *query)
{
    nesting_level++;
    PG_TRY();
    {
        if (prev_ExecutorFinish)
            prev_ExecutorFinish(query);
        else
            standard_ExecutorFinish(query);
    }
    PG_CATCH();
    {
        nesting_level--;
        on_statement_error(query);
        PG_RE_THROW();
    }
    PG_END_TRY();
    nesting_level--;
}

void capture_ExecutorEnd(QueryDesc *query)
{
    if (n_active > 0) {
        if (ActiveSample *s = take_active(query))
            record_finished(s);
    }
    if (prev_ExecutorEnd)
        prev_ExecutorEnd(query);
    else
        standard_ExecutorEnd(query);
}

// Statements run by a utility (a DO block, CALL, CREATE TABLE AS, EXPLAIN ANALYZE) are nested;
// EXECUTE of a prepared statement is not (its statement is the client's, as pg_stat_statements sees it).
void capture_ProcessUtility(PlannedStmt *pstmt, const char *query_string, bool read_only_tree,
                            ProcessUtilityContext context, ParamListInfo params, QueryEnvironment *query_env,
                            DestReceiver *dest, QueryCompletion *qc)
{
    Node *stmt = pstmt->utilityStmt;
    if (IsA(stmt, ExecuteStmt) || IsA(stmt, PrepareStmt) || IsA(stmt, DeallocateStmt)) {
        if (prev_ProcessUtility)
            prev_ProcessUtility(pstmt, query_string, read_only_tree, context, params, query_env, dest, qc);
        else
            standard_ProcessUtility(pstmt, query_string, read_only_tree, context, params, query_env, dest, qc);
        return;
    }
    nesting_level++;
    PG_TRY();
    {
        if (prev_ProcessUtility)
            prev_ProcessUtility(pstmt, query_string, read_only_tree, context, params, query_env, dest, qc);
        else
            standard_ProcessUtility(pstmt, query_string, read_only_tree, context, params, query_env, dest, qc);
    }
    PG_FINALLY();
    {
        nesting_level--;
    }
    PG_END_TRY();
}

void define_settings()
{
    DefineCustomBoolVariable("autopilot.capture", "Captures sampled statements for the advisor.",
                             "Needs autopilot in shared_preload_libraries.", &capture_enabled, true, PGC_SUSET, 0,
                             nullptr, nullptr, nullptr);
    DefineCustomRealVariable("autopilot.sample_rate", "Fraction of statements captured (0 to 1).",
                             "Sampled statements run with EXPLAIN ANALYZE instrumentation.", &sample_rate, 0.01, 0.0,
                             1.0, PGC_SUSET, 0, check_sample_rate, nullptr, nullptr);
    DefineCustomIntVariable("autopilot.capture_min_duration",
                            "Sampled statements faster than this are not recorded.",
                            "Zero records every sampled statement.", &min_duration_ms, 0, 0, INT_MAX, PGC_SUSET,
                            GUC_UNIT_MS, nullptr, nullptr, nullptr);
    DefineCustomBoolVariable("autopilot.capture_nested",
                             "Also samples statements run inside functions and procedures.", nullptr,
                             &capture_nested, false, PGC_SUSET, 0, nullptr, nullptr, nullptr);
    DefineCustomIntVariable("autopilot.capture_max_text",
                            "Longest statement text (and bound parameters) kept per sample.",
                            "Longer texts are cut and the sample is flagged truncated.", &max_text_bytes, 8 * 1024,
                            256, 1024 * 1024, PGC_SUSET, GUC_UNIT_BYTE, nullptr, nullptr, nullptr);
    DefineCustomEnumVariable("autopilot.capture_plan_format", "How sampled plans are written.",
                             "compact: EXPLAIN's keys with conditions counted, not deparsed (cheap); "
                             "explain: EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) output.",
                             &plan_format, kPlanCompact, plan_format_options, PGC_SUSET, 0, nullptr, nullptr,
                             nullptr);
    DefineCustomIntVariable("autopilot.capture_max_plan",
                            "Largest plan (and predicate list) kept per sample, as compact JSON.",
                            "Larger plans lose their deepest levels and the sample is flagged truncated.",
                            &max_plan_bytes, 64 * 1024, 1024, 16 * 1024 * 1024, PGC_SUSET, GUC_UNIT_BYTE, nullptr,
                            nullptr, nullptr);
}

}  // namespace

void capture_init()
{
    define_settings();
    if (!process_shared_preload_libraries_in_progress)
        return;
    // A PGC_POSTMASTER setting can only be defined while the server starts. PostgreSQL only warns
    // about a bad value for a library's setting and uses the default; for the ring's size we refuse
    // to start instead, so a typo does not silently give a ring of another size.
    constexpr int min_kb = 1024, max_kb = 1024 * 1024;
    // (Copied: defining the setting frees the placeholder that holds the configured text.)
    const char *placeholder = GetConfigOption("autopilot.capture_buffer_size", true, false);
    const char *configured = placeholder ? pstrdup(placeholder) : nullptr;
    DefineCustomIntVariable("autopilot.capture_buffer_size", "Size of the shared-memory capture ring.",
                            "When full, the oldest samples are overwritten and counted as dropped.", &buffer_size_kb,
                            16 * 1024, min_kb, max_kb, PGC_POSTMASTER, GUC_UNIT_KB, nullptr, nullptr, nullptr);
    int kb = 0;
    if (configured && (!parse_int(configured, &kb, GUC_UNIT_KB, nullptr) || kb < min_kb || kb > max_kb))
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("invalid value for parameter \"autopilot.capture_buffer_size\": \"%s\"", configured),
                        errdetail("The capture ring must be between 1MB and 1GB.")));
    prev_shmem_request_hook = shmem_request_hook;
    shmem_request_hook = capture_shmem_request;
    prev_shmem_startup_hook = shmem_startup_hook;
    shmem_startup_hook = capture_shmem_startup;
    prev_planner_hook = planner_hook;
    planner_hook = capture_planner;
    prev_ExecutorStart = ExecutorStart_hook;
    ExecutorStart_hook = capture_ExecutorStart;
    prev_ExecutorRun = ExecutorRun_hook;
    ExecutorRun_hook = capture_ExecutorRun;
    prev_ExecutorFinish = ExecutorFinish_hook;
    ExecutorFinish_hook = capture_ExecutorFinish;
    prev_ExecutorEnd = ExecutorEnd_hook;
    ExecutorEnd_hook = capture_ExecutorEnd;
    prev_ProcessUtility = ProcessUtility_hook;
    ProcessUtility_hook = capture_ProcessUtility;
    RegisterXactCallback(capture_xact_callback, nullptr);
    RegisterSubXactCallback(capture_subxact_callback, nullptr);
}

CaptureShared *capture_shared_or_error(const char *function)
{
    if (!shared)
        ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
                        errmsg("%s needs autopilot in shared_preload_libraries", function),
                        errdetail("Workload capture uses shared memory, which is only available to libraries "
                                  "loaded at server start."),
                        errhint("Set shared_preload_libraries = 'pg_stat_statements,autopilot' and restart "
                                "the server.")));
    return shared;
}

bool capture_enabled_setting() noexcept { return capture_enabled; }
double capture_sample_rate_setting() noexcept { return sample_rate; }

}  // namespace autopilot
