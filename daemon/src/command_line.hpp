// autopilotd's command line: a table of options and a table of exit codes, both printed by
// --help and documented in docs/daemon.md. Pure, so it is unit-tested.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace autopilot
{

// Fixed exit codes (scripts and systemd's RestartPreventExitStatus= rely on them).
enum class ExitCode : int {
    ok = 0,        // success (--once: the cycle succeeded; service: stopped by a signal)
    failure = 1,   // runtime failure: a step failed (--once), the database is unreachable (--once)
    usage = 2,     // bad command line or bad configuration
    database = 3,  // the database is not usable by this build: extension missing or another version
};

struct ExitCodeSpec {
    ExitCode code;
    const char *meaning;
};
const std::vector<ExitCodeSpec> &exit_codes();

struct Options {
    std::string config_path = "/etc/autopilot/autopilotd.toml";
    bool config_given = false;
    bool once = false;
    bool dry_run = false;
    bool check_config = false;
    bool print_unit = false;
    bool version = false;
    bool help = false;
};

struct OptionSpec {
    const char *name;
    const char *argument;  // nullptr: a flag
    const char *help;
};
const std::vector<OptionSpec> &option_table();

class UsageError : public std::runtime_error
{
  public:
    using std::runtime_error::runtime_error;
};

// Throws UsageError.
Options parse_options(const std::vector<std::string> &args);
std::string usage_text();

}  // namespace autopilot
