// Database plumbing the warehouse commands share: connecting, checking that the schemas a
// command needs exist (with a hint naming the command that creates them), session settings.
#pragma once

#include <pqxx/pqxx>
#include <string>
#include <vector>

namespace autopilot::etl {

// Throws std::runtime_error when a schema is missing: "schema bronze does not exist in database
// X: run `autopilot-etl generate` first".
void require_schemas(pqxx::connection &conn, const std::vector<std::string> &schemas, const std::string &hint);

// Session settings for set-based batch work: memory for sorts and hashes, temp buffers for the
// staging tables, no JIT (it costs more than it saves on these many mid-sized statements).
void apply_batch_settings(pqxx::connection &conn, const std::string &work_mem);

// True when `value` is a PostgreSQL memory size this tool accepts ("256MB", "1GB", "65536kB").
bool valid_memory_size(const std::string &value);

}  // namespace autopilot::etl
