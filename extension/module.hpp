// Module-wide declarations: the per-concern initializers _PG_init calls, in order.
#pragma once

namespace autopilot {

// Each concern registers its GUCs and hooks here; called once from _PG_init.
// Concerns that need shared memory check process_shared_preload_libraries_in_progress themselves.
void init_concerns();

}  // namespace autopilot
