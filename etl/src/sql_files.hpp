// Where autopilot-etl finds its SQL (etl/sql/*.sql) and how it reads a file from there.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace autopilot::etl {

// Candidate directories, in order: $AUTOPILOT_ETL_SQL_DIR, <exe>/../etl/sql (a build tree inside
// the checkout), <exe>/../share/autopilot/etl/sql (an installation). Pure: exe is given.
std::vector<std::filesystem::path> sql_dir_candidates(const std::filesystem::path &exe,
                                                      const char *env_override);

// The first candidate holding etl.sql; throws std::runtime_error listing where it looked.
std::filesystem::path sql_dir();

// The text of a file relative to sql_dir() (e.g. "run/silver_orders.sql").
std::string read_sql(const std::string &relative);

}  // namespace autopilot::etl
