// SQL functions of workload capture: autopilot.capture_drain(), autopilot.capture_status_info()
// (behind the view autopilot.capture_status) and autopilot.capture_reset().
#include "boundary.hpp"
#include "capture.hpp"
#include "sample_record.hpp"

extern "C" {
#include "utils/array.h"
#include "utils/jsonb.h"
#include "utils/timestamp.h"
#include "utils/tuplestore.h"

PGDLLEXPORT Datum autopilot_capture_drain(PG_FUNCTION_ARGS);
PGDLLEXPORT Datum autopilot_capture_status_info(PG_FUNCTION_ARGS);
PGDLLEXPORT Datum autopilot_capture_reset(PG_FUNCTION_ARGS);
PG_FUNCTION_INFO_V1(autopilot_capture_drain);
PG_FUNCTION_INFO_V1(autopilot_capture_status_info);
PG_FUNCTION_INFO_V1(autopilot_capture_reset);
}

namespace autopilot {
namespace {

constexpr int kDrainColumns = 15;

Datum text_datum(std::string_view s)
{
    return PointerGetDatum(cstring_to_text_with_len(s.data(), static_cast<int>(s.size())));
}

Datum jsonb_datum(std::string_view s)
{
    char *cstr = pnstrdup(s.data(), s.size());
    return DirectFunctionCall1(jsonb_in, CStringGetDatum(cstr));
}

Datum params_array(std::string_view blob, int count)
{
    Datum *values = static_cast<Datum *>(palloc(sizeof(Datum) * Max(count, 1)));
    bool *nulls = static_cast<bool *>(palloc(sizeof(bool) * Max(count, 1)));
    ParamBlobReader reader(blob);
    int n = 0;
    std::string_view value;
    bool is_null;
    while (n < count && reader.next(&value, &is_null)) {
        nulls[n] = is_null;
        values[n] = is_null ? Datum(0) : text_datum(value);
        n++;
    }
    int dims[1] = {n};
    int lbs[1] = {1};
    return PointerGetDatum(construct_md_array(values, nulls, 1, dims, lbs, TEXTOID, -1, false, TYPALIGN_INT));
}

void put_sample(ReturnSetInfo *rsinfo, const SampleFixed &f, const SampleTexts &t)
{
    Datum values[kDrainColumns];
    bool nulls[kDrainColumns] = {};
    values[0] = Int64GetDatum(f.queryid);
    values[1] = ObjectIdGetDatum(f.dbid);
    values[2] = ObjectIdGetDatum(f.userid);
    values[3] = TimestampTzGetDatum(f.captured_at);
    values[4] = Float8GetDatum(f.total_ms);
    values[5] = Float8GetDatum(f.planning_ms);
    values[6] = Int64GetDatum(f.rows);
    values[7] = text_datum(status_name(f.status));
    if (f.sqlstate != 0)
        values[8] = text_datum(unpack_sql_state(f.sqlstate));
    else
        nulls[8] = true;
    values[9] = Int32GetDatum(f.nested_level);
    values[10] = text_datum(t.query);
    if (f.has_params)
        values[11] = params_array(t.params, f.nparams);
    else
        nulls[11] = true;
    if (!t.plan.empty())
        values[12] = jsonb_datum(t.plan);
    else
        nulls[12] = true;
    values[13] = jsonb_datum(t.predicates.empty() ? std::string_view("[]") : t.predicates);
    values[14] = BoolGetDatum(f.truncated);
    tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
}

}  // namespace
}  // namespace autopilot

// autopilot.capture_drain(max_samples int DEFAULT NULL): returns and removes the oldest samples.
// The records are copied out and removed under the lock, then decoded after it is released: a sample
// is returned by exactly one drain, and appenders wait only for the copy.
Datum autopilot_capture_drain(PG_FUNCTION_ARGS)
{
    return autopilot::sql_entry("capture_drain", [&]() -> Datum {
        using namespace autopilot;
        CaptureShared *shared = capture_shared_or_error("autopilot.capture_drain()");
        int64 limit = -1;
        if (!PG_ARGISNULL(0)) {
            limit = PG_GETARG_INT32(0);
            if (limit < 0)
                throw Error(ERRCODE_INVALID_PARAMETER_VALUE, "max_samples must not be negative",
                            "autopilot.capture_drain() was called with max_samples " + std::to_string(limit) + ".",
                            "Pass NULL to drain every sample.");
        }
        InitMaterializedSRF(fcinfo, 0);
        auto *rsinfo = reinterpret_cast<ReturnSetInfo *>(fcinfo->resultinfo);

        // Each taken record is stored as its size followed by its bytes.
        char *copy = nullptr;
        size_t copied = 0;
        LWLockAcquire(shared->lock, LW_EXCLUSIVE);
        SampleRing ring(&shared->ring, shared->data);
        const size_t needed = ring.used() + ring.state().records * sizeof(size_t);
        if (limit != 0 && ring.state().records > 0)
            copy = static_cast<char *>(MemoryContextAllocHuge(CurrentMemoryContext, needed));
        for (int64 taken = 0; copy && (limit < 0 || taken < limit); taken++) {
            size_t size;
            const char *payload = ring.peek(&size);
            if (!payload)
                break;
            memcpy(copy + copied, &size, sizeof size);
            memcpy(copy + copied + sizeof size, payload, size);
            copied += sizeof size + size;
            ring.pop();
        }
        LWLockRelease(shared->lock);

        for (size_t pos = 0; pos < copied;) {
            size_t size;
            memcpy(&size, copy + pos, sizeof size);
            pos += sizeof size;
            SampleFixed fixed;
            SampleTexts texts;
            if (decode_sample(copy + pos, size, &fixed, &texts))
                put_sample(rsinfo, fixed, texts);
            pos += size;
        }
        return Datum(0);
    });
}

// autopilot.capture_status_info(): the settings and the ring's counters, one row.
Datum autopilot_capture_status_info(PG_FUNCTION_ARGS)
{
    return autopilot::sql_entry("capture_status_info", [&]() -> Datum {
        using namespace autopilot;
        CaptureShared *shared = capture_shared_or_error("autopilot.capture_status");
        TupleDesc desc;
        if (get_call_result_type(fcinfo, nullptr, &desc) != TYPEFUNC_COMPOSITE)
            throw Error(ERRCODE_FEATURE_NOT_SUPPORTED, "function returning record called in a context that "
                                                       "cannot accept type record");
        desc = BlessTupleDesc(desc);
        LWLockAcquire(shared->lock, LW_SHARED);
        const RingState ring = shared->ring;
        const uint64 truncated = shared->truncated;
        const uint64 failed = shared->failed;
        LWLockRelease(shared->lock);

        Datum values[11];
        bool nulls[11] = {};
        values[0] = BoolGetDatum(capture_enabled_setting());
        values[1] = Float8GetDatum(capture_sample_rate_setting());
        values[2] = Int64GetDatum(static_cast<int64>(ring.capacity));
        values[3] = Int64GetDatum(static_cast<int64>(ring.head - ring.tail));
        values[4] = Int64GetDatum(static_cast<int64>(ring.records));
        values[5] = Int64GetDatum(static_cast<int64>(ring.appended));
        values[6] = Int64GetDatum(static_cast<int64>(ring.dropped));
        values[7] = Int64GetDatum(static_cast<int64>(ring.drained));
        values[8] = Int64GetDatum(static_cast<int64>(truncated));
        values[9] = Int64GetDatum(static_cast<int64>(failed));
        values[10] = Int64GetDatum(static_cast<int64>(SampleRing::max_payload(ring.capacity)));
        return HeapTupleGetDatum(heap_form_tuple(desc, values, nulls));
    });
}

// autopilot.capture_reset(): empties the ring and zeroes its counters.
Datum autopilot_capture_reset(PG_FUNCTION_ARGS)
{
    return autopilot::sql_entry("capture_reset", [&]() -> Datum {
        using namespace autopilot;
        CaptureShared *shared = capture_shared_or_error("autopilot.capture_reset()");
        LWLockAcquire(shared->lock, LW_EXCLUSIVE);
        SampleRing(&shared->ring, shared->data).reset();
        shared->truncated = 0;
        shared->failed = 0;
        LWLockRelease(shared->lock);
        PG_RETURN_VOID();
    });
}
