// The command table of autopilot-etl. Each command is one function, defined in its own file
// (cmd_generate.cpp, cmd_run.cpp, cmd_check.cpp, cmd_workload.cpp, cmd_mine.cpp), listed once in
// commands.cpp. To add a command: declare it here, define it in cmd_NAME.cpp, add a table row.
//
// A command receives the words after its name, parses them with parse_options (cli.hpp), and
// returns an ExitCode. It throws UsageError for bad input (exit 2); any other exception is a
// runtime failure (exit 1), reported by dispatch() as "autopilot-etl CMD: MESSAGE".
#pragma once

#include <string>
#include <vector>

namespace autopilot::etl {

using CommandArgs = std::vector<std::string>;
using CommandFn = int (*)(const CommandArgs &args);

struct Command {
    const char *name;
    const char *synopsis;  // one line for `autopilot-etl --help`
    CommandFn run;
};

int cmd_generate(const CommandArgs &args);  // cmd_generate.cpp: synthetic data into bronze
int cmd_run(const CommandArgs &args);       // cmd_run.cpp: bronze -> silver -> gold
int cmd_check(const CommandArgs &args);     // cmd_check.cpp: quality checks
int cmd_workload(const CommandArgs &args);  // cmd_workload.cpp: BI query workload
int cmd_mine(const CommandArgs &args);      // cmd_mine.cpp: forecasts, anomalies, segments, authenticity

const std::vector<Command> &command_table();

// Runs the command named by argv[1]; prints errors; returns the process exit code.
int dispatch(int argc, char **argv);

// For stubs: throws the runtime error "not implemented yet".
[[noreturn]] void not_implemented();

}  // namespace autopilot::etl
