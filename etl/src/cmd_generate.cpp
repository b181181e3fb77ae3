// autopilot-etl generate: command line of the data generator (generate.hpp does the work).
#include "cli.hpp"
#include "commands.hpp"
#include "generate.hpp"

#include <cmath>
#include <cstdio>
#include <thread>
#include <unistd.h>

namespace autopilot::etl {

namespace {

const std::vector<OptionSpec> kSpecs = {
    {"--scale", "-s", true, "S", "size relative to the seed system (1 = 7.6M bronze rows; default 1)"},
    {"--seed", "", true, "N", "random seed: the same seed gives the same data (default 42)"},
    {"--append", "", false, "", "add days after the last complete load instead of replacing bronze"},
    {"--days", "", true, "D", "with --append: how many days to add (default 7)"},
    {"--jobs", "-j", true, "N", "loader connections and generator threads (default 2)"},
    {"--output-dir", "", true, "DIR", "write COPY files into DIR instead of loading (for benchmarks)"},
    {"--quiet", "-q", false, "", "no progress bar and no summary"},
};

std::string thousands(int64_t n)
{
    std::string s = std::to_string(n), out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (i && (s.size() - i) % 3 == 0)
            out.push_back(',');
        out.push_back(s[i]);
    }
    return out;
}

}  // namespace

int cmd_generate(const CommandArgs &args)
{
    const ParsedOptions o = parse_options(kSpecs, args);
    if (o.has("--help")) {
        std::printf("usage: autopilot-etl generate [--scale S] [--seed N] [--append --days D] [OPTIONS]\n\n"
                    "Generates the sneaker retailer's data deterministically and loads it into schema bronze\n"
                    "(ground truth into schema truth), creating the schemas when missing.\n\n%s",
                    options_help(kSpecs).c_str());
        return kExitOk;
    }
    GenerateOptions g;
    g.conninfo = o.conninfo();
    if (auto s = o.get_double("--scale")) {
        if (!(*s > 0) || !std::isfinite(*s))
            throw UsageError("--scale must be greater than 0");
        if (*s > 100)
            throw UsageError("--scale must be at most 100");
        g.scale = *s;
        g.scale_given = true;
    }
    if (auto s = o.get_int("--seed")) {
        if (*s < 0)
            throw UsageError("--seed must not be negative");
        g.seed = static_cast<uint64_t>(*s);
        g.seed_given = true;
    }
    g.append = o.has("--append");
    if (auto d = o.get_int("--days")) {
        if (!g.append)
            throw UsageError("--days needs --append (a fresh generation always covers one year)");
        if (*d < 1 || *d > 365)
            throw UsageError("--days must be between 1 and 365");
        g.days = static_cast<int>(*d);
    } else if (g.append) {
        g.days = 7;
    }
    if (auto j = o.get_int("--jobs")) {
        if (*j < 1 || *j > 16)
            throw UsageError("--jobs must be between 1 and 16");
        g.jobs = static_cast<int>(*j);
    }
    g.output_dir = o.get_or("--output-dir", "");
    if (!g.output_dir.empty() && g.append)
        throw UsageError("--output-dir writes a fresh generation; it cannot be combined with --append");
    const bool quiet = o.has("--quiet");
    g.progress = !quiet && isatty(STDERR_FILENO);

    const GenerateResult r = generate(g);
    if (!quiet) {
        std::printf("generate: batch %lld (%s, %s..%s): %s rows into %s in %.1f s (%s rows/s)\n",
                    static_cast<long long>(r.batch_id), r.kind.c_str(), r.first_day.c_str(), r.last_day.c_str(),
                    thousands(r.total_rows).c_str(), g.output_dir.empty() ? "bronze" : g.output_dir.c_str(), r.seconds,
                    thousands(static_cast<int64_t>(r.seconds > 0 ? static_cast<double>(r.total_rows) / r.seconds : 0)).c_str());
    }
    return kExitOk;
}

}  // namespace autopilot::etl
