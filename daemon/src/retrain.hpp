// When to train a new latency model, and whether a new model should replace the active one.
// Pure policy over counts and metrics, so the learn step's decisions are unit-tested.
#pragma once

#include "model.hpp"

#include <optional>
#include <string>

namespace autopilot
{

struct RetrainPolicy {
    std::size_t min_samples = 300;       // never train on fewer usable samples
    std::size_t min_fingerprints = 5;    // ... or fewer statement templates
    double new_sample_fraction = 0.25;   // retrain when this share of the training set is new
    std::size_t new_sample_floor = 500;  // ... and at least this many new samples arrived
    double drift_factor = 1.5;           // retrain when recent median Q-error exceeds recorded × this
    std::size_t drift_min_samples = 50;  // ... measured on at least this many recent samples
    double activate_tolerance = 1.10;    // a new model must not be > 10 % worse (fingerprint p90)
};

struct RetrainInputs {
    bool have_model = false;                // a model is active (loaded)
    bool model_from_this_database = false;  // false: shipped default or none
    std::size_t usable_samples = 0;         // ok samples available for training
    std::size_t fingerprints = 0;
    std::size_t trained_rows = 0;                // rows the active model was trained on
    std::size_t new_samples = 0;                 // ok samples newer than the active model's training
    std::optional<double> recent_median_qerror;  // active model on the new samples
    std::size_t recent_evaluated = 0;
    double recorded_median_qerror = 0;  // the active model's random-split median at training
};

// Empty when no retraining is due; otherwise the reason ("no model", "1200 new samples",
// "drift: median q-error 2.4 > 1.5 × 1.3").
std::string retrain_reason(const RetrainInputs &in, const RetrainPolicy &policy = {});

// A new model is activated when there is no active model, or the active one was not trained on
// this database, or the new one's fingerprint-split p90 Q-error is within the tolerance of the
// active one's (metrics recorded when each was trained).
bool should_activate(const std::optional<QErrorStats> &active_fingerprint_split, bool active_from_this_database,
                     const QErrorStats &candidate_fingerprint_split, const RetrainPolicy &policy = {});

}  // namespace autopilot
