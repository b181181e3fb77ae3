// stderr logger; under systemd the "<N>" prefix lets journald record the priority.
#include "log.hpp"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <mutex>

namespace autopilot::log {
namespace {
std::atomic<Level> current{Level::info};
std::mutex write_mutex;

bool under_journald()
{
    static const bool journald = std::getenv("JOURNAL_STREAM") != nullptr;
    return journald;
}
}  // namespace

void set_level(Level l) { current = l; }
Level level() { return current; }

void write(Level l, std::string_view message)
{
    if (l < current.load())
        return;
    static constexpr const char *names[] = {"debug", "info", "warning", "error"};
    static constexpr int syslog_priority[] = {7, 6, 4, 3};
    const auto i = static_cast<int>(l);
    std::lock_guard<std::mutex> lock(write_mutex);
    if (under_journald())
        std::fprintf(stderr, "<%d>%.*s\n", syslog_priority[i], static_cast<int>(message.size()), message.data());
    else
        std::fprintf(stderr, "%s: %.*s\n", names[i], static_cast<int>(message.size()), message.data());
    std::fflush(stderr);
}

}  // namespace autopilot::log
