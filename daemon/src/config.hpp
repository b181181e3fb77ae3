// autopilotd's configuration: a TOML file (daemon/autopilotd.toml.example documents every key),
// parsed into plain data. Anything wrong is a ConfigError naming the key; main() exits with 2.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace autopilot
{

class ConfigError : public std::runtime_error
{
  public:
    ConfigError(std::string key, const std::string &message)
        : std::runtime_error(key.empty() ? message : "\"" + key + "\": " + message), key_(std::move(key))
    {
    }
    const std::string &key() const { return key_; }

  private:
    std::string key_;
};

// A daily time-of-day window in local time, e.g. 01:00-05:00; it may wrap past midnight.
struct TimeWindow {
    int start_minute = 0;  // minutes after midnight
    int end_minute = 0;
    bool always = true;  // no window configured: any time
    bool contains(int minute_of_day) const;
};

struct Config {
    std::string source = "(defaults)";  // the file it came from, for messages

    // [database]
    std::string conninfo;  // libpq conninfo; empty: PG* environment variables
    std::chrono::milliseconds reconnect_backoff_max{std::chrono::seconds(60)};

    // [cycle]
    std::chrono::milliseconds cycle_interval{std::chrono::minutes(5)};

    // [advisor]
    std::uint64_t storage_budget_bytes = 10ull << 30;

    // [apply]
    TimeWindow apply_window;
    std::chrono::milliseconds lock_timeout{std::chrono::seconds(5)};
    int max_attempts = 3;
    std::chrono::milliseconds retry_backoff{std::chrono::seconds(10)};
    std::chrono::milliseconds retry_backoff_max{std::chrono::minutes(5)};

    // [verify]
    std::chrono::milliseconds verify_window{std::chrono::hours(1)};
    long min_calls = 50;
    double regression_threshold_pct = 10.0;
    bool auto_revert = true;

    // [metrics]
    std::string metrics_listen = "127.0.0.1:9187";  // empty: no metrics endpoint

    // [model]
    std::string models_dir = "/var/lib/autopilot/models";

    // [log]
    std::string log_level = "info";

    // Keys of [advisor] and [model] this file does not know, as text ("advisor.max_columns" -> "3"),
    // so the advisor and the predictor can take settings of their own without touching this parser.
    std::map<std::string, std::string> extra;
    std::optional<std::string> extra_value(const std::string &key) const;
};

// Parses TOML text; `source` names it in messages. Throws ConfigError.
Config parse_config(std::string_view text, const std::string &source);
// Reads and parses a file. Throws ConfigError (also when the file cannot be read).
Config load_config(const std::string &path);

// "250ms", "5s", "10min", "2h", "1d", or a bare integer (seconds). Throws std::invalid_argument.
std::chrono::milliseconds parse_duration(std::string_view text);
// "512MB", "10GB", "1TB", "4096" (bytes; kB/MB/GB/TB are powers of 1024, as in PostgreSQL).
std::uint64_t parse_size(std::string_view text);
// "01:00-05:00"; "" is always. Throws std::invalid_argument.
TimeWindow parse_time_window(std::string_view text);
// The PostgreSQL spelling of a duration for SET, e.g. "5000ms".
std::string pg_interval(std::chrono::milliseconds d);

}  // namespace autopilot
