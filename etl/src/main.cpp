// autopilot-etl entry point: generate, run, check, workload, mine.
#include "autopilot/version.hpp"

#include <cstdio>
#include <cstring>

int main(int argc, char **argv)
{
    if (argc > 1 && std::strcmp(argv[1], "--version") == 0) {
        std::printf("autopilot-etl %s\n", autopilot::kVersion);
        return 0;
    }
    std::fprintf(stderr, "usage: autopilot-etl generate|run|check|workload|mine ...\n");
    return 2;
}
