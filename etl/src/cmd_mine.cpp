// autopilot-etl mine forecast|anomalies|segments|authenticity|all: the mining jobs (docs/mining.md).
// Each job is skipped when its input has not changed since its last complete run (--force runs
// it anyway), so `mine all` after `run` is cheap when nothing new arrived and picks up the delta
// after `generate --append`.
#include "cli.hpp"
#include "commands.hpp"
#include "mine_jobs.hpp"

#include <cstdio>
#include <cstdlib>
#include <functional>

namespace autopilot::etl {

namespace {

const std::vector<OptionSpec> kSpecs = {
    {"--seed", "", true, "N", "random seed of the models (default 42)"},
    {"--models-dir", "", true, "DIR", "where models and their metadata go (default $AUTOPILOT_MODELS_DIR or ./models)"},
    {"--force", "", false, "", "run even when the input has not changed since the last run"},
};

struct JobEntry {
    const char *name;
    std::function<mining::JobResult(pqxx::connection &, const mining::JobOptions &)> run;
};

const std::vector<JobEntry> &jobs()
{
    static const std::vector<JobEntry> table = {
        {"forecast", mining::run_forecast},
        {"anomalies", mining::run_anomalies},
        {"segments", mining::run_segments},
        {"authenticity", mining::run_authenticity},
    };
    return table;
}

std::string brief(const nlohmann::json &j)
{
    std::string out;
    for (const auto &[k, v] : j.items()) {
        if (v.is_object() || v.is_array())
            continue;
        char buf[128];
        if (v.is_number_float())
            std::snprintf(buf, sizeof buf, "%s=%.3f", k.c_str(), v.get<double>());
        else
            std::snprintf(buf, sizeof buf, "%s=%s", k.c_str(), v.is_string() ? v.get<std::string>().c_str() : v.dump().c_str());
        out += (out.empty() ? "" : " ") + std::string(buf);
    }
    return out;
}

}  // namespace

int cmd_mine(const CommandArgs &args)
{
    const ParsedOptions o = parse_options(kSpecs, args, true);
    if (o.has("--help")) {
        std::printf("usage: autopilot-etl mine forecast|anomalies|segments|authenticity|all [OPTIONS]\n\n%s",
                    options_help(kSpecs).c_str());
        return kExitOk;
    }
    if (o.positional().size() != 1)
        throw UsageError("name one job: forecast, anomalies, segments, authenticity or all");
    const std::string which = o.positional()[0];
    bool known = which == "all";
    for (const auto &j : jobs())
        known = known || which == j.name;
    if (!known)
        throw UsageError("unknown job \"" + which + "\" (forecast, anomalies, segments, authenticity or all)");

    mining::JobOptions jo;
    if (auto seed = o.get_int("--seed")) {
        if (*seed < 0)
            throw UsageError("--seed must not be negative");
        jo.seed = static_cast<uint64_t>(*seed);
    }
    const char *env_dir = std::getenv("AUTOPILOT_MODELS_DIR");
    jo.models_dir = o.get_or("--models-dir", env_dir && *env_dir ? env_dir : "models");
    jo.force = o.has("--force");

    pqxx::connection c(o.conninfo());
    mining::apply_mining_schema(c);
    int failures = 0;
    for (const auto &j : jobs()) {
        if (which != "all" && which != j.name)
            continue;
        try {
            const auto r = j.run(c, jo);
            if (r.skipped)
                std::printf("mine %s: input unchanged since run %lld, nothing to do (--force to re-run)\n", j.name,
                            static_cast<long long>(r.run_id));
            else
                std::printf("mine %s: run %lld complete: %s%s%s\n", j.name, static_cast<long long>(r.run_id),
                            brief(r.metrics).c_str(), r.baseline.is_object() && !r.baseline.empty() ? "; baseline: " : "",
                            r.baseline.is_object() ? brief(r.baseline).c_str() : "");
        } catch (const mining::InputError &e) {
            // Bad input of one job does not stop the others under `all`.
            std::fprintf(stderr, "autopilot-etl mine %s: %s\n", j.name, e.what());
            ++failures;
        }
        std::fflush(stdout);
    }
    return failures ? kExitFailure : kExitOk;
}

}  // namespace autopilot::etl
