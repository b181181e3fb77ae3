// Command-line table and parser (named command_line, not cli: the ETL tool has its own cli.hpp).
#include "command_line.hpp"

#include <sstream>

namespace autopilot
{

const std::vector<ExitCodeSpec> &exit_codes()
{
    static const std::vector<ExitCodeSpec> codes = {
        {ExitCode::ok, "success (--once: the cycle succeeded; as a service: stopped by SIGTERM)"},
        {ExitCode::failure, "runtime failure (--once: a step failed or PostgreSQL was unreachable)"},
        {ExitCode::usage, "bad command line or configuration (the message names the option or key)"},
        {ExitCode::database, "the database cannot be used: extension autopilot missing or of another version"},
    };
    return codes;
}

const std::vector<OptionSpec> &option_table()
{
    static const std::vector<OptionSpec> table = {
        {"--config", "FILE", "configuration file (default /etc/autopilot/autopilotd.toml)"},
        {"--once", nullptr, "run one full cycle, then exit (0 when every step succeeded)"},
        {"--dry-run", nullptr, "recommend, but never build, drop or revert an index"},
        {"--check-config", nullptr, "validate the configuration and exit"},
        {"--print-unit", nullptr, "print the systemd unit autopilotd.service and exit"},
        {"--version", nullptr, "print the version and exit"},
        {"--help", nullptr, "print this help and exit"},
    };
    return table;
}

Options parse_options(const std::vector<std::string> &args)
{
    Options o;
    for (size_t i = 0; i < args.size(); ++i) {
        std::string a = args[i], value;
        bool has_value = false;
        if (const auto eq = a.find('='); a.rfind("--", 0) == 0 && eq != std::string::npos) {
            value = a.substr(eq + 1);
            a = a.substr(0, eq);
            has_value = true;
        }
        const OptionSpec *spec = nullptr;
        for (const auto &s : option_table())
            if (a == s.name)
                spec = &s;
        if (!spec)
            throw UsageError("unknown option \"" + args[i] + "\"");
        if (spec->argument && !has_value) {
            if (i + 1 >= args.size())
                throw UsageError("option " + a + " needs an argument " + spec->argument);
            value = args[++i];
        } else if (!spec->argument && has_value) {
            throw UsageError("option " + a + " takes no argument");
        }
        if (a == "--config") {
            if (value.empty())
                throw UsageError("option --config needs a file name");
            o.config_path = value;
            o.config_given = true;
        } else if (a == "--once") {
            o.once = true;
        } else if (a == "--dry-run") {
            o.dry_run = true;
        } else if (a == "--check-config") {
            o.check_config = true;
        } else if (a == "--print-unit") {
            o.print_unit = true;
        } else if (a == "--version") {
            o.version = true;
        } else if (a == "--help") {
            o.help = true;
        }
    }
    return o;
}

std::string usage_text()
{
    std::ostringstream o;
    o << "usage: autopilotd [OPTION]...\n"
         "       autopilotd train --from-samples DIR --out MODELS_DIR [--name NAME] [--seed N]\n"
         "Autopilot's daemon: collect -> learn -> advise -> apply approved indexes -> verify.\n\n"
         "options:\n";
    for (const auto &s : option_table()) {
        std::string left = std::string(s.name) + (s.argument ? std::string(" ") + s.argument : "");
        o << "  " << left << std::string(left.size() < 18 ? 18 - left.size() : 1, ' ') << s.help << '\n';
    }
    o << "\nexit codes:\n";
    for (const auto &c : exit_codes())
        o << "  " << static_cast<int>(c.code) << "  " << c.meaning << '\n';
    o << "\nsignals: SIGTERM/SIGINT stop between steps (a running build is cancelled and cleaned up),\n"
         "SIGHUP reloads the configuration. Documentation: docs/daemon.md\n";
    return o.str();
}

}  // namespace autopilot
