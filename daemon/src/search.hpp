// Index configuration search under a storage budget (pure). Extend-style greedy search after Schlosser,
// Kossmann and Boissier, "Efficient Scalable Multi-Attribute Index Selection Using Recursive
// Strategies", ICDE 2019: each step either adds a new index or widens a chosen one by one column,
// whichever saves the most predicted workload time per byte, until the budget is spent or nothing pays.
#pragma once

#include "cost_cache.hpp"
#include "index_def.hpp"
#include "workload.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace autopilot {

struct SearchOptions {
    int64_t budget_bytes = 0;
    double regression_threshold = 0.10;    // veto a step that predicts any statement this much slower
    double min_statement_gain = 0.02;      // smaller predicted relative gains are noise, not benefit
    double min_benefit_ms_per_hour = 0;    // a step must save more than this (net of write cost)
    double write_ms_per_row = 0.01;        // maintenance of one B-tree entry per written row
    double brin_write_factor = 0.05;       // BRIN summarizes ranges: far cheaper to maintain
    size_t max_key_columns = 3;
    size_t max_steps = 100;
    bool widen = true;
};

struct ChosenIndex {
    IndexDef def;
    int64_t bytes = 0;
    double benefit_ms_per_hour = 0;        // attributed share of the final saving
    double write_penalty_ms_per_hour = 0;
    std::vector<size_t> statements;        // workload positions whose final plan uses it
};

struct StatementOutcome {
    size_t stmt = 0;
    bool costed = false;
    std::string error;
    double before_ms = 0;
    double after_ms = 0;
    double before_cost = 0;
    double after_cost = 0;
    std::vector<std::string> used;         // IndexDef::key() in the final plan
};

struct SearchStep {
    std::string action;                    // "add" or "widen"
    std::string index;                     // IndexDef::describe()
    double benefit_ms_per_hour = 0;
    int64_t bytes = 0;
};

struct SearchResult {
    std::vector<ChosenIndex> chosen;
    std::vector<StatementOutcome> outcomes;  // one per workload statement, same order
    std::vector<SearchStep> steps;
    std::vector<std::string> vetoed;         // "<index>: <statement> predicted x% slower"
    int64_t bytes = 0;
    double benefit_ms_per_hour = 0;
};

double write_penalty_ms_per_hour(const IndexDef &idx, const Catalog &catalog, const SearchOptions &o);

SearchResult search_indexes(const std::vector<WorkloadStatement> &workload, const Catalog &catalog,
                            const std::vector<IndexDef> &candidates, CostOracle &oracle, const SearchOptions &o);

} // namespace autopilot
