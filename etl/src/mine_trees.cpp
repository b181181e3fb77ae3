// XGBoost JSON → node arrays with mean values; path-contribution scoring.
#include "mine_trees.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <functional>
#include <stdexcept>

namespace autopilot::mining {

TreeModel parse_tree_model(const std::string &json)
{
    TreeModel m;
    try {
        const auto doc = nlohmann::json::parse(json);
        const auto &learner = doc.at("learner");
        const double base_score = std::stod(learner.at("learner_model_param").at("base_score").get<std::string>());
        const std::string objective = learner.at("objective").at("name").get<std::string>();
        m.base_margin = objective == "binary:logistic" ? std::log(base_score / (1 - base_score)) : base_score;
        for (const auto &t : learner.at("gradient_booster").at("model").at("trees")) {
            TreeArrays a;
            a.left = t.at("left_children").get<std::vector<int>>();
            a.right = t.at("right_children").get<std::vector<int>>();
            const auto split = t.at("split_indices").get<std::vector<int>>();
            const auto cond = t.at("split_conditions").get<std::vector<float>>();
            const auto dleft = t.at("default_left").get<std::vector<int>>();
            const auto hess = t.at("sum_hessian").get<std::vector<double>>();
            const size_t n = a.left.size();
            if (a.right.size() != n || split.size() != n || cond.size() != n || dleft.size() != n || hess.size() != n)
                throw std::runtime_error("inconsistent node arrays");
            a.split_feature.resize(n);
            a.threshold.resize(n);
            a.default_left.resize(n);
            a.leaf_value.assign(n, 0);
            a.mean_value.assign(n, 0);
            for (size_t i = 0; i < n; ++i) {
                const bool leaf = a.left[i] < 0;
                a.split_feature[i] = leaf ? -1 : split[i];
                a.threshold[i] = leaf ? 0 : cond[i];
                a.default_left[i] = dleft[i] != 0;
                a.leaf_value[i] = leaf ? cond[i] : 0;  // a leaf's split_condition is its value
            }
            // Mean value bottom-up, weighted by the hessian cover of the children.
            std::function<double(int)> fill = [&](int i) -> double {
                if (a.left[i] < 0)
                    return a.mean_value[i] = a.leaf_value[i];
                const double l = fill(a.left[i]), r = fill(a.right[i]);
                const double hl = hess[a.left[i]], hr = hess[a.right[i]];
                return a.mean_value[i] = hl + hr > 0 ? (l * hl + r * hr) / (hl + hr) : (l + r) / 2;
            };
            if (n)
                fill(0);
            m.trees.push_back(std::move(a));
        }
    } catch (const nlohmann::json::exception &e) {
        throw std::runtime_error(std::string("not an XGBoost JSON model: ") + e.what());
    }
    return m;
}

TreeScore score_trees(const TreeModel &m, const std::vector<float> &x)
{
    TreeScore s;
    s.margin = m.base_margin;
    s.contributions.assign(x.size(), 0);
    for (const auto &t : m.trees) {
        int node = 0;
        while (t.split_feature[node] >= 0) {
            const int f = t.split_feature[node];
            const float v = f < static_cast<int>(x.size()) ? x[f] : std::nanf("");
            const int child = std::isnan(v) ? (t.default_left[node] ? t.left[node] : t.right[node])
                                            : (v < t.threshold[node] ? t.left[node] : t.right[node]);
            if (f < static_cast<int>(x.size()))
                s.contributions[f] += t.mean_value[child] - t.mean_value[node];
            node = child;
        }
        s.margin += t.leaf_value[node];
    }
    return s;
}

template <typename T, typename F>
static std::string join(const std::vector<T> &v, F fmt)
{
    std::string out = "{";
    for (size_t i = 0; i < v.size(); ++i) {
        if (i)
            out += ',';
        out += fmt(v[i]);
    }
    return out + "}";
}

static std::string num(double x)
{
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", x);
    return buf;
}

std::string pg_array(const std::vector<int> &v) { return join(v, [](int x) { return std::to_string(x); }); }
std::string pg_array(const std::vector<float> &v)
{
    // 9 significant digits round-trip a float exactly, so SQL's real threshold equals XGBoost's.
    return join(v, [](float x) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.9g", double(x));
        return std::string(buf);
    });
}
std::string pg_array(const std::vector<double> &v) { return join(v, num); }
std::string pg_array(const std::vector<bool> &v)
{
    std::string out = "{";
    for (size_t i = 0; i < v.size(); ++i)
        out += std::string(i ? "," : "") + (v[i] ? "t" : "f");
    return out + "}";
}

}  // namespace autopilot::mining
