// Progress bar (progress.hpp).
#include "progress.hpp"

#include <chrono>
#include <cstdio>

namespace autopilot::etl {

double monotonic_seconds()
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

ProgressBar::ProgressBar(std::string label, int64_t expected, const std::atomic<int64_t> &done, bool enabled)
    : label_(std::move(label)), expected_(expected > 0 ? expected : 1), done_(done), started_(monotonic_seconds())
{
    if (!enabled)
        return;
    thread_ = std::thread([this] {
        while (!stop_.load()) {
            draw();
            for (int i = 0; i < 5 && !stop_.load(); ++i)
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    });
}

ProgressBar::~ProgressBar()
{
    if (!thread_.joinable())
        return;
    stop_ = true;
    thread_.join();
    std::fprintf(stderr, "\r\033[K");
    std::fflush(stderr);
}

void ProgressBar::draw() const
{
    const int64_t done = done_.load(std::memory_order_relaxed);
    double frac = static_cast<double>(done) / static_cast<double>(expected_);
    if (frac > 1)
        frac = 1;
    constexpr int kWidth = 30;
    const int fill = static_cast<int>(frac * kWidth);
    char bar[kWidth + 1];
    for (int i = 0; i < kWidth; ++i)
        bar[i] = i < fill ? '#' : '.';
    bar[kWidth] = 0;
    const double secs = monotonic_seconds() - started_;
    std::fprintf(stderr, "\r%s [%s] %3d%%  %.2fM rows  %.0fk rows/s\033[K", label_.c_str(), bar,
                 static_cast<int>(frac * 100), static_cast<double>(done) / 1e6,
                 secs > 0 ? static_cast<double>(done) / secs / 1000 : 0.0);
    std::fflush(stderr);
}

}  // namespace autopilot::etl
