// Command line of autopilot-web: parsed into plain data, validated, unit-tested without a server.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace autopilot::web {

struct Options {
    std::string listen = "127.0.0.1";  // loopback unless told otherwise
    int port = 8080;
    std::string conninfo;        // the app's own read-only role; empty: PG* environment
    std::string login_conninfo;  // base conninfo for admin logins (user/password come from the form)
    std::string static_dir;      // web/static of the checkout unless overridden
    int session_minutes = 30;
    bool show_help = false;
    bool show_version = false;
};

// Parses argv (without argv[0]); on bad usage returns the error text in `error`.
Options parse_options(const std::vector<std::string> &args, std::string &error);

const char *usage();

}  // namespace autopilot::web
