// Locating the ETL's SQL files at run time, so a build tree and an installation both work.
#include "sql_files.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>

namespace autopilot::etl {

namespace fs = std::filesystem;

std::vector<fs::path> sql_dir_candidates(const fs::path &exe, const char *env_override)
{
    std::vector<fs::path> out;
    if (env_override && *env_override)
        out.emplace_back(env_override);
    if (!exe.empty()) {
        const fs::path bin = exe.parent_path();
        out.push_back(bin.parent_path() / "etl" / "sql");
        out.push_back(bin.parent_path() / "share" / "autopilot" / "etl" / "sql");
    }
    return out;
}

fs::path sql_dir()
{
    static const fs::path found = [] {
        std::error_code ec;
        const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
        const auto candidates = sql_dir_candidates(ec ? fs::path() : exe, std::getenv("AUTOPILOT_ETL_SQL_DIR"));
        std::string tried;
        for (const auto &c : candidates) {
            if (fs::exists(c / "etl.sql", ec))
                return c;
            tried += (tried.empty() ? "" : ", ") + c.string();
        }
        throw std::runtime_error("cannot find the ETL's SQL files (looked in " + tried +
                                 "); set AUTOPILOT_ETL_SQL_DIR to the etl/sql directory");
    }();
    return found;
}

std::string read_sql(const std::string &relative)
{
    const fs::path p = sql_dir() / relative;
    std::ifstream in(p, std::ios::binary);
    if (!in)
        throw std::runtime_error("cannot read " + p.string());
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace autopilot::etl
