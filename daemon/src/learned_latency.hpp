// The learned latency model behind the advisor's LatencyPredictor interface, and the state the
// learn step hands to the advise step: `ctx.state.get<ActiveLatency>().predictor()` is the active
// model when one is loaded, the optimizer-cost fallback otherwise (never null).
#pragma once

#include "estimator.hpp"
#include "latency.hpp"

#include <memory>
#include <string>

namespace autopilot
{

// Predicts a statement's latency under a candidate plan from the model's ratio between the
// candidate plan and the current plan, applied to the statement's observed mean time: the model's
// systematic error on this statement cancels out, what is left is its judgement of the change.
// Without an observed time the model's absolute prediction is used. A plan the featurizer refuses
// falls back to the calibrated optimizer cost for that call.
class LearnedLatencyPredictor final : public LatencyPredictor
{
  public:
    LearnedLatencyPredictor(std::shared_ptr<const LatencyEstimator> estimator, std::string model_name);

    double predict_ms(const WorkloadStatement &st, const PlanFacts &base, const PlanFacts &with) const override;
    std::string name() const override;
    bool learned() const override { return true; }

    // The model's own estimate of one plan (interval, confidence, top contributions when `explain`);
    // from_model is false when the plan could not be featurized (cost fallback).
    LatencyEstimate estimate(const PlanFacts &plan, bool explain = false) const;
    const LatencyEstimator &estimator() const { return *estimator_; }

  private:
    std::shared_ptr<const LatencyEstimator> estimator_;
    CalibratedCostPredictor fallback_;
    std::string model_name_;
};

// Published by the learn step, read by the advise step (both on the service thread).
class ActiveLatency
{
  public:
    // The predictor to judge plans with: the learned model, or the optimizer-cost fallback.
    std::shared_ptr<const LatencyPredictor> predictor() const { return predictor_; }
    // Null when no model is loaded.
    std::shared_ptr<const LearnedLatencyPredictor> learned() const { return learned_; }

    void use_model(std::shared_ptr<const LatencyEstimator> estimator, const std::string &model_name);
    void use_fallback();

  private:
    std::shared_ptr<const LatencyPredictor> predictor_ = std::make_shared<CalibratedCostPredictor>();
    std::shared_ptr<const LearnedLatencyPredictor> learned_;
};

}  // namespace autopilot
