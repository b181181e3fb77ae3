// The interface the search costs configurations through, and the cache in front of the what-if
// client: each distinct (statement, set of indexes relevant to it) is asked once. The search passes
// only the indexes a statement can use, so configurations differing elsewhere share entries.
#pragma once

#include "index_def.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace autopilot {

// A statement's predicted execution under one index configuration.
struct PlanEstimate {
    bool ok = false;
    std::string error;
    double cost = 0;                 // optimizer total cost
    double ms = 0;                   // predicted latency (model, or cost mapped to time)
    std::vector<std::string> used;   // IndexDef::key() of the hypothetical indexes the plan uses
};

class CostOracle {
public:
    virtual ~CostOracle() = default;
    // `stmt` indexes the workload vector; `indexes` are added hypothetically on top of the real ones.
    virtual PlanEstimate estimate(size_t stmt, const std::vector<IndexDef> &indexes) = 0;
    virtual int64_t size_bytes(const IndexDef &idx) = 0;
};

struct CacheStats {
    uint64_t lookups = 0;
    uint64_t hits = 0;
    uint64_t calls = 0;              // what-if calls that reached the inner oracle
    uint64_t size_calls = 0;
    double hit_rate() const { return lookups ? double(hits) / double(lookups) : 0; }
};

class CostCache final : public CostOracle {
public:
    explicit CostCache(CostOracle &inner) : inner_(inner) {}
    PlanEstimate estimate(size_t stmt, const std::vector<IndexDef> &indexes) override;
    int64_t size_bytes(const IndexDef &idx) override;
    const CacheStats &stats() const { return stats_; }

private:
    CostOracle &inner_;
    std::map<std::string, PlanEstimate> plans_;
    std::map<std::string, int64_t> sizes_;
    CacheStats stats_;
};

} // namespace autopilot
