// The learn step's pure parts: its [model] settings, and the learned predictor the advisor calls
// (anchored on the statement's observed time, falling back to the optimizer's cost).
#include "learn.hpp"
#include "learned_latency.hpp"
#include "model_fixtures.hpp"
#include "model_store.hpp"

#include <catch2/catch.hpp>

using namespace autopilot;
using namespace model_fixtures;

namespace
{
std::shared_ptr<const LatencyEstimator> trained_estimator()
{
    // Trained once per process and never destroyed: XGBoost's own statics may be gone by the time
    // a static of ours would free its booster at exit (a segfault when the whole binary runs).
    static const auto &model = *new std::shared_ptr<const LatencyModel>(std::make_shared<const LatencyModel>(
        LatencyModel::train(make_examples(synthetic_samples(), {}), fast_options())));
    return std::make_shared<const LatencyEstimator>(model, FeatureContext{});
}

WorkloadStatement statement(double mean_ms)
{
    WorkloadStatement st;
    st.id = "fp";
    st.mean_ms = mean_ms;
    return st;
}
}  // namespace

TEST_CASE("model settings come from the [model] section with documented defaults")
{
    Config c;
    c.models_dir = "/tmp/models";
    const LearnOptions d = learn_options(c);
    CHECK(d.models_dir == "/tmp/models");
    CHECK(d.policy.min_samples == RetrainPolicy{}.min_samples);
    CHECK(d.training.members == 5);
    CHECK(d.training.rounds == 300);
    CHECK(d.retrain);
    c.extra = {{"model.members", "2"}, {"model.rounds", "40"}, {"model.min_samples", "50"}, {"model.retrain", "false"}};
    const LearnOptions o = learn_options(c);
    CHECK(o.training.members == 2);
    CHECK(o.training.rounds == 40);
    CHECK(o.policy.min_samples == 50);
    CHECK_FALSE(o.retrain);
}

TEST_CASE("a bad or misspelled model setting is refused with its key")
{
    Config c;
    c.extra = {{"model.members", "many"}};
    CHECK_THROWS_WITH(learn_options(c), Catch::Contains("model.members"));
    c.extra = {{"model.members", "0"}};
    CHECK_THROWS_AS(learn_options(c), LearnConfigError);
    c.extra = {{"model.retrain", "yes"}};
    CHECK_THROWS_WITH(learn_options(c), Catch::Contains("true or false"));
    c.extra = {{"model.member", "2"}};
    CHECK_THROWS_WITH(learn_options(c), Catch::Contains("model.member: unknown key"));
    c.extra = {{"advisor.max_columns", "3"}};
    CHECK_NOTHROW(learn_options(c));
}

TEST_CASE("the advisor judges plans by the optimizer's cost until a model is published")
{
    ActiveLatency active;
    REQUIRE(active.predictor());
    CHECK_FALSE(active.predictor()->learned());
    CHECK_FALSE(active.learned());
    active.use_model(trained_estimator(), "latency-test");
    CHECK(active.predictor()->learned());
    CHECK(active.predictor()->name() == "latency model latency-test");
    active.use_fallback();
    CHECK_FALSE(active.predictor()->learned());
}

TEST_CASE("the learned predictor scales the observed time by the model's ratio between plans")
{
    const LearnedLatencyPredictor p(trained_estimator(), "m");
    const auto big = scan_plan(9000, 64, "Seq Scan"), small = scan_plan(200, 8, "Seq Scan");
    const double model_big = p.estimate({0, &big}).ms, model_small = p.estimate({0, &small}).ms;
    REQUIRE(model_small < model_big);
    const WorkloadStatement st = statement(50);
    // The current plan keeps the observed time; a cheaper plan scales it by the model's ratio.
    CHECK(p.predict_ms(st, {100, &big}, {100, &big}) == Approx(50));
    CHECK(p.predict_ms(st, {100, &big}, {5, &small}) == Approx(50 * model_small / model_big));
    // Without an observed time, the model's own estimate.
    CHECK(p.predict_ms(statement(0), {100, &big}, {5, &small}) == Approx(model_small));
}

TEST_CASE("a plan the featurizer refuses is judged by the calibrated optimizer cost")
{
    const LearnedLatencyPredictor p(trained_estimator(), "m");
    const auto big = scan_plan(9000, 64, "Seq Scan");
    const nlohmann::json junk = {{"not", "a plan"}};
    const WorkloadStatement st = statement(40);
    CHECK(p.predict_ms(st, {200, &big}, {50, &junk}) == Approx(10));
    CHECK(p.predict_ms(st, {200, &big}, {50, nullptr}) == Approx(10));
    CHECK_FALSE(p.estimate({50, &junk}).from_model);
}

TEST_CASE("the shipped cold-start model loads and predicts a plan")
{
    // If this fails after a feature change, retrain it with the command in models/README.md.
    const std::string path = std::string(AUTOPILOT_TEST_DATA) + "/../../../models/latency-default.meta.json";
    const StoredModel m = ModelStore::load(path);
    CHECK(m.metadata.value("rows", 0) >= 3000);
    const auto plan = scan_plan(9000, 64, "Seq Scan");
    const double ms = m.model.predict(featurize(plan, {})).ms;
    CHECK(ms > 0);
    CHECK(std::isfinite(ms));
}
