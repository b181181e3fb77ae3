// autopilot-etl workload: C clients run weighted BI query templates (etl/sql/workload.sql) with
// real values sampled from the warehouse, by the simple protocol (literals inlined) and the
// extended protocol (prepared, values bound), for N seconds or N queries; prints per-template
// counts and p50/p95 latency. This is the workload the advisor is benchmarked on.
#include "cli.hpp"
#include "commands.hpp"
#include "latency_stats.hpp"
#include "log.hpp"
#include "sql_files.hpp"
#include "warehouse_db.hpp"
#include "workload_spec.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <pqxx/pqxx>
#include <random>
#include <thread>

namespace autopilot::etl {

namespace {

const std::vector<OptionSpec> &workload_options()
{
    static const std::vector<OptionSpec> specs = {
        {"--seconds", "", true, "N", "run for N seconds"},
        {"--queries", "", true, "N", "run N queries in total (default 300 when --seconds is not given)"},
        {"--clients", "-c", true, "C", "concurrent client connections (default 2)"},
        {"--seed", "", true, "S", "seed of the parameter values and the template sequence (default 1)"},
        {"--only", "", true, "NAMES", "comma-separated template names to run (default: all)"},
        {"--list", "", false, "", "list the templates with their weight, protocol and note, then exit"},
    };
    return specs;
}

using Clock = std::chrono::steady_clock;

struct TemplateStats {
    std::vector<double> ms;
    long long simple = 0, extended = 0, errors = 0;
    std::string first_error;
};

struct ClientResult {
    std::vector<TemplateStats> per_template;
    std::string fatal;  // the client stopped early (lost connection)
};

const char *protocol_name(Protocol p)
{
    switch (p) {
    case Protocol::simple: return "simple";
    case Protocol::extended: return "extended";
    case Protocol::both: return "both";
    }
    return "?";
}

// Each pool sampled once, after setseed(), in one snapshot: same seed, same values.
std::map<std::string, std::vector<std::string>> sample_pools(pqxx::connection &conn, const WorkloadSpec &spec,
                                                             long long seed)
{
    std::map<std::string, std::vector<std::string>> out;
    pqxx::transaction<pqxx::isolation_level::repeatable_read> tx(conn, "pools");
    const double s = static_cast<double>(((seed % 1999) + 1999) % 1999) / 1999.0;  // setseed wants [-1, 1]
    tx.exec_params("SELECT setseed($1)", s);
    for (const auto &[name, sql] : spec.pools) {
        std::vector<std::string> values;
        for (const auto &row : tx.exec(sql))
            if (!row[0].is_null())
                values.push_back(row[0].as<std::string>());
        std::sort(values.begin(), values.end());  // the pool's order must not depend on the plan
        out[name] = std::move(values);
    }
    tx.commit();
    return out;
}

}  // namespace

int cmd_workload(const CommandArgs &args)
{
    const ParsedOptions opts = parse_options(workload_options(), args);
    if (opts.has("--help")) {
        std::printf("usage: autopilot-etl workload [--seconds N | --queries N] [--clients C] [--seed S] [OPTIONS]\n\n"
                    "Runs the BI query templates of etl/sql/workload.sql against silver and gold.\n\n%s",
                    options_help(workload_options()).c_str());
        return kExitOk;
    }
    if (opts.has("--seconds") && opts.has("--queries"))
        throw UsageError("give --seconds or --queries, not both");
    const long long seconds = opts.get_int("--seconds").value_or(0);
    const long long queries = opts.has("--seconds") ? 0 : opts.get_int("--queries").value_or(300);
    const long long clients = opts.get_int("--clients").value_or(2);
    const long long seed = opts.get_int("--seed").value_or(1);
    if (opts.has("--seconds") && seconds <= 0)
        throw UsageError("--seconds must be positive");
    if (!opts.has("--seconds") && queries <= 0)
        throw UsageError("--queries must be positive");
    if (clients < 1 || clients > 256)
        throw UsageError("--clients must be between 1 and 256");

    WorkloadSpec spec;
    try {
        spec = parse_workload_spec(read_sql("workload.sql"));
    } catch (const std::invalid_argument &e) {
        throw std::runtime_error(std::string("workload.sql: ") + e.what());
    }
    if (const auto only = opts.get("--only")) {
        std::vector<QueryTemplate> kept;
        std::string rest = *only + ",";
        for (size_t p; (p = rest.find(',')) != std::string::npos; rest.erase(0, p + 1)) {
            const std::string name = rest.substr(0, p);
            if (name.empty())
                continue;
            auto it = std::find_if(spec.templates.begin(), spec.templates.end(),
                                   [&](const QueryTemplate &t) { return t.name == name; });
            if (it == spec.templates.end())
                throw UsageError("--only: no template named \"" + name + "\" (see --list)");
            kept.push_back(*it);
        }
        spec.templates = kept;
    }
    if (opts.has("--list")) {
        for (const auto &t : spec.templates)
            std::printf("%-26s weight %4.1f  %-8s  %s\n", t.name.c_str(), t.weight, protocol_name(t.protocol),
                        t.note.c_str());
        return kExitOk;
    }

    const std::string conninfo = opts.conninfo();
    pqxx::connection conn(conninfo);
    require_schemas(conn, {"silver", "gold"}, "run `autopilot-etl run` first");
    const auto pools = sample_pools(conn, spec, seed);

    // Templates whose pools came back empty cannot run (e.g. no promotions in the data).
    std::vector<QueryTemplate> runnable;
    for (const auto &t : spec.templates) {
        bool ok = true;
        for (const auto &p : t.params)
            ok = ok && !pools.at(p).empty();
        if (ok)
            runnable.push_back(t);
        else
            log::warning("workload: template " + t.name + " skipped: a parameter pool is empty");
    }
    if (runnable.empty())
        throw std::runtime_error("no template can run: the warehouse is empty (run `autopilot-etl run` first)");
    // Literals quoted once, by the server's rules.
    std::map<std::string, std::vector<std::string>> quoted;
    for (const auto &[name, values] : pools)
        for (const auto &v : values)
            quoted[name].push_back(conn.quote(v));

    std::vector<double> weights;
    for (const auto &t : runnable)
        weights.push_back(t.weight);

    std::atomic<long long> remaining{queries};
    const auto t0 = Clock::now();
    const auto deadline = t0 + std::chrono::seconds(seconds);
    std::vector<ClientResult> results(static_cast<size_t>(clients));
    std::vector<std::thread> threads;
    for (long long c = 0; c < clients; ++c) {
        threads.emplace_back([&, c] {
            ClientResult &res = results[static_cast<size_t>(c)];
            res.per_template.resize(runnable.size());
            std::mt19937_64 rng(static_cast<unsigned long long>(seed) * 7919ULL + static_cast<unsigned long long>(c));
            std::discrete_distribution<size_t> pick(weights.begin(), weights.end());
            try {
                pqxx::connection cc(conninfo);
                {
                    pqxx::nontransaction nt(cc);
                    nt.exec("SET application_name = 'autopilot-etl workload'");
                    nt.exec("SET statement_timeout = '120s'");
                }
                for (size_t i = 0; i < runnable.size(); ++i)
                    if (runnable[i].protocol != Protocol::simple)
                        cc.prepare("w_" + runnable[i].name, runnable[i].sql);
                while (true) {
                    if (seconds > 0 ? Clock::now() >= deadline : remaining.fetch_sub(1) <= 0)
                        break;
                    const size_t ti = pick(rng);
                    const QueryTemplate &t = runnable[ti];
                    std::vector<size_t> choice;
                    for (const auto &p : t.params)
                        choice.push_back(std::uniform_int_distribution<size_t>(0, pools.at(p).size() - 1)(rng));
                    const bool extended = t.protocol == Protocol::extended ||
                                          (t.protocol == Protocol::both && (rng() & 1) == 1);
                    TemplateStats &st = res.per_template[ti];
                    const auto q0 = Clock::now();
                    try {
                        pqxx::nontransaction nt(cc);
                        if (extended) {
                            std::vector<std::string> values;
                            for (size_t k = 0; k < t.params.size(); ++k)
                                values.push_back(pools.at(t.params[k])[choice[k]]);
                            nt.exec_prepared("w_" + t.name, pqxx::prepare::make_dynamic_params(values));
                            ++st.extended;
                        } else {
                            std::vector<std::string> literals;
                            for (size_t k = 0; k < t.params.size(); ++k)
                                literals.push_back(quoted.at(t.params[k])[choice[k]]);
                            nt.exec(bind_literals(t.sql, literals));
                            ++st.simple;
                        }
                        st.ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - q0).count());
                    } catch (const pqxx::broken_connection &) {
                        throw;
                    } catch (const std::exception &e) {
                        if (st.errors++ == 0)
                            st.first_error = e.what();
                    }
                }
            } catch (const std::exception &e) {
                res.fatal = e.what();
            }
        });
    }
    for (auto &th : threads)
        th.join();
    const double elapsed_s = std::chrono::duration<double>(Clock::now() - t0).count();

    long long total = 0, errors = 0;
    std::printf("%-26s %8s %7s %7s %10s %10s %10s\n", "template", "count", "simple", "errors", "p50 ms", "p95 ms",
                "mean ms");
    for (size_t i = 0; i < runnable.size(); ++i) {
        TemplateStats merged;
        for (const auto &r : results) {
            if (r.per_template.size() <= i)
                continue;
            const auto &s = r.per_template[i];
            merged.ms.insert(merged.ms.end(), s.ms.begin(), s.ms.end());
            merged.simple += s.simple;
            merged.extended += s.extended;
            merged.errors += s.errors;
            if (merged.first_error.empty())
                merged.first_error = s.first_error;
        }
        const long long n = static_cast<long long>(merged.ms.size()) + merged.errors;
        if (n == 0)
            continue;
        double sum = 0;
        for (double v : merged.ms)
            sum += v;
        std::printf("%-26s %8lld %7lld %7lld %10.2f %10.2f %10.2f\n", runnable[i].name.c_str(), n, merged.simple,
                    merged.errors, percentile(merged.ms, 0.5), percentile(merged.ms, 0.95),
                    merged.ms.empty() ? 0.0 : sum / static_cast<double>(merged.ms.size()));
        if (merged.errors > 0)
            log::error("workload: " + runnable[i].name + ": " + merged.first_error);
        total += n;
        errors += merged.errors;
    }
    bool fatal = false;
    for (const auto &r : results)
        if (!r.fatal.empty()) {
            log::error("workload: a client stopped: " + r.fatal);
            fatal = true;
        }
    std::printf("workload: %lld queries (%lld errors) by %lld clients in %.2f s, %.1f queries/s, seed %lld\n", total,
                errors, clients, elapsed_s, elapsed_s > 0 ? static_cast<double>(total) / elapsed_s : 0.0, seed);
    return errors > 0 || fatal ? kExitFailure : kExitOk;
}

}  // namespace autopilot::etl
