// The dumped trees score exactly like XGBoost, and their path contributions add up to the margin.
#include "mine_trees.hpp"
#include "xgb.hpp"

#include <catch2/catch.hpp>
#include <cmath>

using namespace autopilot;

namespace {
struct Trained {
    xgb::Booster booster;
    std::vector<float> x;
    size_t rows, cols;
};
Trained train_small()
{
    const size_t rows = 400, cols = 3;
    std::vector<float> x, y;
    uint64_t s = 99;
    auto u = [&] {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        return float(double(s >> 11) * 0x1.0p-53);
    };
    for (size_t i = 0; i < rows; ++i) {
        const float a = u(), b = u(), c = u();
        x.insert(x.end(), {a, i % 17 == 0 ? std::nanf("") : b, c});
        y.push_back(a + 0.5f * c > 0.8f ? 1.f : 0.f);
    }
    xgb::DMatrix d(x, rows, cols);
    d.set_labels(y);
    auto b = xgb::Booster::train(d, {{"objective", "binary:logistic"}, {"max_depth", "3"}, {"eta", "0.3"},
                                     {"seed", "1"}, {"nthread", "1"}},
                                 20);
    return {std::move(b), x, rows, cols};
}
}  // namespace

TEST_CASE("trees parsed from XGBoost's JSON give the library's own probabilities")
{
    auto t = train_small();
    const auto model = mining::parse_tree_model(t.booster.to_json());
    REQUIRE(model.trees.size() == 20);
    xgb::DMatrix d(t.x, t.rows, t.cols);
    const auto p = t.booster.predict(d);
    for (size_t i = 0; i < t.rows; ++i) {
        const std::vector<float> row(t.x.begin() + i * t.cols, t.x.begin() + (i + 1) * t.cols);
        const double margin = mining::score_trees(model, row).margin;
        CHECK(1 / (1 + std::exp(-margin)) == Approx(p[i]).margin(1e-5));
    }
}

TEST_CASE("path contributions plus the root means add up to the margin")
{
    auto t = train_small();
    const auto model = mining::parse_tree_model(t.booster.to_json());
    const std::vector<float> row(t.x.begin(), t.x.begin() + t.cols);
    const auto s = mining::score_trees(model, row);
    double sum = model.base_margin;
    for (const auto &tree : model.trees)
        sum += tree.mean_value[0];
    for (double c : s.contributions)
        sum += c;
    CHECK(sum == Approx(s.margin).margin(1e-6));
}

TEST_CASE("array literals round-trip floats exactly")
{
    CHECK(mining::pg_array(std::vector<int>{1, -1}) == "{1,-1}");
    CHECK(mining::pg_array(std::vector<bool>{true, false}) == "{t,f}");
    CHECK(mining::pg_array(std::vector<float>{0.1f}) == "{0.100000001}");
}
