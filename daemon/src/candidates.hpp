// Candidate indexes from the workload's column uses (pure): the admissible index designs the search may
// pick from. B-tree key order follows how a B-tree is searched: equality columns first (most selective
// first), then at most one range column (a range ends the usable prefix), then sort/group columns.
#pragma once

#include "index_def.hpp"
#include "workload.hpp"

#include <string>
#include <vector>

namespace autopilot {

struct CandidateOptions {
    double min_table_rows = 1000;        // smaller tables are scanned faster than searched
    size_t max_key_columns = 3;
    size_t max_include_columns = 3;      // covering variants only for small column sets...
    double max_include_width = 48;       // ...of narrow columns (bytes, pg_stats.avg_width)
    double brin_min_correlation = 0.9;   // |pg_stats.correlation| for BRIN on range filters
    double brin_min_rows = 100000;
    double partial_max_distinct = 50;    // a constant filter on a low-cardinality column → partial index
};

// Every candidate for the workload, de-duplicated, in a deterministic order, minus what an existing
// valid index already serves.
std::vector<IndexDef> generate_candidates(const std::vector<WorkloadStatement> &workload, const Catalog &catalog,
                                          const CandidateOptions &options = {});

// True when an existing valid index of the table makes `idx` pointless: a non-partial index of the same
// method whose key columns start with idx's keys (and, for INCLUDE variants, covers its columns).
bool served_by_existing(const IndexDef &idx, const TableInfo &table);

// Columns of `table` the workload filters, joins, sorts or groups on: what Extend may widen an index with.
std::vector<std::string> indexable_columns(const std::vector<WorkloadStatement> &workload, const std::string &table);

// Whether a statement can use the index at all: it reads the table and uses the leading key column in a
// predicate, join, sort or group. Cost caching keys on the relevant indexes only.
bool index_relevant(const IndexDef &idx, const WorkloadStatement &st);

} // namespace autopilot
