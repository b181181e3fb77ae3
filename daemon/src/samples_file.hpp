// Captured samples on disk, for training without a database (the shipped cold-start model,
// the benchmark): <dir>/samples.jsonl holds one sample per line with the columns of
// autopilot.samples that training reads (fingerprint, plan, total_ms, status; others are kept),
// <dir>/context.json the relation sizes and memory settings the featurizer needs.
#pragma once

#include "features.hpp"
#include "model.hpp"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace autopilot
{

struct SampleSet {
    std::vector<Sample> samples;
    FeatureContext context;
};

// Throws std::runtime_error naming the file and line on unreadable or malformed input.
SampleSet read_sample_set(const std::string &dir);

nlohmann::json context_to_json(const FeatureContext &context);
FeatureContext context_from_json(const nlohmann::json &j);

// `autopilotd train --from-samples DIR --out MODELS_DIR [--name NAME] [--seed N]`: trains,
// prints the held-out evaluation, saves the model. Returns the process exit code.
int train_command(const std::vector<std::string> &args);

}  // namespace autopilot
