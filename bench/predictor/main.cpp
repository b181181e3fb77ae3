// bench/predictor: the latency model against the optimizer-cost baseline on a real workload.
//   bench_predictor collect --out DIR [--samples N] [--seed S]   run the workload, write DIR/samples.jsonl
//   bench_predictor evaluate --from DIR [--reps R] [--folds K]   Q-error on both splits (R seeds), timings;
//                                                                 K > 0: also leave-templates-out over K folds
//   bench_predictor decide --from DIR [--per-candidate P] [--folds K]
//       decision accuracy: (statement, candidate index) pairs, the planner's plan with the index vs without,
//       run for real; the model trained on all samples, K fold models that never saw the pair's template,
//       and the optimizer's cost each say whether the index makes the statement faster
//   bench_predictor train --from-samples DIR --out MODELS_DIR      train and save a model (as autopilotd train)
// evaluate and decide take the recipe's variants: --target log_ms|log_ms_over_cost, --members,
// --rounds, --depth, --eta, --min-child-weight, --colsample, --balance 0|1.
// Connects with the PG* environment; expects bench/predictor/schema.sql loaded. Run by hand
// (bench/predictor/run.sh), never by the test suite.
#include "features.hpp"
#include "fingerprint.hpp"
#include "model.hpp"
#include "samples_file.hpp"
#include "templates.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <pqxx/pqxx>
#include <regex>
#include <set>
#include <string>
#include <vector>

using namespace autopilot;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace
{

struct Rng {
    std::uint64_t s;
    std::uint64_t next()
    {
        std::uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    double u() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
    long range(long lo, long hi) { return lo + static_cast<long>(next() % static_cast<std::uint64_t>(hi - lo + 1)); }
    template <class T> const T &pick(const std::vector<T> &v) { return v[next() % v.size()]; }
};

// Fills a template's placeholders with random values (skewed like the data where it matters).
std::string instantiate(const std::string &tpl, Rng &r)
{
    static const std::vector<std::string> statuses = {"done", "open", "returned", "fraud_review"};
    static const std::vector<std::string> kinds = {"view", "click", "cart", "search", "login", "logout"};
    static const std::vector<std::string> regions = {"north",   "south", "east",  "west",   "centre",
                                                     "islands", "alps",  "coast", "plains", "capital"};
    auto day = [&](int y, int m, long span) {
        const long d = r.range(0, span);
        char buf[32];
        std::tm tm{};
        tm.tm_year = y - 1900;
        tm.tm_mon = m - 1;
        tm.tm_mday = 1 + static_cast<int>(d);
        tm.tm_hour = 12;
        std::mktime(&tm);
        std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
        return std::string(buf);
    };
    std::string out;
    std::size_t i = 0;
    while (i < tpl.size()) {
        if (tpl[i] != '{') {
            out += tpl[i++];
            continue;
        }
        const auto end = tpl.find('}', i);
        const std::string name = tpl.substr(i + 1, end - i - 1);
        i = end + 1;
        std::string v;
        if (name == "order")
            v = std::to_string(r.range(1, 100000));
        else if (name == "cust")
            v = std::to_string(r.u() < 0.5 ? 1 + static_cast<long>(19999 * std::pow(r.u(), 4)) : r.range(1, 20000));
        else if (name == "prod")
            v = std::to_string(1 + static_cast<long>(4999 * std::pow(r.u(), 3)));
        else if (name == "status")
            v = r.pick(statuses);
        else if (name == "kind")
            v = r.pick(kinds);
        else if (name == "region")
            v = r.pick(regions);
        else if (name == "day")
            v = day(2022, 1, 690);
        else if (name == "eday")
            v = day(2023, 1, 690);
        else if (name == "sday")
            v = day(2020, 1, 1790);
        else if (name == "hours")
            v = std::to_string(r.range(1, 72));
        else if (name == "days")
            v = std::to_string(r.range(1, 90));
        else if (name == "cat")
            v = std::to_string(r.range(1, 50));
        else if (name == "age")
            v = std::to_string(r.range(18, 78));
        else if (name == "payload")
            v = std::to_string(r.range(0, 2000));
        else if (name == "lim")
            v = std::to_string(r.range(1, 100));
        else if (name == "span")
            v = std::to_string(static_cast<long>(std::pow(10.0, 1 + 2.5 * r.u())));
        else if (name == "store")
            v = std::to_string(r.range(1, 200));
        else if (name == "brand")
            v = std::to_string(r.range(1, 200));
        else if (name == "few")
            v = std::to_string(r.range(1, 12));
        else
            throw std::runtime_error("unknown placeholder {" + name + "}");
        out += v;
    }
    return out;
}

struct Run {
    json plan;
    double ms = 0;
    std::string status = "ok";
};

// EXPLAIN ANALYZE without per-node timing: the executor's own total, the plan with estimates.
Run run_analyze(pqxx::connection &c, const std::string &sql)
{
    Run r;
    try {
        pqxx::work tx(c);
        tx.exec("SET LOCAL search_path = bench");
        tx.exec("SET LOCAL statement_timeout = '8s'");
        tx.exec("SET LOCAL max_parallel_workers_per_gather = 0");
        const auto doc =
            json::parse(tx.exec1("EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) " + sql)[0].as<std::string>());
        tx.commit();
        r.plan = doc[0]["Plan"];
        r.ms = doc[0]["Execution Time"].get<double>();
    } catch (const pqxx::sql_error &e) {
        r.status = std::string(e.sqlstate()) == "57014" ? "timeout" : "error";
    }
    return r;
}

json explain(pqxx::work &tx, const std::string &sql)
{
    tx.exec("SET LOCAL max_parallel_workers_per_gather = 0");
    return json::parse(tx.exec1("EXPLAIN (FORMAT JSON) " + sql)[0].as<std::string>())[0]["Plan"];
}

FeatureContext read_context(pqxx::connection &c)
{
    FeatureContext ctx;
    pqxx::work tx(c);
    for (const auto &row : tx.exec("SELECT n.nspname || '.' || c.relname, c.relpages, c.reltuples FROM pg_class c "
                                   "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'bench' AND "
                                   "c.relkind = 'r'"))
        ctx.relations[row[0].as<std::string>()] = {row[1].as<double>(), row[2].as<double>()};
    ctx.work_mem_kb = tx.exec1("SELECT setting::float8 FROM pg_settings WHERE name = 'work_mem'")[0].as<double>();
    ctx.shared_buffers_pages =
        tx.exec1("SELECT setting::float8 FROM pg_settings WHERE name = 'shared_buffers'")[0].as<double>();
    return ctx;
}

void exec(pqxx::connection &c, const std::string &sql)
{
    pqxx::work tx(c);
    tx.exec("SET LOCAL search_path = bench");
    tx.exec(sql);
    tx.commit();
}

std::string with_name(const std::string &ddl, const std::string &name)
{
    return std::regex_replace(ddl, std::regex("^CREATE INDEX ON"), "CREATE INDEX " + name + " ON");
}

int collect(const std::string &out, int samples, std::uint64_t seed)
{
    pqxx::connection c;
    std::filesystem::create_directories(out);
    std::ofstream f(out + "/samples.jsonl", std::ios::trunc);
    Rng r{seed};
    const int per_config = samples / static_cast<int>(bench::kTrainingConfigs.size());
    std::size_t n = 0, failed = 0;
    const auto start = Clock::now();
    for (std::size_t cfg = 0; cfg < bench::kTrainingConfigs.size(); ++cfg) {
        const auto &indexes = bench::kTrainingConfigs[cfg];
        for (std::size_t k = 0; k < indexes.size(); ++k)
            exec(c, with_name(indexes[k], "train_ix_" + std::to_string(k)));
        exec(c, "ANALYZE");
        for (int i = 0; i < per_config; ++i) {
            const std::string &tpl = bench::kTemplates[static_cast<std::size_t>(i) % bench::kTemplates.size()];
            const std::string sql = instantiate(tpl, r);
            const Run run = run_analyze(c, sql);
            if (run.status != "ok") {
                ++failed;
                continue;
            }
            json line = {{"fingerprint", autopilot::fingerprint(sql)},
                         {"template", static_cast<int>(static_cast<std::size_t>(i) % bench::kTemplates.size())},
                         {"config", cfg},
                         {"query", sql},
                         {"total_ms", run.ms},
                         {"status", run.status},
                         {"plan", run.plan}};
            f << line.dump() << "\n";
            ++n;
        }
        for (std::size_t k = 0; k < indexes.size(); ++k)
            exec(c, "DROP INDEX train_ix_" + std::to_string(k));
        std::fprintf(stderr, "config %zu: %zu samples so far (%.0f s)\n", cfg, n,
                     std::chrono::duration<double>(Clock::now() - start).count());
    }
    std::ofstream(out + "/context.json", std::ios::trunc) << context_to_json(read_context(c)).dump(2) << "\n";
    std::printf("collected %zu samples (%zu failed or timed out) into %s\n", n, failed, out.c_str());
    return 0;
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : (v[(v.size() - 1) / 2] + v[v.size() / 2]) / 2;
}

std::string spread(const std::vector<double> &v)
{
    char buf[96];
    std::snprintf(buf, sizeof buf, "%7.3f [%.3f..%.3f]", median(v), *std::min_element(v.begin(), v.end()),
                  *std::max_element(v.begin(), v.end()));
    return buf;
}

void evaluate_folds(const std::vector<Example> &examples, int folds, const TrainingOptions &o);

int evaluate(const std::string &from, int reps, int folds, const TrainingOptions &base)
{
    const SampleSet set = read_sample_set(from);
    const auto examples = make_examples(set.samples, set.context);
    std::set<std::string> fps;
    for (const auto &e : examples)
        fps.insert(e.fingerprint);
    std::printf("%zu examples, %zu fingerprints, %zu features (version %d), %d repetitions (split seeds)\n",
                examples.size(), fps.size(), feature_count(), kFeatureVersion, reps);
    std::map<std::string, std::vector<double>> m;
    std::vector<double> train_s, batch_ps, single_ps;
    for (int rep = 0; rep < reps; ++rep) {
        TrainingOptions o = base;
        o.seed = 7 + static_cast<std::uint64_t>(rep) * 1000;
        auto [model, ev] = LatencyModel::train_and_evaluate(examples, o);
        for (const SplitReport *r : {&ev.by_fingerprint, &ev.random}) {
            m[r->name + " model median"].push_back(r->model.median);
            m[r->name + " model p90"].push_back(r->model.p90);
            m[r->name + " model p95"].push_back(r->model.p95);
            m[r->name + " model max"].push_back(r->model.max);
            m[r->name + " baseline median"].push_back(r->baseline.median);
            m[r->name + " baseline p90"].push_back(r->baseline.p90);
            m[r->name + " baseline p95"].push_back(r->baseline.p95);
            m[r->name + " baseline max"].push_back(r->baseline.max);
            m[r->name + " p90 ratio baseline/model"].push_back(r->baseline.p90 / r->model.p90);
        }
        train_s.push_back(ev.train_seconds);
        std::vector<std::vector<float>> rows;
        for (const auto &e : examples)
            rows.push_back(e.features);
        auto t0 = Clock::now();
        const auto preds = model.predict(rows);
        batch_ps.push_back(static_cast<double>(preds.size()) /
                           std::chrono::duration<double>(Clock::now() - t0).count());
        // The advisor's path: featurize one JSON plan and predict it alone.
        t0 = Clock::now();
        const std::size_t n_single = std::min<std::size_t>(500, set.samples.size());
        double sink = 0;
        for (std::size_t i = 0; i < n_single; ++i)
            sink += model.predict(featurize(set.samples[i].plan, set.context)).ms;
        single_ps.push_back(static_cast<double>(n_single) / std::chrono::duration<double>(Clock::now() - t0).count());
        if (sink < 0)
            std::printf("impossible\n");
    }
    if (folds > 0)
        evaluate_folds(examples, folds, base);
    if (reps <= 0)
        return 0;
    std::printf("%-40s %s\n", "metric", "median [min..max] over repetitions");
    for (const auto &[k, v] : m)
        std::printf("%-40s %s\n", k.c_str(), spread(v).c_str());
    std::printf("%-40s %s\n", "training time, final model (s)", spread(train_s).c_str());
    std::printf("%-40s %.0f (median)\n", "predictions/s, batch of all samples", median(batch_ps));
    std::printf("%-40s %.0f (median)\n", "predictions/s, one plan at a time", median(single_ps));
    return 0;
}

// Leave-templates-out: every template is held out once (folds by fingerprint hash), so every
// sample gets a prediction from a model that never saw its template. `pred[i]` is sample i's.
std::vector<double> leave_templates_out(const std::vector<Example> &ex, int folds, const TrainingOptions &o,
                                        std::vector<double> *baseline)
{
    std::map<std::string, int> fold_of;
    {
        std::set<std::string> fps;
        for (const auto &e : ex)
            fps.insert(e.fingerprint);
        std::vector<std::pair<std::uint64_t, std::string>> order;
        for (const auto &f : fps)
            order.emplace_back(std::hash<std::string>{}(f + "folds" + std::to_string(o.seed)), f);
        std::sort(order.begin(), order.end());
        for (std::size_t i = 0; i < order.size(); ++i)
            fold_of[order[i].second] = static_cast<int>(i % static_cast<std::size_t>(folds));
    }
    std::vector<double> pred(ex.size(), 0);
    if (baseline)
        baseline->assign(ex.size(), 0);
    for (int f = 0; f < folds; ++f) {
        std::vector<Example> train;
        std::vector<std::size_t> test;
        for (std::size_t i = 0; i < ex.size(); ++i)
            if (fold_of[ex[i].fingerprint] == f)
                test.push_back(i);
            else
                train.push_back(ex[i]);
        if (test.empty() || train.empty())
            continue;
        const LatencyModel m = LatencyModel::train(train, o);
        std::vector<std::vector<float>> rows;
        for (std::size_t i : test)
            rows.push_back(ex[i].features);
        const auto p = m.predict(rows);
        for (std::size_t k = 0; k < test.size(); ++k) {
            pred[test[k]] = p[k].ms;
            if (baseline)
                (*baseline)[test[k]] = std::max(0.01, ex[test[k]].total_cost) * std::exp(m.log_cost_scale());
        }
    }
    return pred;
}

// `evaluate --folds K`: the leave-templates-out figures (more robust than one 20 % hold-out of
// 36 templates, where two or three templates decide the tail).
void evaluate_folds(const std::vector<Example> &examples, int folds, const TrainingOptions &o)
{
    const auto start = Clock::now();
    std::vector<double> baseline;
    const auto pred = leave_templates_out(examples, folds, o, &baseline);
    std::vector<double> actual;
    for (const auto &e : examples)
        actual.push_back(e.total_ms);
    const QErrorStats m = qerror_stats(pred, actual), b = qerror_stats(baseline, actual);
    std::printf("leave-templates-out, %d folds (%zu predictions, %.0f s): model median %.3f p90 %.2f p95 %.2f max "
                "%.1f | cost baseline median %.3f p90 %.2f p95 %.2f max %.1f | p90 ratio %.2f\n",
                folds, pred.size(), std::chrono::duration<double>(Clock::now() - start).count(), m.median, m.p90,
                m.p95, m.max, b.median, b.p90, b.p95, b.max, b.p90 / m.p90);
    // Per-template median Q-error, worst first: where the tail comes from.
    std::map<std::string, std::vector<double>> by_fp;
    for (std::size_t i = 0; i < examples.size(); ++i) {
        const double p = std::max(0.01, pred[i]), a = std::max(0.01, actual[i]);
        by_fp[examples[i].fingerprint].push_back(std::max(p / a, a / p));
    }
    std::vector<std::pair<double, std::string>> worst;
    for (const auto &[fp, q] : by_fp)
        worst.emplace_back(median(q), fp);
    std::sort(worst.rbegin(), worst.rend());
    std::printf("worst templates (median q-error unseen):");
    for (std::size_t i = 0; i < std::min<std::size_t>(6, worst.size()); ++i)
        std::printf(" %.2f", worst[i].first);
    std::printf("\n");
}

// One decision: does creating `candidate` make `sql` faster? "with" is the plan the planner picks
// with the index present (whether it uses the index or not), "without" the plan without it.
struct Pair {
    std::string candidate, sql, fingerprint;
    std::size_t tpl = 0;
    bool uses_index = false;  // the planner picks the index: the plans differ
    json plan_with, plan_without;
    double cost_without = 0, cost_with = 0, pred_without = 0, pred_with = 0, ms_without = 0, ms_with = 0;
    double lto_pred_without = 0, lto_pred_with = 0;  // from the model that never saw this template
};

struct Accuracy {
    double balanced = 0;
    std::size_t pos = 0, neg = 0;
};

// The question each side answers is the same: "is the index variant at least `gap` faster?" The
// truth from the medians run for real; the model from its two predictions; the optimizer from its
// two costs. A plan the index does not change is predicted identically, hence "not faster".
Accuracy balanced_accuracy(const std::vector<const Pair *> &pairs, std::pair<double, double> (*said)(const Pair &),
                           double gap)
{
    double tp = 0, pos = 0, tn = 0, neg = 0;
    for (const Pair *p : pairs) {
        const bool truth = p->ms_with < (1 - gap) * p->ms_without;
        const auto [with, without] = said(*p);
        const bool says_faster = with < (1 - gap) * without;
        if (truth) {
            pos += 1;
            tp += says_faster;
        } else {
            neg += 1;
            tn += !says_faster;
        }
    }
    Accuracy a;
    a.pos = static_cast<std::size_t>(pos);
    a.neg = static_cast<std::size_t>(neg);
    if (pos == 0 || neg == 0)
        a.balanced = pos + neg == 0 ? 0 : (tp + tn) / (pos + neg);
    else
        a.balanced = 0.5 * (tp / pos + tn / neg);
    return a;
}

// "CREATE INDEX ON orders (customer_id, ordered_at)" -> {"orders", "customer_id"}.
std::pair<std::string, std::string> table_and_leading_column(const std::string &ddl)
{
    std::smatch m;
    if (!std::regex_search(ddl, m, std::regex(R"(ON\s+(\w+)\s*\(\s*(\w+))")))
        throw std::runtime_error("cannot read the candidate " + ddl);
    return {m[1], m[2]};
}

json explain_in(pqxx::work &tx, const std::string &sql)
{
    tx.exec("SET LOCAL search_path = bench");
    return explain(tx, sql);
}

// Runs `sql` with the index, then without it (dropped inside a transaction that rolls back),
// interleaved, one warm-up of each then the median of `reps`.
void run_pair(pqxx::connection &c, const std::string &index, const std::string &sql, int reps, double *with_ms,
              double *without_ms)
{
    std::vector<double> with, without;
    for (int rep = 0; rep <= reps; ++rep) {
        const Run w = run_analyze(c, sql);
        double wo = 0;
        {
            pqxx::work tx(c);
            tx.exec("SET LOCAL search_path = bench");
            tx.exec("SET LOCAL statement_timeout = '8s'");
            tx.exec("SET LOCAL max_parallel_workers_per_gather = 0");
            tx.exec("DROP INDEX " + index);
            const auto doc =
                json::parse(tx.exec1("EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) " + sql)[0].as<std::string>());
            wo = doc[0]["Execution Time"].get<double>();
            tx.abort();
        }
        if (rep > 0) {
            with.push_back(w.status == "ok" ? w.ms : 8000.0);
            without.push_back(wo);
        }
    }
    *with_ms = median(with);
    *without_ms = median(without);
}

// Samples (statement, candidate) pairs and runs them: with the candidate built for real.
std::vector<Pair> sample_and_run(pqxx::connection &c, int per_candidate, std::uint64_t seed)
{
    Rng r{seed};
    std::vector<Pair> pairs;
    for (std::size_t ci = 0; ci < bench::kCandidates.size(); ++ci) {
        const std::string name = "cand_ix_" + std::to_string(ci);
        const auto [table, column] = table_and_leading_column(bench::kCandidates[ci]);
        // Statements the candidate could serve: the template reads its table and its leading column.
        std::vector<std::size_t> relevant;
        for (std::size_t t = 0; t < bench::kTemplates.size(); ++t)
            if (std::regex_search(bench::kTemplates[t], std::regex("\\b" + table + "\\b")) &&
                std::regex_search(bench::kTemplates[t], std::regex("\\b" + column + "\\b")))
                relevant.push_back(t);
        exec(c, with_name(bench::kCandidates[ci], name));
        std::vector<Pair> used, ignored;
        for (std::size_t t : relevant)
            for (int k = 0; k < per_candidate; ++k) {
                Pair p;
                p.candidate = bench::kCandidates[ci];
                p.tpl = t;
                p.sql = instantiate(bench::kTemplates[t], r);
                p.fingerprint = autopilot::fingerprint(p.sql);
                {
                    pqxx::work tx(c);
                    p.plan_with = explain_in(tx, p.sql);
                    tx.exec("DROP INDEX " + name);
                    p.plan_without = explain_in(tx, p.sql);
                    tx.abort();
                }
                p.uses_index = p.plan_with.dump().find("\"" + name + "\"") != std::string::npos;
                p.cost_without = p.plan_without["Total Cost"].get<double>();
                p.cost_with = p.plan_with["Total Cost"].get<double>();
                (p.uses_index ? used : ignored).push_back(p);
            }
        // Every pair whose plan uses the index, and as many where the planner ignores it (chosen at
        // random): a decision about the index is about both, and the ignored ones keep the classes
        // balanced without drowning the set in identical plans.
        for (std::size_t i = ignored.size(); i > 1; --i)
            std::swap(ignored[i - 1], ignored[r.next() % i]);
        ignored.resize(std::min(ignored.size(), std::max<std::size_t>(1, used.size())));
        for (auto *group : {&used, &ignored})
            for (auto &p : *group) {
                run_pair(c, name, p.sql, 3, &p.ms_with, &p.ms_without);
                pairs.push_back(p);
            }
        exec(c, "DROP INDEX " + name);
        std::fprintf(stderr, "%s: %zu relevant templates, %zu pairs use it, %zu ignore it\n",
                     bench::kCandidates[ci].c_str(), relevant.size(), used.size(), ignored.size());
    }
    return pairs;
}

// `decide --rescore 1`: the pairs of the last run (with their plans and times), judged again by a
// model trained with other options, without running anything.
std::vector<Pair> read_pairs(const std::string &path)
{
    std::ifstream f(path);
    if (!f)
        throw std::runtime_error("cannot read " + path);
    std::vector<Pair> pairs;
    for (std::string line; std::getline(f, line);) {
        const json j = json::parse(line);
        Pair p;
        p.candidate = j["candidate"];
        p.tpl = j["template"];
        p.sql = j["sql"];
        p.fingerprint = autopilot::fingerprint(p.sql);
        p.uses_index = j["uses_index"];
        p.plan_with = j["plan_with"];
        p.plan_without = j["plan_without"];
        p.cost_with = j["cost_with"];
        p.cost_without = j["cost_without"];
        p.ms_with = j["ms_with"];
        p.ms_without = j["ms_without"];
        pairs.push_back(std::move(p));
    }
    return pairs;
}

int decide(const std::string &from, int per_candidate, int folds, std::uint64_t seed, bool rescore,
           const TrainingOptions &o)
{
    const SampleSet set = read_sample_set(from);
    const auto examples = make_examples(set.samples, set.context);
    auto t0 = Clock::now();
    const LatencyModel model = LatencyModel::train(examples, o);
    // One model per fold of templates: each pair is also judged by a model that never saw its template.
    std::map<std::string, int> fold_of;
    {
        std::set<std::string> fps;
        for (const auto &e : examples)
            fps.insert(e.fingerprint);
        std::vector<std::pair<std::uint64_t, std::string>> order;
        for (const auto &f : fps)
            order.emplace_back(std::hash<std::string>{}(f + "decide"), f);
        std::sort(order.begin(), order.end());
        for (std::size_t i = 0; i < order.size(); ++i)
            fold_of[order[i].second] = static_cast<int>(i % static_cast<std::size_t>(folds));
    }
    std::vector<LatencyModel> fold_models;
    for (int f = 0; f < folds; ++f) {
        std::vector<Example> kept;
        for (const auto &e : examples)
            if (fold_of[e.fingerprint] != f)
                kept.push_back(e);
        fold_models.push_back(LatencyModel::train(kept, o));
    }
    std::fprintf(stderr, "trained 1 + %d fold models in %.0f s\n", folds,
                 std::chrono::duration<double>(Clock::now() - t0).count());

    const std::string pairs_path = from + "/decision_pairs.jsonl";
    std::vector<Pair> pairs;
    FeatureContext ctx = set.context;
    if (rescore) {
        pairs = read_pairs(pairs_path);
    } else {
        pqxx::connection c;
        ctx = read_context(c);
        pairs = sample_and_run(c, per_candidate, seed);
    }
    for (auto &p : pairs) {
        const auto fw = featurize(p.plan_with, ctx), fo = featurize(p.plan_without, ctx);
        p.pred_with = model.predict(fw).ms;
        p.pred_without = model.predict(fo).ms;
        const auto fold = fold_of.find(p.fingerprint);
        const LatencyModel &lto = fold_models[fold == fold_of.end() ? 0 : static_cast<std::size_t>(fold->second)];
        p.lto_pred_with = lto.predict(fw).ms;
        p.lto_pred_without = lto.predict(fo).ms;
    }
    if (!rescore) {
        std::ofstream pf(pairs_path, std::ios::trunc);
        for (const auto &p : pairs)
            pf << json{{"candidate", p.candidate},
                       {"template", p.tpl},
                       {"sql", p.sql},
                       {"uses_index", p.uses_index},
                       {"cost_without", p.cost_without},
                       {"cost_with", p.cost_with},
                       {"pred_without", p.pred_without},
                       {"pred_with", p.pred_with},
                       {"lto_pred_without", p.lto_pred_without},
                       {"lto_pred_with", p.lto_pred_with},
                       {"ms_without", p.ms_without},
                       {"ms_with", p.ms_with},
                       {"plan_with", p.plan_with},
                       {"plan_without", p.plan_without}}
                      .dump()
               << "\n";
    }
    std::vector<const Pair *> all, changed;
    std::size_t n_used = 0, used_slower = 0;
    for (const auto &p : pairs) {
        all.push_back(&p);
        if (p.uses_index) {
            changed.push_back(&p);
            ++n_used;
            used_slower += p.ms_with >= p.ms_without;
        }
    }
    std::printf("%zu (statement, candidate index) pairs over %zu candidates: the planner uses the index in %zu "
                "(really slower with it in %zu), ignores it in %zu\n",
                pairs.size(), bench::kCandidates.size(), n_used, used_slower, pairs.size() - n_used);
    // Beyond the yes/no decision: how far each predicted speed-up (with / without) is from the real
    // one, on the pairs whose plan changes (elsewhere every predictor says 1 exactly).
    auto ratio_error = [&](double Pair::*w, double Pair::*wo) {
        std::vector<double> e;
        for (const Pair *p : changed)
            e.push_back(std::abs(std::log(std::max(1e-6, p->*w) / std::max(1e-6, p->*wo)) -
                                 std::log(std::max(0.001, p->ms_with) / std::max(0.001, p->ms_without))));
        return median(e);
    };
    std::printf("median |ln(predicted speed-up / real speed-up)| where the plan changes: model %.3f, model "
                "(template unseen) %.3f, cost %.3f\n",
                ratio_error(&Pair::pred_with, &Pair::pred_without),
                ratio_error(&Pair::lto_pred_with, &Pair::lto_pred_without),
                ratio_error(&Pair::cost_with, &Pair::cost_without));
    auto model_says = [](const Pair &p) { return std::make_pair(p.pred_with, p.pred_without); };
    auto lto_says = [](const Pair &p) { return std::make_pair(p.lto_pred_with, p.lto_pred_without); };
    auto cost_says = [](const Pair &p) { return std::make_pair(p.cost_with, p.cost_without); };
    std::printf("balanced accuracy of \"the index makes it at least gap faster\" (truth: median with < (1 - gap) x "
                "median without; each predictor: its value with < (1 - gap) x without)\n");
    std::printf("%-24s %-10s %-14s %-22s %-10s\n", "pairs", "pos/neg", "model (all)", "model (template unseen)",
                "cost");
    for (double gap : {0.0, 0.05, 0.10})
        for (const auto *set_of : {&all, &changed}) {
            const Accuracy m = balanced_accuracy(*set_of, model_says, gap);
            const Accuracy l = balanced_accuracy(*set_of, lto_says, gap);
            const Accuracy k = balanced_accuracy(*set_of, cost_says, gap);
            char label[64];
            std::snprintf(label, sizeof label, "%s, gap %.0f%%", set_of == &all ? "all" : "plan uses index",
                          gap * 100);
            char pn[32];
            std::snprintf(pn, sizeof pn, "%zu/%zu", m.pos, m.neg);
            std::printf("%-24s %-10s %-14.3f %-22.3f %-10.3f\n", label, pn, m.balanced, l.balanced, k.balanced);
        }
    return 0;
}

}  // namespace

int main(int argc, char **argv)
{
    try {
        const std::vector<std::string> args(argv + 1, argv + argc);
        auto opt = [&](const std::string &name, const std::string &fallback) {
            for (std::size_t i = 0; i + 1 < args.size(); ++i)
                if (args[i] == name)
                    return args[i + 1];
            return fallback;
        };
        const std::string cmd = args.empty() ? "" : args[0];
        // Training recipe variants (defaults: TrainingOptions, the daemon's recipe).
        TrainingOptions o;
        const std::string target = opt("--target", to_string(o.target));
        if (!target_from_string(target))
            throw std::invalid_argument("--target must be log_ms or log_ms_over_cost");
        o.target = *target_from_string(target);
        o.members = std::stoi(opt("--members", std::to_string(o.members)));
        o.rounds = std::stoi(opt("--rounds", std::to_string(o.rounds)));
        o.max_depth = std::stoi(opt("--depth", std::to_string(o.max_depth)));
        o.eta = std::stod(opt("--eta", std::to_string(o.eta)));
        o.min_child_weight = std::stod(opt("--min-child-weight", std::to_string(o.min_child_weight)));
        o.colsample = std::stod(opt("--colsample", std::to_string(o.colsample)));
        o.balance_fingerprints = opt("--balance", o.balance_fingerprints ? "1" : "0") == "1";
        if (cmd == "collect")
            return collect(opt("--out", "bench-data"), std::stoi(opt("--samples", "4500")),
                           std::stoull(opt("--seed", "11")));
        if (cmd == "evaluate")
            return evaluate(opt("--from", "bench-data"), std::stoi(opt("--reps", "3")),
                            std::stoi(opt("--folds", "0")), o);
        if (cmd == "train")  // the same code as `autopilotd train` (samples_file.cpp)
            return train_command(std::vector<std::string>(args.begin() + 1, args.end()));
        if (cmd == "decide")
            return decide(opt("--from", "bench-data"), std::stoi(opt("--per-candidate", "3")),
                          std::stoi(opt("--folds", "5")), std::stoull(opt("--seed", "23")),
                          opt("--rescore", "0") == "1", o);
        std::fprintf(stderr, "usage: bench_predictor collect|evaluate|decide|train [options]\n");
        return 2;
    } catch (const std::exception &e) {
        std::fprintf(stderr, "bench_predictor: %s\n", e.what());
        return 1;
    }
}
