// Reading sample sets and the offline training command.
#include "samples_file.hpp"

#include "model_store.hpp"

#include <cstdio>
#include <fstream>
#include <iostream>

namespace autopilot
{

nlohmann::json context_to_json(const FeatureContext &c)
{
    nlohmann::json rel = nlohmann::json::object();
    for (const auto &[name, s] : c.relations)
        rel[name] = {{"pages", s.pages}, {"tuples", s.tuples}};
    return {{"relations", rel}, {"work_mem_kb", c.work_mem_kb}, {"shared_buffers_pages", c.shared_buffers_pages}};
}

FeatureContext context_from_json(const nlohmann::json &j)
{
    FeatureContext c;
    c.work_mem_kb = j.value("work_mem_kb", c.work_mem_kb);
    c.shared_buffers_pages = j.value("shared_buffers_pages", c.shared_buffers_pages);
    if (j.contains("relations"))
        for (const auto &[name, s] : j["relations"].items())
            c.relations[name] = {s.value("pages", 0.0), s.value("tuples", 0.0)};
    return c;
}

SampleSet read_sample_set(const std::string &dir)
{
    SampleSet set;
    {
        std::ifstream in(dir + "/context.json");
        if (in) {
            try {
                set.context = context_from_json(nlohmann::json::parse(in));
            } catch (const nlohmann::json::exception &e) {
                throw std::runtime_error(dir + "/context.json: " + e.what());
            }
        }
    }
    std::ifstream in(dir + "/samples.jsonl");
    if (!in)
        throw std::runtime_error("cannot open " + dir + "/samples.jsonl");
    std::string line;
    std::size_t n = 0;
    while (std::getline(in, line)) {
        ++n;
        if (line.empty())
            continue;
        try {
            const auto j = nlohmann::json::parse(line);
            Sample s;
            s.fingerprint = j.value("fingerprint", "");
            s.plan = j.at("plan");
            s.total_ms = j.value("total_ms", 0.0);
            s.status = j.value("status", "ok");
            set.samples.push_back(std::move(s));
        } catch (const nlohmann::json::exception &e) {
            throw std::runtime_error(dir + "/samples.jsonl:" + std::to_string(n) + ": " + e.what());
        }
    }
    return set;
}

namespace
{
void print_split(const SplitReport &r)
{
    std::printf("  %-11s train %5zu rows / %3zu fps, test %5zu rows / %3zu fps\n", r.name.c_str(), r.train_rows,
                r.train_fingerprints, r.test_rows, r.test_fingerprints);
    std::printf("    %-9s q-error median %7.3f  p90 %8.3f  p95 %8.3f  max %10.2f\n", "model", r.model.median,
                r.model.p90, r.model.p95, r.model.max);
    std::printf("    %-9s q-error median %7.3f  p90 %8.3f  p95 %8.3f  max %10.2f\n", "baseline", r.baseline.median,
                r.baseline.p90, r.baseline.p95, r.baseline.max);
}
}  // namespace

int train_command(const std::vector<std::string> &args)
{
    std::string from, out, name = "latency-default";
    TrainingOptions options;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const auto next = [&]() -> std::string {
            if (i + 1 >= args.size())
                throw std::invalid_argument("option " + args[i] + " needs a value");
            return args[++i];
        };
        if (args[i] == "--from-samples")
            from = next();
        else if (args[i] == "--out")
            out = next();
        else if (args[i] == "--name")
            name = next();
        else if (args[i] == "--seed")
            options.seed = std::stoull(next());
        else if (args[i] == "--members")
            options.members = std::stoi(next());
        else if (args[i] == "--rounds")
            options.rounds = std::stoi(next());
        else if (args[i] == "--target") {
            const auto t = target_from_string(next());
            if (!t)
                throw std::invalid_argument("--target must be log_ms or log_ms_over_cost");
            options.target = *t;
        } else
            throw std::invalid_argument("unknown option " + args[i]);
    }
    if (from.empty() || out.empty()) {
        std::fprintf(stderr, "usage: autopilotd train --from-samples DIR --out MODELS_DIR [--name NAME] [--seed N]\n");
        return 2;
    }
    const SampleSet set = read_sample_set(from);
    std::size_t skipped = 0;
    const auto examples = make_examples(set.samples, set.context, &skipped);
    std::printf("training on %zu samples (%zu skipped) with %zu features, feature version %d\n", examples.size(),
                skipped, feature_count(), kFeatureVersion);
    auto [model, ev] = LatencyModel::train_and_evaluate(examples, options);
    print_split(ev.by_fingerprint);
    print_split(ev.random);
    std::printf("  final model trained in %.2f s\n", ev.train_seconds);
    nlohmann::json meta = training_metadata(options, examples, ev);
    meta["trained_from"] = from;
    meta["context"] = context_to_json(set.context);
    const std::string path = ModelStore(out).save(model, name, meta);
    std::printf("saved %s\n", path.c_str());
    return 0;
}

}  // namespace autopilot
