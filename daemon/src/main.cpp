// autopilotd entry point: the command line (command_line.hpp), the configuration (config.hpp), then the
// service (service.hpp). Exit codes are fixed: see command_line.hpp and docs/daemon.md.
#include "autopilot/unit.hpp"
#include "autopilot/version.hpp"
#include "advise_step.hpp"
#include "command_line.hpp"
#include "config.hpp"
#include "log.hpp"
#include "samples_file.hpp"
#include "service.hpp"
#include "signals.hpp"

#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

using autopilot::ExitCode;

namespace
{
int code(ExitCode c)
{
    return static_cast<int>(c);
}
}  // namespace

int main(int argc, char **argv)
{
    // `autopilotd train ...`: offline training from a samples directory (docs/predictor.md).
    if (argc > 1 && std::string(argv[1]) == "train") {
        try {
            return autopilot::train_command(std::vector<std::string>(argv + 2, argv + argc));
        } catch (const std::invalid_argument &e) {
            std::fprintf(stderr, "autopilotd train: %s\n", e.what());
            return code(ExitCode::usage);
        } catch (const std::exception &e) {
            std::fprintf(stderr, "autopilotd train: %s\n", e.what());
            return code(ExitCode::failure);
        }
    }
    autopilot::Options options;
    try {
        options = autopilot::parse_options(std::vector<std::string>(argv + 1, argv + argc));
    } catch (const autopilot::UsageError &e) {
        std::fprintf(stderr, "autopilotd: %s\nTry \"autopilotd --help\".\n", e.what());
        return code(ExitCode::usage);
    }
    if (options.help) {
        std::fputs(autopilot::usage_text().c_str(), stdout);
        return code(ExitCode::ok);
    }
    if (options.version) {
        std::printf("autopilotd %s\n", autopilot::kVersion);
        return code(ExitCode::ok);
    }
    if (options.print_unit) {
        std::fputs(autopilot::kSystemdUnit, stdout);
        return code(ExitCode::ok);
    }

    autopilot::Config config;
    try {
        // Without --config, the default file is optional: PG* variables and defaults suffice.
        options.config_given = options.config_given || std::ifstream(options.config_path).good();
        if (options.config_given)
            config = autopilot::load_config(options.config_path);
        autopilot::advise_settings(config);  // the advisor's own [advisor] keys, checked up front
    } catch (const autopilot::ConfigError &e) {
        std::fprintf(stderr, "autopilotd: bad configuration: %s\n", e.what());
        return code(ExitCode::usage);
    }
    if (options.check_config) {
        std::printf("configuration %s is valid\n", config.source.c_str());
        return code(ExitCode::ok);
    }
    try {
        autopilot::SignalWatcher signals;  // before any other thread: they inherit the signal mask
        autopilot::Service service(options, std::move(config), signals);
        return code(service.run());
    } catch (const std::exception &e) {
        autopilot::log::error(std::string("fatal: ") + e.what());
        return code(ExitCode::failure);
    }
}
