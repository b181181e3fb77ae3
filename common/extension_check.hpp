// Checks that the autopilot extension installed in a database is a version this program knows.
#pragma once

#include <pqxx/pqxx>
#include <stdexcept>
#include <string>

namespace autopilot {

class ExtensionVersionError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Returns the installed extension version; throws ExtensionVersionError (with a hint) when the
// extension is missing or its version differs from the one this program was built with.
std::string require_extension_version(pqxx::connection &conn);

}  // namespace autopilot
