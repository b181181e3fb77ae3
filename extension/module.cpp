// Module entry: PG_MODULE_MAGIC, _PG_init, and the version/self-test SQL functions.
// The library version is compiled in from sql/autopilot.control (the one place it is written).
#include "boundary.hpp"
#include "module.hpp"

#include <memory>
#include <stdexcept>
#include <string>

extern "C" {
#include "catalog/pg_extension.h"
#include "commands/extension.h"
#include "utils/lsyscache.h"

PG_MODULE_MAGIC;

PGDLLEXPORT void _PG_init(void);
PGDLLEXPORT Datum autopilot_version(PG_FUNCTION_ARGS);
PGDLLEXPORT Datum autopilot_boundary_selftest(PG_FUNCTION_ARGS);
PG_FUNCTION_INFO_V1(autopilot_version);
PG_FUNCTION_INFO_V1(autopilot_boundary_selftest);
}

namespace autopilot {

namespace {

// Counts live instances, so a test can prove C++ destructors ran when a PostgreSQL error was
// carried out of C++ (the failure mode of a raw longjmp is a leaked, never-destroyed object).
int live_guards = 0;
struct LiveGuard {
    LiveGuard() { ++live_guards; }
    ~LiveGuard() { --live_guards; }
    LiveGuard(const LiveGuard &) = delete;
    LiveGuard &operator=(const LiveGuard &) = delete;
};

}  // namespace
}  // namespace autopilot

void _PG_init(void)
{
    // One line per concern (see module.hpp).
    autopilot::capture_init();
    autopilot::hypo_init();
}

Datum autopilot_version(PG_FUNCTION_ARGS)
{
    return autopilot::sql_entry("version", [&]() -> Datum {
        // The server we were compiled against, as major.minor (PG_VERSION carries distribution noise).
        std::string v = std::string(AUTOPILOT_VERSION " (build " AUTOPILOT_BUILD ", PostgreSQL ") +
                        std::to_string(PG_VERSION_NUM / 10000) + "." + std::to_string(PG_VERSION_NUM % 10000) + ")";
        return PointerGetDatum(cstring_to_text(v.c_str()));
    });
}

// autopilot.boundary_selftest(kind text): exercises each way out of C++.
Datum autopilot_boundary_selftest(PG_FUNCTION_ARGS)
{
    return autopilot::sql_entry("boundary_selftest", [&]() -> Datum {
        using namespace autopilot;
        if (PG_ARGISNULL(0))
            throw_null_argument("autopilot.boundary_selftest", "kind");
        auto kind = std::string(text_to_cstring(PG_GETARG_TEXT_PP(0)));
        auto guard = std::make_unique<LiveGuard>();
        if (kind == "ok")
            return PointerGetDatum(cstring_to_text("ok"));
        if (kind == "live")
            return PointerGetDatum(cstring_to_text(std::to_string(live_guards - 1).c_str()));
        if (kind == "cpp")
            throw std::runtime_error("C++ exception from the self-test");
        if (kind == "error")
            throw Error(ERRCODE_INVALID_PARAMETER_VALUE, "self-test error with a SQLSTATE", "a detail",
                        "a hint");
        if (kind == "bad_alloc")
            throw std::bad_alloc();
        if (kind == "pg") {
            // int4in ereports on bad input: the error must cross C++ as PgError and keep its SQLSTATE.
            pg_guard([] { return DirectFunctionCall1(int4in, CStringGetDatum("not a number")); });
            return PointerGetDatum(cstring_to_text("unreachable"));
        }
        throw Error(ERRCODE_INVALID_PARAMETER_VALUE, "unknown self-test kind \"" + kind + "\"",
                    {}, "Use ok, live, cpp, error, bad_alloc or pg.");
    });
}
