// bench/predictor: the latency model against the optimizer-cost baseline on a real workload.
//   bench_predictor collect --out DIR [--samples N] [--seed S]   run the workload, write DIR/samples.jsonl
//   bench_predictor evaluate --from DIR [--reps R]               Q-error on both splits (R seeds), timings
//   bench_predictor decide --from DIR [--per-candidate P]        decision accuracy with/without real indexes
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

int evaluate(const std::string &from, int reps, const TrainingOptions &base)
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
    std::printf("%-40s %s\n", "metric", "median [min..max] over repetitions");
    for (const auto &[k, v] : m)
        std::printf("%-40s %s\n", k.c_str(), spread(v).c_str());
    std::printf("%-40s %s\n", "training time, final model (s)", spread(train_s).c_str());
    std::printf("%-40s %.0f (median)\n", "predictions/s, batch of all samples", median(batch_ps));
    std::printf("%-40s %.0f (median)\n", "predictions/s, one plan at a time", median(single_ps));
    return 0;
}

struct Pair {
    std::string candidate, sql, fingerprint;
    double cost_without = 0, cost_with = 0, pred_without = 0, pred_with = 0, ms_without = 0, ms_with = 0;
    double fp_pred_without = 0, fp_pred_with = 0;
    bool held_out = false;
};

double balanced_accuracy(const std::vector<Pair> &pairs, bool (*says_faster)(const Pair &), double min_gap)
{
    double tp = 0, pos = 0, tn = 0, neg = 0;
    for (const auto &p : pairs) {
        if (std::abs(p.ms_with - p.ms_without) < min_gap * std::max(p.ms_with, p.ms_without))
            continue;
        const bool truth = p.ms_with < p.ms_without;
        const bool said = says_faster(p);
        if (truth) {
            pos += 1;
            tp += said;
        } else {
            neg += 1;
            tn += !said;
        }
    }
    if (pos == 0 || neg == 0)
        return pos + neg == 0 ? 0 : (tp + tn) / (pos + neg);
    return 0.5 * (tp / pos + tn / neg);
}

int decide(const std::string &from, int per_candidate, std::uint64_t seed, const TrainingOptions &o)
{
    const SampleSet set = read_sample_set(from);
    const auto examples = make_examples(set.samples, set.context);
    const LatencyModel model = LatencyModel::train(examples, o);
    // The fingerprint-split model: for pairs whose template it never saw.
    std::set<std::string> fps;
    for (const auto &e : examples)
        fps.insert(e.fingerprint);
    std::vector<std::pair<std::uint64_t, std::string>> order;
    for (const auto &f : fps)
        order.emplace_back(std::hash<std::string>{}(f + "decide"), f);
    std::sort(order.begin(), order.end());
    std::set<std::string> held;
    for (std::size_t i = 0; i < order.size() / 5; ++i)
        held.insert(order[i].second);
    std::vector<Example> kept;
    for (const auto &e : examples)
        if (!held.count(e.fingerprint))
            kept.push_back(e);
    const LatencyModel fp_model = LatencyModel::train(kept, o);

    pqxx::connection c;
    const FeatureContext ctx = read_context(c);
    Rng r{seed};
    std::vector<Pair> pairs;
    for (std::size_t ci = 0; ci < bench::kCandidates.size(); ++ci) {
        const std::string name = "cand_ix_" + std::to_string(ci);
        std::vector<std::pair<std::string, json>> before;
        {
            pqxx::work tx(c);
            tx.exec("SET LOCAL search_path = bench");
            for (const auto &tpl : bench::kTemplates)
                for (int k = 0; k < per_candidate; ++k) {
                    const std::string sql = instantiate(tpl, r);
                    before.emplace_back(sql, explain(tx, sql));
                }
        }
        exec(c, with_name(bench::kCandidates[ci], name));
        exec(c, "ANALYZE");
        int used = 0;
        for (const auto &[sql, plan0] : before) {
            json plan1;
            {
                pqxx::work tx(c);
                tx.exec("SET LOCAL search_path = bench");
                plan1 = explain(tx, sql);
            }
            if (plan1.dump().find("\"" + name + "\"") == std::string::npos)
                continue;  // the plan ignores the candidate: nothing to decide
            Pair p;
            p.candidate = bench::kCandidates[ci];
            p.sql = sql;
            p.fingerprint = autopilot::fingerprint(sql);
            p.held_out = held.count(p.fingerprint) > 0;
            p.cost_without = plan0["Total Cost"].get<double>();
            p.cost_with = plan1["Total Cost"].get<double>();
            p.pred_without = model.predict(featurize(plan0, ctx)).ms;
            p.pred_with = model.predict(featurize(plan1, ctx)).ms;
            p.fp_pred_without = fp_model.predict(featurize(plan0, ctx)).ms;
            p.fp_pred_with = fp_model.predict(featurize(plan1, ctx)).ms;
            // Interleaved: with the index, then without it (dropped inside a transaction that rolls
            // back), after one warm-up of each; median of 3.
            std::vector<double> with, without;
            for (int rep = 0; rep < 4; ++rep) {
                const Run w = run_analyze(c, sql);
                double wo = 0;
                {
                    pqxx::work tx(c);
                    tx.exec("SET LOCAL search_path = bench");
                    tx.exec("SET LOCAL statement_timeout = '8s'");
                    tx.exec("SET LOCAL max_parallel_workers_per_gather = 0");
                    tx.exec("DROP INDEX " + name);
                    const auto doc =
                        json::parse(tx.exec1("EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) " + sql)[0].as<std::string>());
                    wo = doc[0]["Execution Time"].get<double>();
                    tx.abort();
                }
                if (rep > 0) {
                    with.push_back(w.ms);
                    without.push_back(wo);
                }
            }
            p.ms_with = median(with);
            p.ms_without = median(without);
            pairs.push_back(p);
            ++used;
        }
        exec(c, "DROP INDEX " + name);
        std::fprintf(stderr, "%s: %d pairs\n", bench::kCandidates[ci].c_str(), used);
    }
    std::ofstream pf(from + "/decision_pairs.jsonl", std::ios::trunc);
    for (const auto &p : pairs)
        pf << json{{"candidate", p.candidate},       {"sql", p.sql},
                   {"cost_without", p.cost_without}, {"cost_with", p.cost_with},
                   {"pred_without", p.pred_without}, {"pred_with", p.pred_with},
                   {"ms_without", p.ms_without},     {"ms_with", p.ms_with},
                   {"held_out", p.held_out}}
                  .dump()
           << "\n";
    std::size_t faster = 0;
    for (const auto &p : pairs)
        faster += p.ms_with < p.ms_without;
    std::printf("%zu (statement, candidate index) pairs whose plan uses the index; the index is really faster in %zu\n",
                pairs.size(), faster);
    auto model_says = [](const Pair &p) { return p.pred_with < p.pred_without; };
    auto cost_says = [](const Pair &p) { return p.cost_with < p.cost_without; };
    auto fp_says = [](const Pair &p) { return p.fp_pred_with < p.fp_pred_without; };
    for (double gap : {0.0, 0.1}) {
        std::printf("pairs differing by >= %.0f%%:\n", gap * 100);
        std::printf("  balanced accuracy, model (all samples)         %.3f\n",
                    balanced_accuracy(pairs, model_says, gap));
        std::printf("  balanced accuracy, optimizer cost              %.3f\n",
                    balanced_accuracy(pairs, cost_says, gap));
        std::vector<Pair> held_pairs;
        for (const auto &p : pairs)
            if (p.held_out)
                held_pairs.push_back(p);
        std::printf("  held-out templates (%zu pairs): fp-split model %.3f, optimizer cost %.3f\n", held_pairs.size(),
                    balanced_accuracy(held_pairs, fp_says, gap), balanced_accuracy(held_pairs, cost_says, gap));
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
            return evaluate(opt("--from", "bench-data"), std::stoi(opt("--reps", "3")), o);
        if (cmd == "train")  // the same code as `autopilotd train` (samples_file.cpp)
            return train_command(std::vector<std::string>(args.begin() + 1, args.end()));
        if (cmd == "decide")
            return decide(opt("--from", "bench-data"), std::stoi(opt("--per-candidate", "2")),
                          std::stoull(opt("--seed", "23")), o);
        std::fprintf(stderr, "usage: bench_predictor collect|evaluate|decide|train [options]\n");
        return 2;
    } catch (const std::exception &e) {
        std::fprintf(stderr, "bench_predictor: %s\n", e.what());
        return 1;
    }
}
