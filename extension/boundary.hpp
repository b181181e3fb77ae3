// The C++/PostgreSQL boundary. Two rules (docs/architecture.md, "The boundary"):
//  1. Every SQL-callable function and hook enters our C++ through sql_entry(), which turns any C++
//     exception into ereport(ERROR) *after* all C++ frames of the call have unwound.
//  2. A call from C++ into PostgreSQL that may ereport while C++ objects with destructors are alive
//     goes through pg_guard(), which catches the longjmp (PG_TRY) and rethrows it as PgError, so the
//     C++ stack unwinds normally; sql_entry() then re-raises the original error, SQLSTATE intact.
#pragma once

#include "pg.hpp"

#include <exception>
#include <string>
#include <type_traits>
#include <utility>

namespace autopilot {

// An error raised by our own code, with the SQLSTATE the client will see.
class Error : public std::exception {
public:
    Error(int sqlstate, std::string message, std::string detail = {}, std::string hint = {})
        : sqlstate_(sqlstate), message_(std::move(message)), detail_(std::move(detail)), hint_(std::move(hint))
    {
    }
    const char *what() const noexcept override { return message_.c_str(); }
    int sqlstate() const noexcept { return sqlstate_; }
    const std::string &detail() const noexcept { return detail_; }
    const std::string &hint() const noexcept { return hint_; }

private:
    int sqlstate_;
    std::string message_;
    std::string detail_;
    std::string hint_;
};

// A PostgreSQL error caught by pg_guard(), carried through C++ frames until sql_entry() re-raises it.
// Between the catch and the re-raise our code only unwinds: it must not call PostgreSQL again.
class PgError : public std::exception {
public:
    explicit PgError(ErrorData *data) noexcept : data_(data) {}
    const char *what() const noexcept override;
    ErrorData *data() const noexcept { return data_; }

private:
    ErrorData *data_;  // palloc'd copy in the memory context that was current when pg_guard was entered
};

namespace detail {

// Runs fn(arg) under PG_TRY; on a PostgreSQL error returns the copied ErrorData, else nullptr.
ErrorData *run_guarded(void (*fn)(void *), void *arg) noexcept;

// Fixed-size, trivially destructible holder for an error on its way out of C++ (no std::string:
// ereport longjmps, and nothing with a destructor may be alive in the frame that raises).
struct PendingError {
    int sqlstate = 0;
    char message[1024] = {0};
    char detail[1024] = {0};
    char hint[512] = {0};
    ErrorData *pg = nullptr;

    void set(int code, const char *msg, const char *det = "", const char *hnt = "") noexcept;
};

[[noreturn]] void raise(const PendingError &pending, const char *where);

}  // namespace detail

// Calls PostgreSQL code that may ereport; a PostgreSQL error becomes a PgError exception.
// fn must itself be "C-style": no C++ objects with non-trivial destructors created inside it.
template <typename Fn>
auto pg_guard(Fn &&fn) -> decltype(fn())
{
    using Result = decltype(fn());
    if constexpr (std::is_void_v<Result>) {
        auto thunk = [](void *p) { (*static_cast<std::remove_reference_t<Fn> *>(p))(); };
        if (ErrorData *e = detail::run_guarded(thunk, &fn))
            throw PgError(e);
    } else {
        static_assert(std::is_trivially_copyable_v<Result>, "pg_guard returns plain values only");
        struct Frame {
            std::remove_reference_t<Fn> *fn;
            Result result;
        } frame{&fn, Result{}};
        auto thunk = [](void *p) {
            auto *f = static_cast<Frame *>(p);
            f->result = (*f->fn)();
        };
        if (ErrorData *e = detail::run_guarded(thunk, &frame))
            throw PgError(e);
        return frame.result;
    }
}

// The entry of every SQL-callable function: runs body() and converts any exception to ereport(ERROR).
// `where` names the SQL function for the error context.
template <typename Body>
Datum sql_entry(const char *where, Body &&body)
{
    detail::PendingError pending;
    try {
        return body();
    } catch (const PgError &e) {
        pending.pg = e.data();
    } catch (const Error &e) {
        pending.set(e.sqlstate(), e.what(), e.detail().c_str(), e.hint().c_str());
    } catch (const std::bad_alloc &) {
        pending.set(ERRCODE_OUT_OF_MEMORY, "out of memory");
    } catch (const std::exception &e) {
        pending.set(ERRCODE_INTERNAL_ERROR, e.what());
    } catch (...) {
        pending.set(ERRCODE_INTERNAL_ERROR, "unknown C++ exception");
    }
    detail::raise(pending, where);  // outside every catch block: the exception objects are gone
}

// Helpers for argument checking in entry points.
[[noreturn]] inline void throw_null_argument(const char *function, const char *argument)
{
    throw Error(ERRCODE_NULL_VALUE_NOT_ALLOWED, std::string(argument) + " must not be null",
                std::string("function ") + function + " was called with a null " + argument);
}

}  // namespace autopilot
