// The model when there is one, the optimizer's cost otherwise (see estimator.hpp).
#include "estimator.hpp"

#include <algorithm>
#include <cmath>

namespace autopilot
{

LatencyEstimator::LatencyEstimator(std::shared_ptr<const LatencyModel> model, FeatureContext context,
                                   double fallback_log_cost_scale)
    : model_(std::move(model)), context_(std::move(context)),
      log_cost_scale_(model_ ? model_->log_cost_scale() : fallback_log_cost_scale)
{
}

LatencyEstimate LatencyEstimator::predict_ms(const nlohmann::json &plan, bool explain) const
{
    LatencyEstimate e;
    if (!model_) {
        const double cost = plan_root(plan).value("Total Cost", 0.0);
        e.ms = std::max(0.01, cost) * std::exp(log_cost_scale_);
        // The published error of cost as a latency proxy is an order of magnitude: say so.
        e.low_ms = e.ms / 10;
        e.high_ms = e.ms * 10;
        e.confidence = 0.1;
        e.explanation = explain ? "optimizer cost (no latency model)" : "";
        return e;
    }
    const auto features = featurize(plan, context_);
    const Prediction p = model_->predict(features);
    e.ms = p.ms;
    e.low_ms = p.low_ms;
    e.high_ms = p.high_ms;
    e.confidence = p.confidence;
    e.from_model = true;
    if (explain)
        e.explanation = describe(model_->explain(features, 3));
    return e;
}

}  // namespace autopilot
