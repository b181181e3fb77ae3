// Crash safety: make the recommendations table and the catalog agree again after the daemon was
// killed mid-build, or a build's leftover INVALID index could not be dropped at once.
#pragma once

#include "lifecycle.hpp"
#include "step.hpp"

#include <string>

namespace autopilot
{

enum class ReconcileAction {
    none,
    mark_applied,    // applying, and the index is there and valid: the build finished
    retry,           // applying, no index: back to approved
    fail,            // applying, no index, attempts used up
    drop_and_retry,  // applying, INVALID index: drop it, back to approved
    drop_and_fail,   // applying, INVALID index, attempts used up
    drop_leftover,   // not applying, but an INVALID index of ours is left: drop it
};

// Pure: what to do with one recommendation, given its index in the catalog.
ReconcileAction plan_reconcile(const std::string &status, int attempts, IndexState index, int max_attempts);

const char *to_string(ReconcileAction a);

// Applies plan_reconcile to every recommendation that needs it. Safe to run at any moment the
// daemon is not itself building (the daemon holds an advisory lock: one per database).
void reconcile(Context &ctx);

}  // namespace autopilot
