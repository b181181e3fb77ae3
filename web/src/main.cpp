// autopilot-web entry point: the dashboard's HTTP server.
#include "autopilot/version.hpp"

#include <cstdio>
#include <cstring>

int main(int argc, char **argv)
{
    if (argc > 1 && std::strcmp(argv[1], "--version") == 0) {
        std::printf("autopilot-web %s\n", autopilot::kVersion);
        return 0;
    }
    std::fprintf(stderr, "autopilot-web: not implemented yet\n");
    return 1;
}
