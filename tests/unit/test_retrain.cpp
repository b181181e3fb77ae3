// The retraining and activation policy of the learn step.
#include "retrain.hpp"

#include <catch2/catch.hpp>

using namespace autopilot;

namespace
{
RetrainInputs trained_here()
{
    RetrainInputs in;
    in.have_model = true;
    in.model_from_this_database = true;
    in.usable_samples = 5000;
    in.fingerprints = 40;
    in.trained_rows = 4000;
    in.recorded_median_qerror = 1.3;
    return in;
}
}  // namespace

TEST_CASE("no model is trained on too few samples or templates")
{
    RetrainInputs in;
    in.usable_samples = 100;
    in.fingerprints = 40;
    CHECK(retrain_reason(in).empty());
    in.usable_samples = 1000;
    in.fingerprints = 2;
    CHECK(retrain_reason(in).empty());
}

TEST_CASE("a first model is trained once there are enough samples")
{
    RetrainInputs in;
    in.usable_samples = 1000;
    in.fingerprints = 10;
    CHECK(retrain_reason(in) == "no model");
}

TEST_CASE("the shipped default model is replaced by one trained on this database")
{
    RetrainInputs in = trained_here();
    in.model_from_this_database = false;
    CHECK(!retrain_reason(in).empty());
}

TEST_CASE("enough new samples trigger retraining")
{
    RetrainInputs in = trained_here();
    in.new_samples = 999;
    CHECK(retrain_reason(in).empty());
    in.new_samples = 1000;  // 25 % of 4000
    CHECK(retrain_reason(in) == "1000 new samples");
}

TEST_CASE("error drift on recent samples triggers retraining")
{
    RetrainInputs in = trained_here();
    in.recent_median_qerror = 2.5;
    in.recent_evaluated = 10;
    CHECK(retrain_reason(in).empty());  // too few to judge
    in.recent_evaluated = 200;
    CHECK_THAT(retrain_reason(in), Catch::StartsWith("drift"));
    in.recent_median_qerror = 1.5;
    CHECK(retrain_reason(in).empty());
}

TEST_CASE("a new model is activated only if it is not worse than the active one")
{
    QErrorStats active;
    active.n = 100;
    active.p90 = 2.0;
    QErrorStats better = active, worse = active;
    better.p90 = 1.8;
    worse.p90 = 2.5;
    CHECK(should_activate(active, true, better));
    CHECK_FALSE(should_activate(active, true, worse));
    CHECK(should_activate(active, false, worse));
    CHECK(should_activate(std::nullopt, true, worse));
}
