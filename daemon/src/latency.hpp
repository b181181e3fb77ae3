// How the advisor turns a what-if plan into predicted milliseconds. The interface lets the learned
// latency model (predictor) replace the fallback: the optimizer's cost ratio applied to the
// statement's observed mean time, i.e. the cost calibrated per statement against reality.
#pragma once

#include "workload.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace autopilot {

struct PlanFacts {
    double cost = 0;
    const nlohmann::json *plan = nullptr;  // EXPLAIN (FORMAT JSON) "Plan" object, may be null
};

class LatencyPredictor {
public:
    virtual ~LatencyPredictor() = default;
    // Predicted ms of `st` with the `with` plan, knowing its plan `base` under the current indexes.
    virtual double predict_ms(const WorkloadStatement &st, const PlanFacts &base, const PlanFacts &with) const = 0;
    virtual std::string name() const = 0;
    virtual bool learned() const = 0;
};

// Fallback: observed mean time × cost ratio. Without an observed time (a statement known only from
// a capture that failed early), the cost is mapped with a fixed scale.
class CalibratedCostPredictor final : public LatencyPredictor {
public:
    explicit CalibratedCostPredictor(double ms_per_cost_unit = 0.01) : ms_per_cost_(ms_per_cost_unit) {}
    double predict_ms(const WorkloadStatement &st, const PlanFacts &base, const PlanFacts &with) const override
    {
        if (st.mean_ms > 0 && base.cost > 0)
            return st.mean_ms * with.cost / base.cost;
        return with.cost * ms_per_cost_;
    }
    std::string name() const override { return "optimizer cost (calibrated per statement)"; }
    bool learned() const override { return false; }

private:
    double ms_per_cost_;
};

} // namespace autopilot
