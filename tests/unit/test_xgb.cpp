// The XGBoost wrapper: trains, predicts, explains, round-trips through JSON, refuses bad files.
#include "xgb.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <unistd.h>

using namespace autopilot::xgb;

namespace
{
// y = 3*x0 + x1 over a small grid: easy for trees to fit.
struct Data {
    std::vector<float> x, y;
    std::size_t rows = 0;
};
Data linear_data()
{
    Data d;
    for (int i = 0; i < 20; ++i)
        for (int j = 0; j < 10; ++j) {
            d.x.push_back(static_cast<float>(i));
            d.x.push_back(static_cast<float>(j));
            d.y.push_back(3.0f * i + j);
            ++d.rows;
        }
    return d;
}
const Params params = {{"objective", "reg:squarederror"},
                       {"max_depth", "4"},
                       {"eta", "0.3"},
                       {"nthread", "1"},
                       {"seed", "7"},
                       {"verbosity", "0"}};
Booster trained()
{
    const Data d = linear_data();
    DMatrix m(d.x, d.rows, 2);
    m.set_labels(d.y);
    return Booster::train(m, params, 60);
}
}  // namespace

TEST_CASE("a booster trained on a simple function predicts it closely")
{
    const Data d = linear_data();
    DMatrix m(d.x, d.rows, 2);
    const Booster b = trained();
    const auto pred = b.predict(m);
    REQUIRE(pred.size() == d.rows);
    double worst = 0;
    for (std::size_t i = 0; i < pred.size(); ++i)
        worst = std::max(worst, std::abs(static_cast<double>(pred[i] - d.y[i])));
    CHECK(worst < 1.5);
    CHECK(b.rounds() == 60);
    CHECK(b.num_features() == 2);
}

TEST_CASE("feature contributions have one column per feature plus the bias and sum to the prediction")
{
    const Data d = linear_data();
    DMatrix m(d.x, d.rows, 2);
    const Booster b = trained();
    const auto pred = b.predict(m);
    const auto contribs = b.predict_contribs(m);
    REQUIRE(contribs.size() == d.rows * 3);
    for (std::size_t i = 0; i < d.rows; i += 37)
        CHECK(contribs[i * 3] + contribs[i * 3 + 1] + contribs[i * 3 + 2] == Approx(pred[i]).margin(1e-3));
    // x0 matters three times as much as x1 here: its contributions spread wider.
    CHECK(std::abs(contribs[0]) > std::abs(contribs[1]));
}

TEST_CASE("a booster saved to JSON and loaded back predicts identically")
{
    const Data d = linear_data();
    DMatrix m(d.x, d.rows, 2);
    const Booster b = trained();
    const std::string path = "/tmp/autopilot_test_xgb_" + std::to_string(::getpid()) + ".json";
    b.save(path);
    const Booster loaded = Booster::load(path);
    std::remove(path.c_str());
    CHECK(loaded.predict(m) == b.predict(m));
    CHECK(Booster::from_json(b.to_json()).predict(m) == b.predict(m));
}

TEST_CASE("loading a corrupt or foreign model file is a clear error")
{
    CHECK_THROWS_WITH(Booster::from_json("\x01\x02garbage"), Catch::Contains("not valid JSON"));
    CHECK_THROWS_WITH(Booster::from_json(R"({"foo": 1})"), Catch::Contains("not an XGBoost model"));
    CHECK_THROWS_WITH(Booster::load("/nonexistent/model.json"), Catch::Contains("cannot open"));
    const std::string truncated = trained().to_json().substr(0, 200);
    CHECK_THROWS_AS(Booster::from_json(truncated), Error);
}

TEST_CASE("a matrix refuses data of the wrong size")
{
    CHECK_THROWS_AS(DMatrix({1, 2, 3}, 2, 2), Error);
    DMatrix m({1, 2, 3, 4}, 2, 2);
    CHECK_THROWS_AS(m.set_labels({1}), Error);
    CHECK(m.rows() == 2);
    CHECK(m.cols() == 2);
}
