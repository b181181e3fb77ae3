// Implementation of the C++/PostgreSQL boundary (see boundary.hpp for the two rules).
#include "boundary.hpp"

#include <cstdio>
#include <cstring>

namespace autopilot {

const char *PgError::what() const noexcept
{
    return data_ && data_->message ? data_->message : "PostgreSQL error";
}

namespace detail {

ErrorData *run_guarded(void (*fn)(void *), void *arg) noexcept
{
    MemoryContext oldcxt = CurrentMemoryContext;
    ErrorData *volatile caught = nullptr;
    PG_TRY();
    {
        fn(arg);
    }
    PG_CATCH();
    {
        // CopyErrorData must not run in ErrorContext; the copy lives in the caller's context and
        // is freed with it. FlushErrorState resets the error stack; the error is re-raised later.
        MemoryContextSwitchTo(oldcxt);
        caught = CopyErrorData();
        FlushErrorState();
    }
    PG_END_TRY();
    return caught;
}

static void copy_bounded(char *dst, size_t size, const char *src) noexcept
{
    if (!src)
        src = "";
    std::snprintf(dst, size, "%s", src);
}

void PendingError::set(int code, const char *msg, const char *det, const char *hnt) noexcept
{
    sqlstate = code;
    copy_bounded(message, sizeof message, msg);
    copy_bounded(detail, sizeof detail, det);
    copy_bounded(hint, sizeof hint, hnt);
}

void raise(const PendingError &pending, const char *where)
{
    if (pending.pg)
        ReThrowError(pending.pg);
    ereport(ERROR, (errcode(pending.sqlstate), errmsg("%s", pending.message),
                    pending.detail[0] ? errdetail("%s", pending.detail) : 0,
                    pending.hint[0] ? errhint("%s", pending.hint) : 0,
                    errcontext("autopilot function %s", where)));
    pg_unreachable();
}

}  // namespace detail
}  // namespace autopilot
