// Workload capture: the shared state the executor hooks (capture.cpp) write and the SQL functions
// (capture_sql.cpp) read. See the header comment of capture.cpp for the design.
#pragma once

#include "pg.hpp"

#include "sample_ring.hpp"

extern "C" {
#include "storage/lwlock.h"
}

namespace autopilot {

// Registers the GUCs (always) and, when loaded by shared_preload_libraries, the shared memory
// request and the hooks. Called once from _PG_init.
void capture_init();

// The one block of shared memory: the lock, the ring's state and counters, then the ring's bytes.
// Every field is read and written under `lock`.
struct CaptureShared {
    LWLock *lock;
    RingState ring;
    uint64 truncated;  // samples stored with a text, plan or predicate list cut short
    uint64 failed;     // samples of statements that ended with an error, a timeout or a cancel
    char data[FLEXIBLE_ARRAY_MEMBER];
};

// The shared block, or an ereport(ERROR) naming shared_preload_libraries when the library was not
// preloaded (then there is no shared memory and the hooks are not installed).
CaptureShared *capture_shared_or_error(const char *function);

// Current settings, for autopilot.capture_status.
bool capture_enabled_setting() noexcept;
double capture_sample_rate_setting() noexcept;

}  // namespace autopilot
