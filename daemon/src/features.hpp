// Plan featurization: a fixed-length, versioned vector of numbers from a PostgreSQL JSON plan
// (EXPLAIN (FORMAT JSON), a what-if plan or a captured plan: the same shape). Only estimates are
// read, never actuals, so hypothetical plans and executed plans featurize alike. The list of
// features and what each means is in docs/predictor.md; change it only with a new version.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

namespace autopilot
{

// Bump whenever a feature is added, removed, reordered or computed differently: models record the
// version they were trained with and a model of another version is refused.
inline constexpr int kFeatureVersion = 2;

class PlanError : public std::runtime_error
{
  public:
    using std::runtime_error::runtime_error;
};

struct RelationStats {
    double pages = 0;   // pg_class.relpages
    double tuples = 0;  // pg_class.reltuples (negative: never analyzed)
};

// What the featurizer needs besides the plan: catalog sizes and memory settings, read by the
// collector (RelationStats keyed by "schema.table"; a plain "table" key also matches plans
// without a "Schema" field).
struct FeatureContext {
    std::map<std::string, RelationStats> relations;
    double work_mem_kb = 4096;
    double shared_buffers_pages = 16384;
};

// The names of the features, in vector order (stable for one kFeatureVersion).
const std::vector<std::string> &feature_names();
std::size_t feature_count();

// Accepts the "Plan" object, {"Plan": {...}} or EXPLAIN's whole array. Throws PlanError when the
// document is not a plan (no "Node Type" at the root, non-numeric costs).
std::vector<float> featurize(const nlohmann::json &plan, const FeatureContext &context);

// The root "Plan" object of any of the accepted shapes (PlanError if none).
const nlohmann::json &plan_root(const nlohmann::json &plan);

// Relations a plan scans, as they appear in it ("schema.table" when the plan names the schema).
std::vector<std::string> plan_relations(const nlohmann::json &plan);

}  // namespace autopilot
