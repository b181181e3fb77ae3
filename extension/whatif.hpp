// What-if: plans a statement, with hypothetical indexes, without executing it. One parse analysis
// per statement text (whatif_prepare), then one planner call per configuration (whatif_plan).
// C-style PostgreSQL code (may ereport): C++ callers go through pg_guard().
#pragma once

#include "pg.hpp"

extern "C" {
#include "nodes/parsenodes.h"
#include "utils/jsonb.h"
}

namespace autopilot {

struct WhatIfResult {
    double total_cost;
    double startup_cost;
    double plan_rows;
    Jsonb *plan;               // EXPLAIN (FORMAT JSON)'s "Plan" object, or nullptr if not asked for
    Datum indexes_used;        // text[]: real indexes as schema.name, hypothetical ones by name
    Datum hypothetical_used;   // int[]: 1-based positions of the call's indexes the plan uses
};

// Parses, analyses ($n parameter types resolved by the server) and rewrites one statement, and
// checks the caller's privileges on what it reads or writes. SELECT, INSERT, UPDATE, DELETE and
// MERGE only. The returned Query is reused for every configuration (whatif_plan copies it).
Query *whatif_prepare(const char *query_text);

// One planner call (a generic plan if the statement has parameters) with the hypothetical indexes
// the hooks currently expose; the plan is never executed.
void whatif_plan(const Query *query, const char *query_text, bool with_plan, WhatIfResult *out);

}  // namespace autopilot
