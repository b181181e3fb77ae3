// The latency model: converges on a synthetic set, round-trips through the model store,
// refuses corrupt files and falls back, and estimates from cost without a model.
#include "estimator.hpp"
#include "model.hpp"
#include "model_fixtures.hpp"
#include "model_store.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace autopilot;
using nlohmann::json;
using namespace model_fixtures;

TEST_CASE("unusable samples are skipped and counted")
{
    std::size_t skipped = 0;
    const auto ex = make_examples(synthetic_samples(), {}, &skipped);
    CHECK(ex.size() == 180);
    CHECK(skipped == 2);
}

TEST_CASE("q-error statistics are symmetric ratios")
{
    const auto q = qerror_stats({2, 1, 10, 1}, {1, 2, 10, 1});
    CHECK(q.n == 4);
    CHECK(q.max == Approx(2));
    CHECK(q.median == Approx(1.5));
}

TEST_CASE("training on a small synthetic set converges and beats the cost baseline")
{
    const auto ex = make_examples(synthetic_samples(), {});
    auto [model, ev] = LatencyModel::train_and_evaluate(ex, fast_options());
    CHECK(ev.random.model.median < 1.15);
    CHECK(ev.random.model.p90 < ev.random.baseline.p90);
    CHECK(ev.by_fingerprint.test_fingerprints >= 1);
    CHECK(ev.by_fingerprint.train_rows + ev.by_fingerprint.test_rows == ex.size());
    const Prediction p = model.predict(ex.front().features);
    CHECK(p.low_ms <= p.ms);
    CHECK(p.ms <= p.high_ms);
    CHECK(p.confidence > 0);
    CHECK(p.confidence <= 1);
}

TEST_CASE("explanations name the features that drive the prediction")
{
    const auto ex = make_examples(synthetic_samples(), {});
    const LatencyModel m = LatencyModel::train(ex, fast_options());
    const auto top = m.explain(ex[5].features, 3);
    REQUIRE(!top.empty());
    CHECK(top.size() <= 3);
    CHECK(!describe(top).empty());
}

TEST_CASE("a model saved and loaded back predicts identically")
{
    const auto ex = make_examples(synthetic_samples(), {});
    const LatencyModel m = LatencyModel::train(ex, fast_options());
    const std::string dir = temp_dir("store");
    const std::string path = ModelStore(dir).save(m, "latency-test", {{"rows", ex.size()}});
    const StoredModel loaded = ModelStore::load(path);
    for (std::size_t i = 0; i < ex.size(); i += 17) {
        CHECK(loaded.model.predict(ex[i].features).ms == m.predict(ex[i].features).ms);
        CHECK(loaded.model.predict(ex[i].features).high_ms == m.predict(ex[i].features).high_ms);
    }
    CHECK(loaded.metadata["rows"] == ex.size());
    CHECK(loaded.metadata["feature_version"] == kFeatureVersion);
    std::filesystem::remove_all(dir);
}

TEST_CASE("a corrupt model file is refused with a clear error and the previous model is used")
{
    const auto ex = make_examples(synthetic_samples(), {});
    const LatencyModel m = LatencyModel::train(ex, fast_options());
    const std::string dir = temp_dir("corrupt");
    const ModelStore store(dir);
    const std::string good = store.save(m, "latency-old", {});
    const std::string bad = store.save(m, "latency-new", {});
    {
        std::ofstream f(dir + "/latency-new.m0.json", std::ios::trunc);
        f << "{\"learner\": garbage";
    }
    CHECK_THROWS_WITH(ModelStore::load(bad), Catch::Contains("corrupt") && Catch::Contains("latency-new.m0.json"));
    std::vector<std::string> errors;
    const auto chosen = load_first({bad, good}, errors);
    REQUIRE(chosen);
    CHECK(chosen->path == good);
    REQUIRE(errors.size() == 1);
    CHECK_THAT(errors[0], Catch::Contains("checksum"));
    std::filesystem::remove_all(dir);
}

TEST_CASE("a model of another feature version is refused")
{
    const auto ex = make_examples(synthetic_samples(), {});
    const std::string dir = temp_dir("version");
    const std::string path = ModelStore(dir).save(LatencyModel::train(ex, fast_options()), "latency-v", {});
    std::ifstream in(path);
    json meta = json::parse(in);
    meta["feature_version"] = kFeatureVersion + 1;
    std::ofstream(path, std::ios::trunc) << meta.dump();
    CHECK_THROWS_WITH(ModelStore::load(path), Catch::Contains("feature version"));
    std::vector<std::string> errors;
    CHECK_FALSE(load_first({path, dir + "/missing.meta.json"}, errors));
    CHECK(errors.size() == 2);
    std::filesystem::remove_all(dir);
}

TEST_CASE("a model of the cost-residual target predicts the same after save and load and keeps its target")
{
    const auto ex = make_examples(synthetic_samples(), {});
    auto o = fast_options();
    o.target = Target::log_ms_over_cost;
    const LatencyModel m = LatencyModel::train(ex, o);
    CHECK(m.target() == Target::log_ms_over_cost);
    const std::string dir = temp_dir("residual");
    const std::string path = ModelStore(dir).save(m, "latency-r", {});
    const StoredModel back = ModelStore::load(path);
    CHECK(back.model.target() == Target::log_ms_over_cost);
    for (const auto &e : ex)
        CHECK(back.model.predict(e.features).ms == Approx(m.predict(e.features).ms).epsilon(1e-6));
    // It learned the law, not just the cost: held-in error is small.
    std::vector<double> p, a;
    for (const auto &e : ex) {
        p.push_back(m.predict(e.features).ms);
        a.push_back(e.total_ms);
    }
    CHECK(qerror_stats(p, a).median < 1.2);
    // An unknown target is refused by name.
    std::ifstream in(path);
    json meta = json::parse(in);
    meta["target"] = "log_rows";
    std::ofstream(path, std::ios::trunc) << meta.dump();
    CHECK_THROWS_WITH(ModelStore::load(path), Catch::Contains("unknown target \"log_rows\""));
    std::filesystem::remove_all(dir);
}

TEST_CASE("without a model the estimator falls back to the optimizer cost with low confidence")
{
    const LatencyEstimator est(nullptr, {}, std::log(0.01));
    const auto e = est.predict_ms(scan_plan(10000, 8, "Seq Scan"), true);
    CHECK_FALSE(e.from_model);
    CHECK(e.ms == Approx(110 * 0.01));
    CHECK(e.confidence < 0.2);
    CHECK(e.low_ms < e.ms);
    CHECK_THAT(e.explanation, Catch::Contains("optimizer cost"));
}

TEST_CASE("with a model the estimator predicts from features and explains")
{
    const auto ex = make_examples(synthetic_samples(), {});
    const LatencyEstimator est(std::make_shared<const LatencyModel>(LatencyModel::train(ex, fast_options())), {});
    const auto e = est.predict_ms(scan_plan(5000, 64, "Index Scan"), true);
    CHECK(e.from_model);
    CHECK(e.ms > 0);
    CHECK(!e.explanation.empty());
}
