// The learned predictor (see learned_latency.hpp).
#include "learned_latency.hpp"

#include <algorithm>

namespace autopilot
{

LearnedLatencyPredictor::LearnedLatencyPredictor(std::shared_ptr<const LatencyEstimator> estimator,
                                                 std::string model_name)
    : estimator_(std::move(estimator)), model_name_(std::move(model_name))
{
    if (!estimator_)
        throw std::invalid_argument("a learned latency predictor needs an estimator");
}

std::string LearnedLatencyPredictor::name() const
{
    return "latency model " + model_name_;
}

LatencyEstimate LearnedLatencyPredictor::estimate(const PlanFacts &plan, bool explain) const
{
    if (plan.plan) {
        try {
            return estimator_->predict_ms(*plan.plan, explain);
        } catch (const PlanError &) {
            // fall through: judged by its cost
        }
    }
    LatencyEstimate e;
    e.ms = std::max(0.0, plan.cost) * 0.01;
    e.low_ms = e.ms / 10;
    e.high_ms = e.ms * 10;
    e.confidence = 0.1;
    return e;
}

double LearnedLatencyPredictor::predict_ms(const WorkloadStatement &st, const PlanFacts &base,
                                           const PlanFacts &with) const
{
    if (!with.plan)
        return fallback_.predict_ms(st, base, with);
    const LatencyEstimate w = estimate(with);
    if (!w.from_model)
        return fallback_.predict_ms(st, base, with);
    if (st.mean_ms > 0 && base.plan) {
        if (base.plan == with.plan)
            return st.mean_ms;
        const LatencyEstimate b = estimate(base);
        if (b.from_model && b.ms > 0)
            return st.mean_ms * w.ms / b.ms;
    }
    return w.ms;
}

void ActiveLatency::use_model(std::shared_ptr<const LatencyEstimator> estimator, const std::string &model_name)
{
    learned_ = std::make_shared<const LearnedLatencyPredictor>(std::move(estimator), model_name);
    predictor_ = learned_;
}

void ActiveLatency::use_fallback()
{
    learned_.reset();
    predictor_ = std::make_shared<CalibratedCostPredictor>();
}

}  // namespace autopilot
