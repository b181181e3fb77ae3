// A progress bar on stderr for long loads, redrawn a few times a second by its own thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>

namespace autopilot::etl {

class ProgressBar {
public:
    ProgressBar(std::string label, int64_t expected, const std::atomic<int64_t> &done, bool enabled);
    ~ProgressBar();  // clears the line
    ProgressBar(const ProgressBar &) = delete;
    ProgressBar &operator=(const ProgressBar &) = delete;

private:
    void draw() const;
    std::string label_;
    int64_t expected_;
    const std::atomic<int64_t> &done_;
    std::atomic<bool> stop_{false};
    std::thread thread_;
    double started_;
};

double monotonic_seconds();

}  // namespace autopilot::etl
