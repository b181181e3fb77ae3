// TOML configuration: every key is checked (type, range, spelling), and errors name the key and
// the line, because a daemon that silently ignores a misspelled "auto_revert" is dangerous.
#include "config.hpp"

#include <cctype>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>
#include <toml++/toml.h>
#include <vector>

namespace autopilot
{

bool TimeWindow::contains(int minute) const
{
    if (always)
        return true;
    if (start_minute <= end_minute)
        return minute >= start_minute && minute < end_minute;
    return minute >= start_minute || minute < end_minute;  // wraps past midnight
}

std::optional<std::string> Config::extra_value(const std::string &key) const
{
    auto it = extra.find(key);
    if (it == extra.end())
        return std::nullopt;
    return it->second;
}

namespace
{

std::string trim(std::string_view s)
{
    size_t b = 0, e = s.size();
    while (b < e && std::isspace(static_cast<unsigned char>(s[b])))
        ++b;
    while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1])))
        --e;
    return std::string(s.substr(b, e - b));
}

// Splits "12.5min" into 12.5 and "min".
std::pair<double, std::string> number_and_unit(std::string_view text, const char *what)
{
    const std::string s = trim(text);
    size_t i = 0;
    while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.'))
        ++i;
    if (i == 0)
        throw std::invalid_argument("invalid " + std::string(what) + " \"" + s + "\"");
    double value = 0;
    try {
        value = std::stod(s.substr(0, i));
    } catch (const std::exception &) {
        throw std::invalid_argument("invalid " + std::string(what) + " \"" + s + "\"");
    }
    std::string unit = trim(std::string_view(s).substr(i));
    for (auto &c : unit)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return {value, unit};
}

}  // namespace

std::chrono::milliseconds parse_duration(std::string_view text)
{
    auto [value, unit] = number_and_unit(text, "duration");
    double ms;
    if (unit.empty() || unit == "s" || unit == "sec" || unit == "secs" || unit == "seconds")
        ms = value * 1000;
    else if (unit == "ms")
        ms = value;
    else if (unit == "min" || unit == "m" || unit == "minutes")
        ms = value * 60'000;
    else if (unit == "h" || unit == "hours")
        ms = value * 3'600'000;
    else if (unit == "d" || unit == "days")
        ms = value * 86'400'000;
    else
        throw std::invalid_argument("unknown duration unit \"" + unit + "\" (use ms, s, min, h or d)");
    return std::chrono::milliseconds(static_cast<long long>(ms + 0.5));
}

std::uint64_t parse_size(std::string_view text)
{
    auto [value, unit] = number_and_unit(text, "size");
    double factor;
    if (unit.empty() || unit == "b" || unit == "bytes")
        factor = 1;
    else if (unit == "kb")
        factor = 1024.0;
    else if (unit == "mb")
        factor = 1024.0 * 1024;
    else if (unit == "gb")
        factor = 1024.0 * 1024 * 1024;
    else if (unit == "tb")
        factor = 1024.0 * 1024 * 1024 * 1024;
    else
        throw std::invalid_argument("unknown size unit \"" + unit + "\" (use kB, MB, GB or TB)");
    return static_cast<std::uint64_t>(value * factor);
}

TimeWindow parse_time_window(std::string_view text)
{
    const std::string s = trim(text);
    TimeWindow w;
    if (s.empty())
        return w;
    auto minute = [&](std::string_view hhmm) {
        const std::string t = trim(hhmm);
        if (t.size() != 5 || t[2] != ':' || !std::isdigit(static_cast<unsigned char>(t[0])) ||
            !std::isdigit(static_cast<unsigned char>(t[1])) || !std::isdigit(static_cast<unsigned char>(t[3])) ||
            !std::isdigit(static_cast<unsigned char>(t[4])))
            throw std::invalid_argument("invalid time \"" + t + "\" (use HH:MM)");
        const int h = std::stoi(t.substr(0, 2)), m = std::stoi(t.substr(3, 2));
        if (h > 24 || m > 59 || (h == 24 && m != 0))
            throw std::invalid_argument("invalid time \"" + t + "\"");
        return h * 60 + m;
    };
    const auto dash = s.find('-');
    if (dash == std::string::npos)
        throw std::invalid_argument("invalid window \"" + s + "\" (use HH:MM-HH:MM)");
    w.start_minute = minute(std::string_view(s).substr(0, dash));
    w.end_minute = minute(std::string_view(s).substr(dash + 1));
    if (w.start_minute == w.end_minute)
        throw std::invalid_argument("empty window \"" + s + "\"");
    w.always = false;
    return w;
}

std::string pg_interval(std::chrono::milliseconds d)
{
    return std::to_string(d.count()) + "ms";
}

namespace
{

// Reads one table of the document, checking each key against the setters it knows.
class Reader
{
  public:
    Reader(const toml::table &root, std::string source) : root_(root), source_(std::move(source)) {}

    using Setter = std::function<void(const toml::node &, const std::string &key)>;

    void section(const std::string &name, const std::map<std::string, Setter> &keys,
                 std::map<std::string, std::string> *extra = nullptr)
    {
        known_sections_.insert(name);
        const toml::node *node = root_.get(name);
        if (!node)
            return;
        const toml::table *table = node->as_table();
        if (!table)
            fail(name, "must be a table ([" + name + "])", *node);
        for (const auto &[k, v] : *table) {
            const std::string key = name + "." + std::string(k.str());
            auto it = keys.find(std::string(k.str()));
            if (it != keys.end()) {
                try {
                    it->second(v, key);
                } catch (const std::invalid_argument &e) {
                    fail(key, e.what(), v);
                }
            } else if (extra) {
                (*extra)[key] = text_of(v);
            } else {
                fail(key, "unknown key", v);
            }
        }
    }

    void reject_unknown_sections()
    {
        for (const auto &[k, v] : root_)
            if (!known_sections_.count(std::string(k.str())))
                fail(std::string(k.str()),
                     v.is_table() ? "unknown section" : "unknown key (keys belong in a [section])", v);
    }

    [[noreturn]] void fail(const std::string &key, const std::string &message, const toml::node &at) const
    {
        std::ostringstream m;
        m << message << " (" << source_;
        if (at.source().begin.line)
            m << ", line " << at.source().begin.line;
        m << ")";
        throw ConfigError(key, m.str());
    }

    static std::string text_of(const toml::node &v)
    {
        if (auto s = v.value_exact<std::string>())
            return *s;
        if (auto b = v.value_exact<bool>())
            return *b ? "true" : "false";
        if (auto i = v.value_exact<int64_t>())
            return std::to_string(*i);
        if (auto d = v.value_exact<double>()) {
            std::ostringstream o;
            o << *d;
            return o.str();
        }
        std::ostringstream o;
        v.visit([&o](const auto &x) { o << x; });
        return o.str();
    }

  private:
    const toml::table &root_;
    std::string source_;
    std::set<std::string> known_sections_;
};

std::string as_string(const toml::node &v)
{
    auto s = v.value_exact<std::string>();
    if (!s)
        throw std::invalid_argument("must be a string");
    return *s;
}

bool as_bool(const toml::node &v)
{
    auto b = v.value_exact<bool>();
    if (!b)
        throw std::invalid_argument("must be true or false");
    return *b;
}

double as_number(const toml::node &v)
{
    if (auto i = v.value_exact<int64_t>())
        return static_cast<double>(*i);
    if (auto d = v.value_exact<double>())
        return *d;
    throw std::invalid_argument("must be a number");
}

// A duration: "5s"-style string, or an integer number of seconds.
std::chrono::milliseconds as_duration(const toml::node &v)
{
    if (auto i = v.value_exact<int64_t>())
        return std::chrono::seconds(*i);
    if (auto s = v.value_exact<std::string>())
        return parse_duration(*s);
    throw std::invalid_argument("must be a duration such as \"30s\" or \"5min\"");
}

void require_positive(std::chrono::milliseconds d)
{
    if (d.count() <= 0)
        throw std::invalid_argument("must be greater than zero");
}

}  // namespace

Config parse_config(std::string_view text, const std::string &source)
{
    toml::table root;
    try {
        root = toml::parse(text, source);
    } catch (const toml::parse_error &e) {
        std::ostringstream m;
        m << "invalid TOML (" << source << ", line " << e.source().begin.line << "): " << e.description();
        throw ConfigError("", m.str());
    }
    Config c;
    c.source = source;
    Reader r(root, source);
    r.section("database",
              {
                  {"conninfo", [&](const toml::node &v, const std::string &) { c.conninfo = as_string(v); }},
                  {"reconnect_backoff_max",
                   [&](const toml::node &v, const std::string &) {
                       c.reconnect_backoff_max = as_duration(v);
                       require_positive(c.reconnect_backoff_max);
                   }},
              });
    r.section("cycle", {
                           {"interval",
                            [&](const toml::node &v, const std::string &) {
                                c.cycle_interval = as_duration(v);
                                require_positive(c.cycle_interval);
                            }},
                       });
    r.section("advisor",
              {
                  {"storage_budget",
                   [&](const toml::node &v, const std::string &) {
                       if (auto i = v.value_exact<int64_t>()) {
                           if (*i < 0)
                               throw std::invalid_argument("must not be negative");
                           c.storage_budget_bytes = static_cast<std::uint64_t>(*i);
                       } else {
                           c.storage_budget_bytes = parse_size(as_string(v));
                       }
                   }},
              },
              &c.extra);
    r.section("apply", {
                           {"window", [&](const toml::node &v,
                                          const std::string &) { c.apply_window = parse_time_window(as_string(v)); }},
                           {"lock_timeout",
                            [&](const toml::node &v, const std::string &) {
                                c.lock_timeout = as_duration(v);
                                require_positive(c.lock_timeout);
                            }},
                           {"max_attempts",
                            [&](const toml::node &v, const std::string &) {
                                const double n = as_number(v);
                                if (n < 1 || n > 100 || n != static_cast<int>(n))
                                    throw std::invalid_argument("must be an integer between 1 and 100");
                                c.max_attempts = static_cast<int>(n);
                            }},
                           {"retry_backoff",
                            [&](const toml::node &v, const std::string &) {
                                c.retry_backoff = as_duration(v);
                                require_positive(c.retry_backoff);
                            }},
                           {"retry_backoff_max",
                            [&](const toml::node &v, const std::string &) {
                                c.retry_backoff_max = as_duration(v);
                                require_positive(c.retry_backoff_max);
                            }},
                       });
    r.section("verify",
              {
                  {"window",
                   [&](const toml::node &v, const std::string &) {
                       c.verify_window = as_duration(v);
                       require_positive(c.verify_window);
                   }},
                  {"min_calls",
                   [&](const toml::node &v, const std::string &) {
                       const double n = as_number(v);
                       if (n < 1 || n != static_cast<long>(n))
                           throw std::invalid_argument("must be a positive integer");
                       c.min_calls = static_cast<long>(n);
                   }},
                  {"regression_threshold_pct",
                   [&](const toml::node &v, const std::string &) {
                       c.regression_threshold_pct = as_number(v);
                       if (c.regression_threshold_pct < 0 || c.regression_threshold_pct > 1000)
                           throw std::invalid_argument("must be between 0 and 1000");
                   }},
                  {"auto_revert", [&](const toml::node &v, const std::string &) { c.auto_revert = as_bool(v); }},
              });
    r.section("metrics",
              {
                  {"listen",
                   [&](const toml::node &v, const std::string &) {
                       c.metrics_listen = as_string(v);
                       if (!c.metrics_listen.empty() && c.metrics_listen.rfind(':') == std::string::npos)
                           throw std::invalid_argument("must be HOST:PORT (e.g. \"127.0.0.1:9187\") or empty");
                   }},
              });
    r.section("model",
              {
                  {"models_dir", [&](const toml::node &v, const std::string &) { c.models_dir = as_string(v); }},
              },
              &c.extra);
    r.section("log", {
                         {"level",
                          [&](const toml::node &v, const std::string &) {
                              c.log_level = as_string(v);
                              if (c.log_level != "debug" && c.log_level != "info" && c.log_level != "warning" &&
                                  c.log_level != "error")
                                  throw std::invalid_argument("must be one of debug, info, warning, error");
                          }},
                     });
    r.reject_unknown_sections();
    return c;
}

Config load_config(const std::string &path)
{
    std::ifstream in(path);
    if (!in)
        throw ConfigError("", "cannot read configuration file \"" + path + "\"");
    std::ostringstream text;
    text << in.rdbuf();
    return parse_config(text.str(), path);
}

}  // namespace autopilot
