// Parsing of autopilot-web's command line.
#include "options.hpp"

#include <charconv>

namespace autopilot::web {

const char *usage()
{
    return "usage: autopilot-web [--port N] [--listen ADDR] [--conninfo CONNINFO]\n"
           "                     [--login-conninfo CONNINFO] [--static-dir DIR] [--session-minutes N]\n"
           "                     [--version] [--help]\n"
           "  --port N               HTTP port (default 8080)\n"
           "  --listen ADDR          address to bind (default 127.0.0.1: loopback only)\n"
           "  --conninfo C           libpq conninfo of the dashboard's read-only role (default: PG* variables)\n"
           "  --login-conninfo C     conninfo used to log administrators in; user and password come from\n"
           "                         the login form (default: the same server as --conninfo)\n"
           "  --static-dir DIR       the front-end files (default: the checkout's web/static)\n"
           "exit codes: 0 ok, 1 runtime failure, 2 bad usage\n";
}

static bool parse_int(const std::string &s, int lo, int hi, int &out)
{
    int v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size() || v < lo || v > hi)
        return false;
    out = v;
    return true;
}

Options parse_options(const std::vector<std::string> &args, std::string &error)
{
    Options o;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string &a = args[i];
        auto value = [&](const char *name) -> std::optional<std::string> {
            if (i + 1 >= args.size()) {
                error = std::string("option ") + name + " needs a value";
                return std::nullopt;
            }
            return args[++i];
        };
        if (a == "--help" || a == "-h") {
            o.show_help = true;
        } else if (a == "--version") {
            o.show_version = true;
        } else if (a == "--port") {
            auto v = value("--port");
            if (!v)
                return o;
            if (!parse_int(*v, 1, 65535, o.port)) {
                error = "--port must be an integer between 1 and 65535, not \"" + *v + "\"";
                return o;
            }
        } else if (a == "--session-minutes") {
            auto v = value("--session-minutes");
            if (!v)
                return o;
            if (!parse_int(*v, 1, 24 * 60, o.session_minutes)) {
                error = "--session-minutes must be between 1 and 1440";
                return o;
            }
        } else if (a == "--listen") {
            auto v = value("--listen");
            if (!v)
                return o;
            o.listen = *v;
        } else if (a == "--conninfo" || a == "-d") {
            auto v = value("--conninfo");
            if (!v)
                return o;
            o.conninfo = *v;
        } else if (a == "--login-conninfo") {
            auto v = value("--login-conninfo");
            if (!v)
                return o;
            o.login_conninfo = *v;
        } else if (a == "--static-dir") {
            auto v = value("--static-dir");
            if (!v)
                return o;
            o.static_dir = *v;
        } else {
            error = "unknown option \"" + a + "\"";
            return o;
        }
    }
    return o;
}

}  // namespace autopilot::web
