// The learned latency model: an ensemble of XGBoost regressors on plan features, target
// log(latency in ms). Training, held-out evaluation (by statement fingerprint and at random, each
// beside the "optimizer cost × fitted scale" baseline), prediction with an uncertainty interval,
// and per-feature contributions for explanations. Pure: no database, no files.
#pragma once

#include "features.hpp"
#include "xgb.hpp"

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace autopilot
{

// One executed statement, as the capture contract gives it (status 'ok' only are learned from).
struct Sample {
    std::string fingerprint;  // groups samples of one statement template (libpg_query fingerprint)
    nlohmann::json plan;      // the "Plan" object
    double total_ms = 0;
    std::string status = "ok";
};

// A featurized sample.
struct Example {
    std::string fingerprint;
    std::vector<float> features;
    double total_ms = 0;
    double total_cost = 0;
};

// Featurizes the usable samples (status 'ok', positive latency, a valid plan); the rest are counted
// in `skipped` rather than failing the whole set.
std::vector<Example> make_examples(const std::vector<Sample> &samples, const FeatureContext &context,
                                   std::size_t *skipped = nullptr);

// What the members learn: ln(ms) (the default), or log_ms_over_cost = ln(ms) - ln(optimizer total
// cost), the correction to the cost, to which the prediction adds ln(cost) back. The residual
// target was meant to extrapolate better to unseen templates (trees cannot extrapolate); on
// bench/predictor it did not (leave-templates-out p90 3.88 vs 3.53: docs/benchmarks.md), so it
// stays an option.
enum class Target { log_ms, log_ms_over_cost };
const char *to_string(Target target);
std::optional<Target> target_from_string(const std::string &s);

// Hyper-parameters (see docs/predictor.md for why these values).
struct TrainingOptions {
    Target target = Target::log_ms;
    int members = 5;  // ensemble size: the spread of members is the model's uncertainty
    int rounds = 300;
    int max_depth = 6;
    double eta = 0.05;
    double subsample = 0.8;  // row bagging: makes the members differ
    double colsample = 0.8;
    double min_child_weight = 2;
    double lambda = 1;
    std::uint64_t seed = 7;
    double test_fraction = 0.2;  // share of fingerprints (resp. rows) held out by each split
    int threads = 2;
    // Weight samples by 1/sqrt(samples of their fingerprint), so frequent templates do not drown
    // rare ones and the model generalizes across templates.
    bool balance_fingerprints = true;
};

// Q-error = max(predicted/actual, actual/predicted) >= 1.
struct QErrorStats {
    std::size_t n = 0;
    double median = 0, p90 = 0, p95 = 0, max = 0;
};
QErrorStats qerror_stats(const std::vector<double> &predicted_ms, const std::vector<double> &actual_ms);
nlohmann::json to_json(const QErrorStats &q);

struct SplitReport {
    std::string name;  // "fingerprint" or "random"
    std::size_t train_rows = 0, test_rows = 0, train_fingerprints = 0, test_fingerprints = 0;
    QErrorStats model, baseline;
};

struct Evaluation {
    SplitReport by_fingerprint, random;
    double train_seconds = 0;  // training the final model on all examples
    nlohmann::json to_json() const;
};

struct Contribution {
    std::string feature;
    double log_effect = 0;  // additive effect on ln(ms); exp() of it is the multiplicative factor
};

struct Prediction {
    double ms = 0, low_ms = 0, high_ms = 0;
    // 0..1: 1 / (the interval's multiplicative half-width), e.g. ×/÷2 -> 0.5.
    double confidence = 0;
};

class LatencyModel
{
  public:
    // Trains on every example (throws std::invalid_argument when there are none).
    static LatencyModel train(const std::vector<Example> &examples, const TrainingOptions &options = {});
    // Held-out evaluation of the same recipe on both splits, and the final model on all examples.
    static std::pair<LatencyModel, Evaluation> train_and_evaluate(const std::vector<Example> &examples,
                                                                  const TrainingOptions &options = {});

    Prediction predict(const std::vector<float> &features) const;
    std::vector<Prediction> predict(const std::vector<std::vector<float>> &rows) const;
    // The `top` features with the largest absolute contribution (mean over the members).
    std::vector<Contribution> explain(const std::vector<float> &features, std::size_t top = 3) const;

    // Persistence (model_store): members as XGBoost JSON, the rest as metadata.
    std::vector<std::string> members_json() const;
    static LatencyModel from_parts(const std::vector<std::string> &members_json, double log_cost_scale,
                                   double residual_q80, Target target = Target::log_ms);
    Target target() const { return target_; }
    double log_cost_scale() const { return log_cost_scale_; }
    double residual_q80() const { return residual_q80_; }
    std::size_t members() const { return members_.size(); }

  private:
    std::vector<std::shared_ptr<const xgb::Booster>> members_;
    double log_cost_scale_ = 0;  // baseline: ln(ms) ≈ ln(cost) + log_cost_scale
    double residual_q80_ = 0.5;  // 80th percentile of |ln residual| held out: widens the interval
    Target target_ = Target::log_ms;
};

// The cost baseline: ln(ms) - ln(cost) averaged over `examples` (least squares in log space).
double fit_log_cost_scale(const std::vector<Example> &examples);

// "seq_scan_pages ×2.3, hash_join.rows ×1.4, total_cost ÷1.2": a rationale fragment.
std::string describe(const std::vector<Contribution> &contributions);

}  // namespace autopilot
