// SIGTERM/SIGINT (stop) and SIGHUP (reload), handled by a thread that sigwait()s, so the rest of
// the daemon sees plain atomic flags and never runs code inside a signal handler.
#pragma once

#include <atomic>
#include <functional>
#include <thread>

namespace autopilot
{

class SignalWatcher
{
  public:
    // Blocks the signals in the calling thread (call before starting any other thread, so every
    // thread inherits the mask) and starts the watcher.
    SignalWatcher();
    ~SignalWatcher();

    std::atomic<bool> stop{false};
    std::atomic<bool> reload{false};

  private:
    std::thread thread_;
};

}  // namespace autopilot
