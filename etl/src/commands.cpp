// The command table and the dispatcher: one place that maps exceptions to the documented exit codes.
#include "commands.hpp"

#include "autopilot/version.hpp"
#include "cli.hpp"

#include <cstdio>
#include <cstring>
#include <exception>
#include <stdexcept>

namespace autopilot::etl {

const std::vector<Command> &command_table()
{
    static const std::vector<Command> table = {
        {"generate", "generate --scale S --seed N [--append --days D]: synthetic sneaker-retail data into bronze", cmd_generate},
        {"run", "run: bronze -> silver -> gold, incremental and idempotent", cmd_run},
        {"check", "check: data quality checks into etl.quality_results (exit 1 if a critical check fails)", cmd_check},
        {"workload", "workload --seconds N | --queries N --clients C --seed S: BI query workload", cmd_workload},
        {"mine", "mine forecast|anomalies|segments|authenticity|all: mining jobs into schema mining", cmd_mine},
    };
    return table;
}

[[noreturn]] void not_implemented()
{
    throw std::runtime_error("not implemented yet");
}

namespace {

void print_usage(FILE *out)
{
    std::fprintf(out, "usage: autopilot-etl COMMAND [OPTIONS]   (autopilot-etl COMMAND --help for its options)\n\ncommands:\n");
    for (const auto &c : command_table())
        std::fprintf(out, "  %-10s %s\n", c.name, c.synopsis);
    std::fprintf(out,
                 "\nconnection: --conninfo/-d CONNINFO, or the PG* environment variables\n"
                 "exit codes: 0 ok, 1 runtime failure, 2 bad command line or input\n");
}

}  // namespace

int dispatch(int argc, char **argv)
{
    if (argc < 2) {
        print_usage(stderr);
        return kExitUsage;
    }
    const std::string name = argv[1];
    if (name == "--version" || name == "version") {
        std::printf("autopilot-etl %s\n", autopilot::kVersion);
        return kExitOk;
    }
    if (name == "--help" || name == "-h" || name == "help") {
        print_usage(stdout);
        return kExitOk;
    }
    for (const auto &c : command_table()) {
        if (name != c.name)
            continue;
        CommandArgs args(argv + 2, argv + argc);
        try {
            return c.run(args);
        } catch (const UsageError &e) {
            std::fprintf(stderr, "autopilot-etl %s: %s\n", c.name, e.what());
            std::fprintf(stderr, "Try \"autopilot-etl %s --help\".\n", c.name);
            return kExitUsage;
        } catch (const std::exception &e) {
            std::fprintf(stderr, "autopilot-etl %s: %s\n", c.name, e.what());
            return kExitFailure;
        }
    }
    std::fprintf(stderr, "autopilot-etl: unknown command \"%s\"\n", name.c_str());
    print_usage(stderr);
    return kExitUsage;
}

}  // namespace autopilot::etl
