// Module-wide declarations: the per-concern initializers _PG_init calls, in order.
#pragma once

namespace autopilot {

// Each concern registers its GUCs and hooks in its own init function, declared here and called
// once from _PG_init (extension/module.cpp), one line each. Concerns that need shared memory check
// process_shared_preload_libraries_in_progress themselves.

void capture_init();  // capture.cpp: GUCs; with the preload, shared memory and executor hooks
// Hypothetical indexes and what-if: planner, explain, utility and executor hooks (hypo_index.cpp).
// Installed whether or not the library is preloaded: they are per backend.
void hypo_init();

}  // namespace autopilot
