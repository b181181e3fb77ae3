// Drop candidates (see drop_advice.hpp).
#include "drop_advice.hpp"

#include <algorithm>

namespace autopilot {

bool protected_index(const IndexInfo &ix)
{
    return ix.primary || ix.unique || ix.constraint || ix.replica_identity || ix.attached;
}

namespace {

bool has_expression(const IndexInfo &ix)
{
    return std::any_of(ix.keys.begin(), ix.keys.end(), [](const std::string &k) { return k.empty(); });
}

// `wide` serves every lookup `narrow` serves: same method, keys start with narrow's keys, and it
// carries every column narrow carries (so index-only scans stay index-only).
bool serves(const IndexInfo &wide, const IndexInfo &narrow)
{
    if (wide.method != "btree" || narrow.method != "btree" || wide.partial || narrow.partial || !wide.valid)
        return false;
    if (has_expression(wide) || has_expression(narrow) || wide.keys.size() < narrow.keys.size())
        return false;
    if (!std::equal(narrow.keys.begin(), narrow.keys.end(), wide.keys.begin()))
        return false;
    for (const auto &c : narrow.include)
        if (std::find(wide.keys.begin(), wide.keys.end(), c) == wide.keys.end() &&
            std::find(wide.include.begin(), wide.include.end(), c) == wide.include.end())
            return false;
    return true;
}

} // namespace

std::vector<DropCandidate> drop_candidates(const Catalog &catalog, double observed_hours, const DropOptions &o)
{
    std::vector<DropCandidate> out;
    for (const auto &t : catalog.tables) {
        for (const auto &ix : t.indexes) {
            if (protected_index(ix) || !ix.valid)
                continue;
            DropCandidate d;
            d.table = t.key();
            d.index = ix;
            d.write_saving_ms_per_hour = t.writes_per_hour * o.write_ms_per_row;
            for (const auto &other : t.indexes) {
                if (&other == &ix || !serves(other, ix))
                    continue;
                // Two identical indexes: keep the one that enforces something, else the first by name.
                const bool same = other.keys == ix.keys && other.include.size() == ix.include.size();
                if (same && !protected_index(other) && other.name > ix.name)
                    continue;
                d.reason = "redundant";
                d.covered_by = other.schema + "." + other.name;
                break;
            }
            if (d.reason.empty() && ix.scans == 0 && observed_hours >= o.min_observation_hours)
                d.reason = "unused";
            if (!d.reason.empty())
                out.push_back(std::move(d));
        }
    }
    return out;
}

} // namespace autopilot
