// The what-if client: a CostOracle over autopilot.whatif() and autopilot.hypo_estimate() on one
// connection. Each call plans one statement with a set of hypothetical indexes; nothing executes.
// Planning errors (a statement the server cannot plan) come back as PlanEstimate::error.
#pragma once

#include "cost_cache.hpp"
#include "latency.hpp"
#include "workload.hpp"

#include <pqxx/pqxx>

#include <map>
#include <string>
#include <vector>

namespace autopilot {

class WhatIfClient final : public CostOracle {
public:
    WhatIfClient(pqxx::connection_base &db, const std::vector<WorkloadStatement> &workload, const Catalog &catalog,
                 const LatencyPredictor &latency);
    PlanEstimate estimate(size_t stmt, const std::vector<IndexDef> &indexes) override;
    int64_t size_bytes(const IndexDef &idx) override;

    // Real indexes hidden from the planner (hypo_hide) for the drop advice; affects later estimates.
    void hide(const std::string &qualified_index);
    void unhide_all();

private:
    struct Base {
        double cost = 0;
        nlohmann::json plan;
    };
    pqxx::connection_base &db_;
    const std::vector<WorkloadStatement> &workload_;
    const Catalog &catalog_;
    const LatencyPredictor &latency_;
    std::map<size_t, Base> base_;
    std::string hidden_;  // a different planner world: base plans are per hidden set

    bool plan(size_t stmt, const std::vector<IndexDef> &indexes, double &cost, nlohmann::json &plan,
              std::vector<int> &used, std::string &error);
};

// A PostgreSQL text[] literal.
std::string pg_text_array(const std::vector<std::string> &items);

// Size of an index from table statistics when the extension cannot estimate it: entries of the key
// (and INCLUDE) widths plus tuple overhead, packed at the B-tree's default 90% fill.
int64_t fallback_index_bytes(const IndexDef &idx, const Catalog &catalog);

} // namespace autopilot
