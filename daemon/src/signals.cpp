// The watcher thread also wakes on SIGUSR2, which the destructor sends to end it.
#include "signals.hpp"

#include "log.hpp"

#include <csignal>
#include <pthread.h>

namespace autopilot
{
namespace
{
sigset_t watched()
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGUSR2);
    return set;
}
}  // namespace

SignalWatcher::SignalWatcher()
{
    sigset_t set = watched();
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    thread_ = std::thread([this] {
        sigset_t s = watched();
        for (;;) {
            int sig = 0;
            if (sigwait(&s, &sig) != 0)
                continue;
            if (sig == SIGUSR2)
                return;
            if (sig == SIGHUP) {
                reload = true;
                log::info("SIGHUP: the configuration will be reloaded between steps");
            } else {
                if (stop.exchange(true))
                    log::warning("second stop signal: still finishing the current step");
                else
                    log::info("stop requested: finishing the current step");
            }
        }
    });
}

SignalWatcher::~SignalWatcher()
{
    if (thread_.joinable()) {
        pthread_kill(thread_.native_handle(), SIGUSR2);
        thread_.join();
    }
}

}  // namespace autopilot
