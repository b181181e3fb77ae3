// Command-line plumbing shared by every autopilot-etl command: exit codes, the usage error, and a
// small declarative option parser (so every command rejects unknown flags the same way).
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace autopilot::etl {

// Documented exit codes (docs/warehouse.md, `autopilot-etl --help`).
enum ExitCode : int {
    kExitOk = 0,       // the command did what it was asked
    kExitFailure = 1,  // runtime failure: database error, lost connection, failed check
    kExitUsage = 2,    // bad command line or bad input value
};

// Bad command line or input value: reported as "autopilot-etl CMD: MESSAGE", exit 2.
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct OptionSpec {
    std::string long_name;   // "--scale"
    std::string short_name;  // "-s" or ""
    bool takes_value;
    std::string value_name;  // "S" (for the usage text)
    std::string help;
};

class ParsedOptions {
public:
    bool has(const std::string &long_name) const;
    // The value of an option that takes one; std::nullopt when absent.
    std::optional<std::string> get(const std::string &long_name) const;
    std::string get_or(const std::string &long_name, const std::string &fallback) const;
    // Typed getters: throw UsageError naming the option when the value does not parse.
    std::optional<double> get_double(const std::string &long_name) const;
    std::optional<long long> get_int(const std::string &long_name) const;
    const std::vector<std::string> &positional() const { return positional_; }

    // libpq conninfo from --conninfo/-d; empty = the PG* environment (libpq's defaults).
    std::string conninfo() const { return get_or("--conninfo", ""); }

private:
    friend ParsedOptions parse_options(const std::vector<OptionSpec> &,
                                       const std::vector<std::string> &, bool);
    std::vector<std::pair<std::string, std::string>> values_;  // long name -> value ("" for flags)
    std::vector<std::string> positional_;
};

// Options every database command accepts: --conninfo/-d.
const std::vector<OptionSpec> &connection_options();

// Parses args (the words after the command name) against specs plus connection_options() and
// --help. Throws UsageError on an unknown option, a missing value, or (unless allow_positional)
// a positional argument. "--name=value" and "--name value" are both accepted.
ParsedOptions parse_options(const std::vector<OptionSpec> &specs,
                            const std::vector<std::string> &args, bool allow_positional = false);

// The option list for a command's --help.
std::string options_help(const std::vector<OptionSpec> &specs);

}  // namespace autopilot::etl
