// autopilot-web entry point: the dashboard's HTTP server (see server.hpp).
#include "autopilot/version.hpp"
#include "log.hpp"
#include "options.hpp"
#include "server.hpp"

#include <csignal>
#include <cstdio>
#include <pthread.h>
#include <thread>

int main(int argc, char **argv)
{
    using namespace autopilot;
    std::string error;
    const auto options = web::parse_options(std::vector<std::string>(argv + 1, argv + argc), error);
    if (!error.empty()) {
        std::fprintf(stderr, "autopilot-web: %s\n%s", error.c_str(), web::usage());
        return 2;
    }
    if (options.show_help) {
        std::fputs(web::usage(), stdout);
        return 0;
    }
    if (options.show_version) {
        std::printf("autopilot-web %s\n", kVersion);
        return 0;
    }
    try {
        // SIGTERM/SIGINT are taken by a thread with sigwait: stopping the server is not async-signal-safe.
        sigset_t stop_signals;
        sigemptyset(&stop_signals);
        sigaddset(&stop_signals, SIGTERM);
        sigaddset(&stop_signals, SIGINT);
        sigaddset(&stop_signals, SIGUSR1);  // sent by ourselves to end the waiter after a failed bind
        pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
        web::App app(options);
        std::thread waiter([&] {
            int sig = 0;
            sigwait(&stop_signals, &sig);
            app.stop();
        });
        const bool ok = app.listen();
        pthread_kill(waiter.native_handle(), SIGUSR1);
        waiter.join();
        if (!ok) {
            log::error("cannot listen on " + options.listen + ":" + std::to_string(options.port) +
                       " (address in use or not available)");
            return 1;
        }
        return 0;
    } catch (const std::exception &e) {
        log::error(std::string("autopilot-web: ") + e.what());
        return 1;
    }
}
