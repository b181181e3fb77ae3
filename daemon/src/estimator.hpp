// What the advisor asks: "how long will this plan take?" Answered by the active latency model,
// or, when there is none (cold start, refused model file), by the optimizer's cost times a
// fitted scale with a wide interval and low confidence. Thread-safe (const after construction).
#pragma once

#include "features.hpp"
#include "model.hpp"

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

namespace autopilot
{

struct LatencyEstimate {
    double ms = 0, low_ms = 0, high_ms = 0;
    double confidence = 0;    // 0..1, see Prediction
    bool from_model = false;  // false: optimizer cost × scale
    std::string explanation;  // top feature contributions, e.g. "seq_scan_pages ×2.31, ..." (when asked)
};

class LatencyEstimator
{
  public:
    // Default scale for the cost fallback: ln(ms per cost unit) measured on the demo workload
    // (docs/predictor.md); replaced by the active model's own fitted scale when there is one.
    static constexpr double kDefaultLogCostScale = -4.6;  // ≈ 0.01 ms per cost unit

    LatencyEstimator(std::shared_ptr<const LatencyModel> model, FeatureContext context,
                     double fallback_log_cost_scale = kDefaultLogCostScale);

    // Throws PlanError when `plan` is not a plan (the caller skips the statement).
    LatencyEstimate predict_ms(const nlohmann::json &plan, bool explain = false) const;
    bool has_model() const { return model_ != nullptr; }
    const FeatureContext &context() const { return context_; }

  private:
    std::shared_ptr<const LatencyModel> model_;
    FeatureContext context_;
    double log_cost_scale_;
};

}  // namespace autopilot
