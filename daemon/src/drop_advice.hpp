// Drop advice (pure): indexes nothing used over the observation window, and indexes made redundant by
// another whose key columns start with theirs. Indexes that enforce something (primary key, unique,
// constraints, replica identity) are never proposed. The advisor then costs each proposal with
// hypo_hide and keeps only those whose absence slows no statement.
#pragma once

#include "workload.hpp"

#include <string>
#include <vector>

namespace autopilot {

struct DropCandidate {
    std::string table;               // TableInfo::key()
    IndexInfo index;
    std::string reason;              // "unused" or "redundant"
    std::string covered_by;          // the index that serves it (redundant only)
    double write_saving_ms_per_hour = 0;
};

struct DropOptions {
    double min_observation_hours = 24;  // "unused" needs a window long enough to mean something
    double write_ms_per_row = 0.01;
};

bool protected_index(const IndexInfo &ix);

std::vector<DropCandidate> drop_candidates(const Catalog &catalog, double observed_hours, const DropOptions &o = {});

} // namespace autopilot
