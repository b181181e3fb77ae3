// autopilotd entry point: parses the command line and runs the service (see service.cpp).
#include "autopilot/version.hpp"

#include <cstdio>
#include <cstring>

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--version") == 0) {
            std::printf("autopilotd %s\n", autopilot::kVersion);
            return 0;
        }
        if (std::strcmp(argv[i], "--help") == 0) {
            std::printf("usage: autopilotd [--config FILE] [--once] [--dry-run] [--version] [--help]\n");
            return 0;
        }
    }
    std::fprintf(stderr, "autopilotd: not implemented yet\n");
    return 1;
}
