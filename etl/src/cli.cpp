// Option parsing for autopilot-etl commands: declarative specs, strict about what it does not know.
#include "cli.hpp"

#include <cerrno>
#include <cstdlib>
#include <sstream>

namespace autopilot::etl {

const std::vector<OptionSpec> &connection_options()
{
    static const std::vector<OptionSpec> specs = {
        {"--conninfo", "-d", true, "CONNINFO",
         "libpq connection string or URI (default: the PG* environment)"},
    };
    return specs;
}

namespace {

const OptionSpec *find_spec(const std::vector<OptionSpec> &specs, const std::string &word)
{
    for (const auto &s : specs)
        if (word == s.long_name || (!s.short_name.empty() && word == s.short_name))
            return &s;
    for (const auto &s : connection_options())
        if (word == s.long_name || word == s.short_name)
            return &s;
    return nullptr;
}

}  // namespace

ParsedOptions parse_options(const std::vector<OptionSpec> &specs,
                            const std::vector<std::string> &args, bool allow_positional)
{
    ParsedOptions out;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string &arg = args[i];
        if (arg == "--help" || arg == "-h") {
            out.values_.emplace_back("--help", "");
            continue;
        }
        if (arg.size() < 2 || arg[0] != '-') {
            if (!allow_positional)
                throw UsageError("unexpected argument \"" + arg + "\"");
            out.positional_.push_back(arg);
            continue;
        }
        std::string name = arg, value;
        bool inline_value = false;
        if (auto eq = arg.find('='); eq != std::string::npos && arg.rfind("--", 0) == 0) {
            name = arg.substr(0, eq);
            value = arg.substr(eq + 1);
            inline_value = true;
        }
        const OptionSpec *spec = find_spec(specs, name);
        if (!spec)
            throw UsageError("unknown option \"" + name + "\"");
        if (spec->takes_value) {
            if (!inline_value) {
                if (i + 1 >= args.size())
                    throw UsageError("option \"" + spec->long_name + "\" requires a value");
                value = args[++i];
            }
        } else if (inline_value) {
            throw UsageError("option \"" + spec->long_name + "\" takes no value");
        }
        out.values_.emplace_back(spec->long_name, value);
    }
    return out;
}

bool ParsedOptions::has(const std::string &long_name) const
{
    for (const auto &[k, v] : values_)
        if (k == long_name)
            return true;
    return false;
}

std::optional<std::string> ParsedOptions::get(const std::string &long_name) const
{
    std::optional<std::string> found;
    for (const auto &[k, v] : values_)  // the last occurrence wins, like most Unix tools
        if (k == long_name)
            found = v;
    return found;
}

std::string ParsedOptions::get_or(const std::string &long_name, const std::string &fallback) const
{
    auto v = get(long_name);
    return v ? *v : fallback;
}

std::optional<double> ParsedOptions::get_double(const std::string &long_name) const
{
    auto v = get(long_name);
    if (!v)
        return std::nullopt;
    errno = 0;
    char *end = nullptr;
    double d = std::strtod(v->c_str(), &end);
    if (v->empty() || *end != '\0' || errno == ERANGE)
        throw UsageError("invalid value \"" + *v + "\" for option \"" + long_name +
                         "\": a number is expected");
    return d;
}

std::optional<long long> ParsedOptions::get_int(const std::string &long_name) const
{
    auto v = get(long_name);
    if (!v)
        return std::nullopt;
    errno = 0;
    char *end = nullptr;
    long long n = std::strtoll(v->c_str(), &end, 10);
    if (v->empty() || *end != '\0' || errno == ERANGE)
        throw UsageError("invalid value \"" + *v + "\" for option \"" + long_name +
                         "\": an integer is expected");
    return n;
}

std::string options_help(const std::vector<OptionSpec> &specs)
{
    std::ostringstream os;
    auto line = [&os](const OptionSpec &s) {
        std::string left = "  " + (s.short_name.empty() ? "    " : s.short_name + ", ") + s.long_name;
        if (s.takes_value)
            left += " " + s.value_name;
        os << left;
        if (left.size() < 30)
            os << std::string(30 - left.size(), ' ');
        else
            os << "\n" << std::string(30, ' ');
        os << s.help << "\n";
    };
    for (const auto &s : specs)
        line(s);
    for (const auto &s : connection_options())
        line(s);
    line({"--help", "-h", false, "", "show this help"});
    return os.str();
}

}  // namespace autopilot::etl
