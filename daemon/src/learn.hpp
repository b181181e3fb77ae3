// The learn step: keeps the latency model of this database current. It loads the active model
// (registry autopilot.models, then older ones, then the shipped default in models_dir), retrains
// from autopilot.samples when the retrain policy says so, saves and registers each model,
// activates it if it is not worse, publishes the predictor the advise step uses (ActiveLatency),
// and clusters the workload (autopilot.workload_cluster_members). Database I/O at this edge only;
// the decisions are the pure functions of retrain.hpp, model.hpp and cluster.hpp.
#pragma once

#include "config.hpp"
#include "model.hpp"
#include "retrain.hpp"
#include "step.hpp"

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace autopilot
{

// [model] settings beyond models_dir (Config::extra, docs/predictor.md).
struct LearnOptions {
    std::string models_dir;
    RetrainPolicy policy;
    TrainingOptions training;
    std::size_t max_training_samples = 20000;  // the newest usable samples
    bool retrain = true;                       // false: only load and use models, never train
    bool cluster = true;                       // cluster the workload each time samples changed
};

class LearnConfigError : public std::runtime_error
{
  public:
    using std::runtime_error::runtime_error;
};

// Throws LearnConfigError naming the key on a bad value.
LearnOptions learn_options(const Config &config);

// The shipped cold-start model's file in a models directory.
std::string default_model_path(const std::string &models_dir);

// What the step remembers between cycles (ctx.state).
struct LearnState {
    bool loaded = false;                        // the registry has been read once
    std::shared_ptr<const LatencyModel> model;  // null: the optimizer-cost fallback
    nlohmann::json metadata;                    // the model's metadata file
    std::optional<std::int64_t> model_id;       // the active model's registry id (none: default or no model)
    std::string model_name;
    bool from_this_database = false;
    std::size_t trained_rows = 0;
    std::int64_t trained_max_sample_id = 0;    // newest sample the active model saw
    std::int64_t attempted_max_sample_id = 0;  // newest sample any training attempt saw
    double recorded_median_qerror = 0;
    std::optional<QErrorStats> fingerprint_split;
    std::int64_t clustered_max_sample_id = -1;
};

class LearnStep final : public CycleStep
{
  public:
    std::string_view name() const override { return "learn"; }
    void run(Context &ctx) override;
};

}  // namespace autopilot
