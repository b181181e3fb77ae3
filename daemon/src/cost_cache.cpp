// Memoizes what-if estimates and size estimates (see cost_cache.hpp).
#include "cost_cache.hpp"

#include <algorithm>

namespace autopilot {

PlanEstimate CostCache::estimate(size_t stmt, const std::vector<IndexDef> &indexes)
{
    // Order does not change a plan: the key is the sorted set of index identities.
    std::vector<std::string> keys;
    keys.reserve(indexes.size());
    for (const auto &i : indexes)
        keys.push_back(i.key());
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    std::string k = std::to_string(stmt);
    for (const auto &s : keys)
        k += '\x1f' + s;

    ++stats_.lookups;
    if (auto it = plans_.find(k); it != plans_.end()) {
        ++stats_.hits;
        return it->second;
    }
    ++stats_.calls;
    PlanEstimate e = inner_.estimate(stmt, indexes);
    plans_.emplace(std::move(k), e);
    return e;
}

int64_t CostCache::size_bytes(const IndexDef &idx)
{
    const std::string k = idx.key();
    if (auto it = sizes_.find(k); it != sizes_.end())
        return it->second;
    ++stats_.size_calls;
    int64_t b = inner_.size_bytes(idx);
    sizes_.emplace(k, b);
    return b;
}

} // namespace autopilot
