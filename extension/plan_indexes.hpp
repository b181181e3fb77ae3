// The indexes a plan uses: every index scan, index-only scan and bitmap index scan in the plan
// tree and its subplans. Used by what-if (indexes_used) and by the guard that keeps plans with
// hypothetical indexes from running.
#pragma once

#include "pg.hpp"

extern "C" {
#include "nodes/pg_list.h"
#include "nodes/plannodes.h"
}

namespace autopilot {

// Index OIDs, each once, in the order the plan tree first mentions them.
List *plan_index_oids(PlannedStmt *stmt);

}  // namespace autopilot
