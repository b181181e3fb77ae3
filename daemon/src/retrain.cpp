// Retraining and activation policy (see retrain.hpp).
#include "retrain.hpp"

#include <algorithm>
#include <cstdio>

namespace autopilot
{

std::string retrain_reason(const RetrainInputs &in, const RetrainPolicy &p)
{
    if (in.usable_samples < p.min_samples || in.fingerprints < p.min_fingerprints)
        return "";
    if (!in.have_model)
        return "no model";
    if (!in.model_from_this_database)
        return "the active model was not trained on this database";
    const auto needed = std::max(
        p.new_sample_floor, static_cast<std::size_t>(p.new_sample_fraction * static_cast<double>(in.trained_rows)));
    if (in.new_samples >= needed)
        return std::to_string(in.new_samples) + " new samples";
    if (in.recent_median_qerror && in.recent_evaluated >= p.drift_min_samples && in.recorded_median_qerror > 0 &&
        *in.recent_median_qerror > p.drift_factor * in.recorded_median_qerror) {
        char buf[128];
        std::snprintf(buf, sizeof buf, "drift: median q-error %.2f > %.2f × %.2f", *in.recent_median_qerror,
                      p.drift_factor, in.recorded_median_qerror);
        return buf;
    }
    return "";
}

bool should_activate(const std::optional<QErrorStats> &active, bool active_from_this_database,
                     const QErrorStats &candidate, const RetrainPolicy &p)
{
    if (!active || !active_from_this_database || active->n == 0)
        return true;
    if (candidate.n == 0)
        return false;
    return candidate.p90 <= active->p90 * p.activate_tolerance;
}

}  // namespace autopilot
