// The daemon and tools refuse an extension version they were not built for (style.md, rule 4).
#include "extension_check.hpp"

#include "autopilot/version.hpp"

namespace autopilot {

std::string require_extension_version(pqxx::connection &conn)
{
    pqxx::nontransaction tx(conn);
    auto rows = tx.exec("SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'autopilot'");
    if (rows.empty())
        throw ExtensionVersionError(
            "extension \"autopilot\" is not installed in database \"" + std::string(conn.dbname()) +
            "\"\nhint: run CREATE EXTENSION autopilot CASCADE as a superuser");
    auto installed = rows[0][0].as<std::string>();
    if (installed != kVersion)
        throw ExtensionVersionError("extension \"autopilot\" is at version " + installed + ", this program is version " +
                                    kVersion + "\nhint: run ALTER EXTENSION autopilot UPDATE TO '" + kVersion +
                                    "', or install the matching autopilot build");
    return installed;
}

}  // namespace autopilot
