// Logging to stderr (journald picks it up under systemd): one line per event, level first.
#pragma once

#include <string_view>

namespace autopilot::log {

enum class Level { debug = 0, info = 1, warning = 2, error = 3 };

void set_level(Level level);
Level level();
void write(Level level, std::string_view message);

inline void debug(std::string_view m) { write(Level::debug, m); }
inline void info(std::string_view m) { write(Level::info, m); }
inline void warning(std::string_view m) { write(Level::warning, m); }
inline void error(std::string_view m) { write(Level::error, m); }

}  // namespace autopilot::log
