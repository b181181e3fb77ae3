// Collect: what the advisor observes, read from the server. Snapshots of pg_stat_statements turned
// into deltas over a window (a reset or a restart starts a new window instead of giving negative
// counts), captured samples drained into autopilot.samples with retention, and the catalog with its
// statistics (sizes, pg_stats, index usage, write rates).
#pragma once

#include "workload.hpp"

#include <pqxx/pqxx>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace autopilot {

struct PssRow {
    int64_t queryid = 0;
    std::string query;          // normalized text
    double calls = 0;
    double total_ms = 0;        // planning + execution
    double rows = 0;
};

struct PssSnapshot {
    double taken_at = 0;        // epoch seconds
    double reset_at = 0;        // pg_stat_statements_info.stats_reset (epoch seconds)
    std::map<int64_t, PssRow> rows;  // summed over users, top-level statements of this database
};

// The work done between two snapshots. Without a usable previous snapshot (first cycle, or the
// statistics were reset or the server restarted in between) the window starts at the reset.
std::vector<PssRow> statement_delta(const PssSnapshot *prev, const PssSnapshot &cur, double &window_hours);

// A captured sample as the advisor reads it from autopilot.samples.
struct SampleRow {
    int64_t queryid = 0;
    std::string status;         // ok | error | timeout | cancelled
    double total_ms = 0;
    std::string query;          // real text with literals
    bool truncated = false;
    std::string predicates;     // JSON array (capture contract), may be empty
};

PssSnapshot snapshot_statements(pqxx::connection_base &db);

// Drains the capture ring into autopilot.samples, applies the retention, fills fingerprints.
// Returns the number of samples stored; 0 (not an error) when capture is not available.
int64_t drain_samples(pqxx::connection_base &db, int64_t max_rows, const std::string &keep);

// Samples of the last `hours` (at most `per_statement` of each statement, newest first).
std::vector<SampleRow> load_samples(pqxx::connection_base &db, double hours, int per_statement);

// The sampling rate the samples were taken with (1 when capture is not configured).
double capture_sample_rate(pqxx::connection_base &db);

// User tables (not the extension's own), their columns with pg_stats, their indexes with usage.
// `stats_hours` receives how long the table counters have been accumulating.
Catalog load_catalog(pqxx::connection_base &db, double &stats_hours);

} // namespace autopilot
