// autopilot-etl entry point: the command table lives in commands.cpp.
#include "commands.hpp"

int main(int argc, char **argv)
{
    return autopilot::etl::dispatch(argc, argv);
}
