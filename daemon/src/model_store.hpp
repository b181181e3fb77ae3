// Latency models on disk: each model is a metadata JSON (<name>.meta.json: feature version,
// rows, splits, metrics, created_at, checksums) beside its XGBoost JSON members
// (<name>.m<k>.json). Loading checks everything and refuses a corrupt or incompatible model with
// a ModelLoadError that says which file and why; load_first() falls back along a list.
#pragma once

#include "model.hpp"

#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace autopilot
{

class ModelLoadError : public std::runtime_error
{
  public:
    using std::runtime_error::runtime_error;
};

inline constexpr const char *kModelFormat = "autopilot-latency-model";
inline constexpr int kModelFormatVersion = 1;

struct StoredModel {
    LatencyModel model;
    nlohmann::json metadata;
    std::string path;  // the metadata file
};

class ModelStore
{
  public:
    explicit ModelStore(std::string dir) : dir_(std::move(dir)) {}
    const std::string &dir() const { return dir_; }

    // Writes the members and the metadata (members first, metadata last and atomically: a model
    // is visible only once complete). `extra` is merged into the metadata (rows, metrics, ...).
    // Returns the metadata file's path. Throws std::runtime_error on I/O failure.
    std::string save(const LatencyModel &model, const std::string &name, const nlohmann::json &extra) const;

    // Loads a model from its metadata file; ModelLoadError when anything does not check out.
    static StoredModel load(const std::string &meta_path);

  private:
    std::string dir_;
};

// Tries each path in order and returns the first model that loads; every refusal is appended to
// `errors` ("<path>: <why>"). std::nullopt when none loads: the caller uses the optimizer's cost.
std::optional<StoredModel> load_first(const std::vector<std::string> &meta_paths, std::vector<std::string> &errors);

// What every trained model's metadata records besides what save() adds: rows, fingerprints, the
// held-out metrics and the training parameters.
nlohmann::json training_metadata(const TrainingOptions &options, const std::vector<Example> &examples,
                                 const Evaluation &evaluation);

// "latency-20261125T143000Z": a model name from a UTC time (sortable, unique per second).
std::string model_name_at(std::int64_t unix_seconds);
std::string iso8601_utc(std::int64_t unix_seconds);

}  // namespace autopilot
