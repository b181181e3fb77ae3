// The version compiled into our programs is the one in sql/autopilot.control.
#include "autopilot/version.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <regex>
#include <string>

TEST_CASE("the compiled-in version is the control file's default_version")
{
    std::ifstream control(AUTOPILOT_TEST_DATA "/../../../sql/autopilot.control");
    REQUIRE(control);
    std::string line, found;
    const std::regex re("^default_version\\s*=\\s*'([^']+)'");
    std::smatch m;
    while (std::getline(control, line))
        if (std::regex_search(line, m, re))
            found = m[1];
    CHECK(found == autopilot::kVersion);
}
