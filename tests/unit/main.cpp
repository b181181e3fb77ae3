// Catch2 main for the unit tests (pure C++: no database).
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
