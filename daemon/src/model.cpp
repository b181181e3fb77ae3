// Training recipe: log target (latencies span six orders of magnitude and Q-error is symmetric
// in log space), bagged XGBoost members for an uncertainty estimate, an interval calibrated on
// held-out residuals. The held-out split by fingerprint answers "how good is the model on a
// statement it never saw", which is what judging new index configurations needs.
#include "model.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <numeric>
#include <set>
#include <sstream>
#include <stdexcept>

namespace autopilot
{
namespace
{

constexpr double kMinMs = 0.01;  // latencies below the timer's resolution are clamped
constexpr double kMinCost = 0.01;

std::uint64_t mix(std::uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

std::uint64_t hash_text(const std::string &s, std::uint64_t seed)
{
    std::uint64_t h = 0xcbf29ce484222325ULL ^ seed;
    for (unsigned char c : s)
        h = (h ^ c) * 0x100000001b3ULL;
    return mix(h);
}

double quantile(std::vector<double> v, double q)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    const double pos = q * static_cast<double>(v.size() - 1);
    const auto lo = static_cast<std::size_t>(std::floor(pos));
    const auto hi = std::min(v.size() - 1, lo + 1);
    return v[lo] + (v[hi] - v[lo]) * (pos - static_cast<double>(lo));
}

double log_ms(double ms)
{
    return std::log(std::max(kMinMs, ms));
}

// What the members' output is added to: ln(cost) for the residual target (the cost is feature 0).
double target_offset(Target t, double total_cost)
{
    return t == Target::log_ms_over_cost ? std::log(std::max(kMinCost, total_cost)) : 0.0;
}

xgb::DMatrix matrix(const std::vector<const std::vector<float> *> &rows)
{
    const std::size_t cols = rows.front()->size();
    std::vector<float> data;
    data.reserve(rows.size() * cols);
    for (const auto *r : rows) {
        if (r->size() != cols)
            throw std::invalid_argument("feature rows of different lengths");
        data.insert(data.end(), r->begin(), r->end());
    }
    return xgb::DMatrix(data, rows.size(), cols);
}

xgb::DMatrix matrix_of(const std::vector<Example> &ex, const std::vector<std::size_t> &idx)
{
    std::vector<const std::vector<float> *> rows;
    rows.reserve(idx.size());
    for (std::size_t i : idx)
        rows.push_back(&ex[i].features);
    return matrix(rows);
}

struct Split {
    std::vector<std::size_t> train, test;
};

Split split_by_fingerprint(const std::vector<Example> &ex, double fraction, std::uint64_t seed)
{
    std::set<std::string> fps;
    for (const auto &e : ex)
        fps.insert(e.fingerprint);
    std::vector<std::pair<std::uint64_t, std::string>> order;
    for (const auto &f : fps)
        order.emplace_back(hash_text(f, seed), f);
    std::sort(order.begin(), order.end());
    const auto n_test = std::max<std::size_t>(1, static_cast<std::size_t>(std::lround(fraction * order.size())));
    std::set<std::string> test;
    for (std::size_t i = 0; i < n_test && i < order.size(); ++i)
        test.insert(order[i].second);
    Split s;
    for (std::size_t i = 0; i < ex.size(); ++i)
        (test.count(ex[i].fingerprint) ? s.test : s.train).push_back(i);
    return s;
}

Split split_random(std::size_t n, double fraction, std::uint64_t seed)
{
    std::vector<std::pair<std::uint64_t, std::size_t>> order;
    for (std::size_t i = 0; i < n; ++i)
        order.emplace_back(mix(seed * 0x9e3779b97f4a7c15ULL + i + 1), i);
    std::sort(order.begin(), order.end());
    const auto n_test = std::max<std::size_t>(1, static_cast<std::size_t>(std::lround(fraction * n)));
    Split s;
    for (std::size_t k = 0; k < order.size(); ++k)
        (k < n_test ? s.test : s.train).push_back(order[k].second);
    std::sort(s.train.begin(), s.train.end());
    std::sort(s.test.begin(), s.test.end());
    return s;
}

std::vector<float> weights_for(const std::vector<Example> &ex, const std::vector<std::size_t> &idx, bool balance)
{
    std::map<std::string, double> count;
    for (std::size_t i : idx)
        count[ex[i].fingerprint] += 1;
    std::vector<float> w;
    w.reserve(idx.size());
    for (std::size_t i : idx)
        w.push_back(balance ? static_cast<float>(1.0 / std::sqrt(count[ex[i].fingerprint])) : 1.0f);
    // Normalize to mean 1 so min_child_weight keeps its meaning.
    const double mean = std::accumulate(w.begin(), w.end(), 0.0) / static_cast<double>(w.size());
    for (auto &x : w)
        x = static_cast<float>(x / mean);
    return w;
}

std::size_t distinct_fingerprints(const std::vector<Example> &ex, const std::vector<std::size_t> &idx)
{
    std::set<std::string> s;
    for (std::size_t i : idx)
        s.insert(ex[i].fingerprint);
    return s.size();
}

}  // namespace

std::vector<Example> make_examples(const std::vector<Sample> &samples, const FeatureContext &context,
                                   std::size_t *skipped)
{
    std::vector<Example> out;
    std::size_t bad = 0;
    for (const auto &s : samples) {
        if (s.status != "ok" || !(s.total_ms > 0) || !std::isfinite(s.total_ms)) {
            ++bad;
            continue;
        }
        try {
            Example e;
            e.fingerprint = s.fingerprint;
            e.features = featurize(s.plan, context);
            e.total_ms = s.total_ms;
            e.total_cost = plan_root(s.plan).value("Total Cost", 0.0);
            out.push_back(std::move(e));
        } catch (const PlanError &) {
            ++bad;
        }
    }
    if (skipped)
        *skipped = bad;
    return out;
}

QErrorStats qerror_stats(const std::vector<double> &predicted_ms, const std::vector<double> &actual_ms)
{
    if (predicted_ms.size() != actual_ms.size())
        throw std::invalid_argument("q-error needs as many predictions as actuals");
    std::vector<double> q;
    q.reserve(actual_ms.size());
    for (std::size_t i = 0; i < actual_ms.size(); ++i) {
        const double p = std::max(kMinMs, predicted_ms[i]), a = std::max(kMinMs, actual_ms[i]);
        q.push_back(std::max(p / a, a / p));
    }
    QErrorStats s;
    s.n = q.size();
    if (q.empty())
        return s;
    s.median = quantile(q, 0.5);
    s.p90 = quantile(q, 0.9);
    s.p95 = quantile(q, 0.95);
    s.max = *std::max_element(q.begin(), q.end());
    return s;
}

nlohmann::json to_json(const QErrorStats &q)
{
    return {{"n", q.n}, {"median", q.median}, {"p90", q.p90}, {"p95", q.p95}, {"max", q.max}};
}

nlohmann::json Evaluation::to_json() const
{
    nlohmann::json j;
    for (const SplitReport *r : {&by_fingerprint, &random})
        j["splits"][r->name] = {{"train_rows", r->train_rows},
                                {"test_rows", r->test_rows},
                                {"train_fingerprints", r->train_fingerprints},
                                {"test_fingerprints", r->test_fingerprints},
                                {"model", autopilot::to_json(r->model)},
                                {"baseline", autopilot::to_json(r->baseline)}};
    j["train_seconds"] = train_seconds;
    return j;
}

double fit_log_cost_scale(const std::vector<Example> &examples)
{
    double sum = 0;
    for (const auto &e : examples)
        sum += log_ms(e.total_ms) - std::log(std::max(kMinCost, e.total_cost));
    return examples.empty() ? 0 : sum / static_cast<double>(examples.size());
}

namespace
{

// Trains the members on ex[idx]; the caller sets the baseline and calibration.
LatencyModel train_members(const std::vector<Example> &ex, const std::vector<std::size_t> &idx,
                           const TrainingOptions &o, std::vector<std::string> *members_json)
{
    xgb::DMatrix m = matrix_of(ex, idx);
    std::vector<float> labels;
    labels.reserve(idx.size());
    for (std::size_t i : idx)
        labels.push_back(static_cast<float>(log_ms(ex[i].total_ms) - target_offset(o.target, ex[i].total_cost)));
    const auto weights = weights_for(ex, idx, o.balance_fingerprints);
    m.set_labels(labels);
    m.set_weights(weights);
    // Start the boosting from the weighted mean (XGBoost 1.7 starts from 0.5 whatever the target).
    double base = 0, wsum = 0;
    for (std::size_t i = 0; i < labels.size(); ++i) {
        base += weights[i] * labels[i];
        wsum += weights[i];
    }
    base = wsum > 0 ? base / wsum : 0;
    for (int k = 0; k < std::max(1, o.members); ++k) {
        const xgb::Params params = {{"objective", "reg:squarederror"},
                                    {"base_score", std::to_string(base)},
                                    {"tree_method", "hist"},
                                    {"max_depth", std::to_string(o.max_depth)},
                                    {"eta", std::to_string(o.eta)},
                                    {"subsample", std::to_string(o.subsample)},
                                    {"colsample_bytree", std::to_string(o.colsample)},
                                    {"min_child_weight", std::to_string(o.min_child_weight)},
                                    {"lambda", std::to_string(o.lambda)},
                                    {"seed", std::to_string(o.seed + static_cast<std::uint64_t>(k) * 7919)},
                                    {"nthread", std::to_string(o.threads)},
                                    {"verbosity", "0"}};
        members_json->push_back(xgb::Booster::train(m, params, o.rounds).to_json());
    }
    double log_scale = 0;
    for (std::size_t i : idx)
        log_scale += log_ms(ex[i].total_ms) - std::log(std::max(kMinCost, ex[i].total_cost));
    return LatencyModel::from_parts(*members_json, log_scale / static_cast<double>(idx.size()), 0.5, o.target);
}

SplitReport evaluate_split(const std::string &name, const std::vector<Example> &ex, const Split &s,
                           const TrainingOptions &o, std::vector<double> *abs_log_residuals)
{
    SplitReport r;
    r.name = name;
    r.train_rows = s.train.size();
    r.test_rows = s.test.size();
    r.train_fingerprints = distinct_fingerprints(ex, s.train);
    r.test_fingerprints = distinct_fingerprints(ex, s.test);
    if (s.train.empty() || s.test.empty())
        return r;
    std::vector<std::string> json;
    const LatencyModel m = train_members(ex, s.train, o, &json);
    std::vector<std::vector<float>> rows;
    std::vector<double> actual, baseline;
    for (std::size_t i : s.test) {
        rows.push_back(ex[i].features);
        actual.push_back(ex[i].total_ms);
        baseline.push_back(std::max(kMinCost, ex[i].total_cost) * std::exp(m.log_cost_scale()));
    }
    std::vector<double> predicted;
    for (const auto &p : m.predict(rows))
        predicted.push_back(p.ms);
    r.model = qerror_stats(predicted, actual);
    r.baseline = qerror_stats(baseline, actual);
    if (abs_log_residuals)
        for (std::size_t i = 0; i < predicted.size(); ++i)
            abs_log_residuals->push_back(std::abs(log_ms(predicted[i]) - log_ms(actual[i])));
    return r;
}

}  // namespace

LatencyModel LatencyModel::train(const std::vector<Example> &examples, const TrainingOptions &options)
{
    if (examples.empty())
        throw std::invalid_argument("no examples to train on");
    std::vector<std::size_t> all(examples.size());
    std::iota(all.begin(), all.end(), 0);
    std::vector<std::string> json;
    return train_members(examples, all, options, &json);
}

std::pair<LatencyModel, Evaluation> LatencyModel::train_and_evaluate(const std::vector<Example> &examples,
                                                                     const TrainingOptions &options)
{
    if (examples.size() < 2)
        throw std::invalid_argument("at least two examples are needed to hold some out");
    Evaluation ev;
    std::vector<double> residuals;
    ev.by_fingerprint = evaluate_split(
        "fingerprint", examples, split_by_fingerprint(examples, options.test_fraction, options.seed), options, nullptr);
    ev.random = evaluate_split("random", examples, split_random(examples.size(), options.test_fraction, options.seed),
                               options, &residuals);
    const auto start = std::chrono::steady_clock::now();
    LatencyModel m = train(examples, options);
    ev.train_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!residuals.empty())
        m.residual_q80_ = quantile(residuals, 0.8);
    return {std::move(m), ev};
}

std::vector<Prediction> LatencyModel::predict(const std::vector<std::vector<float>> &rows) const
{
    if (rows.empty())
        return {};
    std::vector<const std::vector<float> *> ptrs;
    for (const auto &r : rows)
        ptrs.push_back(&r);
    const xgb::DMatrix m = matrix(ptrs);
    std::vector<std::vector<float>> outs;
    for (const auto &b : members_)
        outs.push_back(b->predict(m));
    std::vector<Prediction> preds(rows.size());
    const auto k = static_cast<double>(outs.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
        double mean = 0, var = 0;
        for (const auto &o : outs)
            mean += o[i] / k;
        for (const auto &o : outs)
            var += (o[i] - mean) * (o[i] - mean) / k;
        mean += target_offset(target_, rows[i].empty() ? 0.0 : rows[i][0]);
        // Members disagree where data was thin; held-out residuals cover what all members miss.
        const double half = std::sqrt(4.0 * var + residual_q80_ * residual_q80_);
        preds[i].ms = std::exp(mean);
        preds[i].low_ms = std::exp(mean - half);
        preds[i].high_ms = std::exp(mean + half);
        preds[i].confidence = std::exp(-half);
    }
    return preds;
}

Prediction LatencyModel::predict(const std::vector<float> &features) const
{
    return predict(std::vector<std::vector<float>>{features}).front();
}

std::vector<Contribution> LatencyModel::explain(const std::vector<float> &features, std::size_t top) const
{
    const xgb::DMatrix m = matrix({&features});
    std::vector<double> sum(features.size(), 0.0);
    for (const auto &b : members_) {
        const auto c = b->predict_contribs(m);  // features + bias
        for (std::size_t j = 0; j < features.size() && j < c.size(); ++j)
            sum[j] += c[j] / static_cast<double>(members_.size());
    }
    const auto &names = feature_names();
    std::vector<Contribution> out;
    for (std::size_t j = 0; j < sum.size(); ++j)
        if (sum[j] != 0)
            out.push_back({j < names.size() ? names[j] : "f" + std::to_string(j), sum[j]});
    std::sort(out.begin(), out.end(), [](const Contribution &a, const Contribution &b) {
        return std::abs(a.log_effect) > std::abs(b.log_effect);
    });
    if (out.size() > top)
        out.resize(top);
    return out;
}

std::vector<std::string> LatencyModel::members_json() const
{
    std::vector<std::string> out;
    for (const auto &b : members_)
        out.push_back(b->to_json());
    return out;
}

const char *to_string(Target t)
{
    return t == Target::log_ms_over_cost ? "log_ms_over_cost" : "log_ms";
}

std::optional<Target> target_from_string(const std::string &s)
{
    if (s == "log_ms")
        return Target::log_ms;
    if (s == "log_ms_over_cost")
        return Target::log_ms_over_cost;
    return std::nullopt;
}

LatencyModel LatencyModel::from_parts(const std::vector<std::string> &members_json, double log_cost_scale,
                                      double residual_q80, Target target)
{
    if (members_json.empty())
        throw std::invalid_argument("a latency model needs at least one member");
    LatencyModel m;
    for (const auto &j : members_json) {
        auto b = std::make_shared<xgb::Booster>(xgb::Booster::from_json(j));
        if (b->num_features() != feature_count())
            throw xgb::Error("the model expects " + std::to_string(b->num_features()) + " features, feature version " +
                             std::to_string(kFeatureVersion) + " has " + std::to_string(feature_count()));
        m.members_.push_back(std::move(b));
    }
    m.log_cost_scale_ = log_cost_scale;
    m.residual_q80_ = residual_q80;
    m.target_ = target;
    return m;
}

std::string describe(const std::vector<Contribution> &contributions)
{
    std::ostringstream s;
    s.precision(2);
    s << std::fixed;
    for (std::size_t i = 0; i < contributions.size(); ++i) {
        const double f = std::exp(std::abs(contributions[i].log_effect));
        s << (i ? ", " : "") << contributions[i].feature << (contributions[i].log_effect >= 0 ? " ×" : " ÷") << f;
    }
    return s.str();
}

}  // namespace autopilot
