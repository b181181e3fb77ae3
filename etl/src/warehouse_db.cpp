// Shared database plumbing of the warehouse commands.
#include "warehouse_db.hpp"

#include <regex>
#include <stdexcept>

namespace autopilot::etl {

void require_schemas(pqxx::connection &conn, const std::vector<std::string> &schemas, const std::string &hint)
{
    pqxx::nontransaction tx(conn);
    for (const auto &s : schemas) {
        const auto r = tx.exec_params("SELECT to_regnamespace($1) IS NOT NULL", s);
        if (!r[0][0].as<bool>())
            throw std::runtime_error("schema " + s + " does not exist in database \"" +
                                     std::string(conn.dbname()) + "\": " + hint);
    }
}

bool valid_memory_size(const std::string &value)
{
    static const std::regex re(R"(^[1-9][0-9]{0,8}(kB|MB|GB)$)");
    return std::regex_match(value, re);
}

void apply_batch_settings(pqxx::connection &conn, const std::string &work_mem)
{
    if (!valid_memory_size(work_mem))
        throw std::invalid_argument("invalid memory size \"" + work_mem + "\"");
    pqxx::nontransaction tx(conn);
    tx.exec_params("SELECT set_config('work_mem', $1, false)", work_mem);
    // temp_buffers only takes effect before the session's first temporary table.
    tx.exec("SET temp_buffers = '512MB'");
    tx.exec("SET maintenance_work_mem = '512MB'");
    tx.exec("SET jit = off");
    // Two cores shared with the server's other work: Gather (Merge) of wide staging rows costs
    // more than the parallel scan saves, so the batch session stays serial.
    tx.exec("SET max_parallel_workers_per_gather = 0");
    tx.exec("SET client_min_messages = warning");
}

}  // namespace autopilot::etl
