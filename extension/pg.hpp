// The one place PostgreSQL's C headers enter our C++: postgres.h first, everything inside extern "C".
// Pure C++ files never include this; they static_assert(!defined POSTGRES_H) through pure.hpp.
#pragma once

// We build with -fvisibility=hidden; PostgreSQL 15 leaves PGDLLEXPORT empty on ELF, so the symbols
// the server looks up (magic block, _PG_init, V1 functions) are exported explicitly.
#ifndef PGDLLEXPORT
#define PGDLLEXPORT __attribute__((visibility("default")))
#endif

extern "C" {
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/elog.h"
#include "utils/memutils.h"
}
