// The BI workload as data: parameter pools and weighted query templates read from
// etl/sql/workload.sql, and how a template is bound to values for the simple protocol. Pure.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace autopilot::etl {

enum class Protocol { simple, extended, both };

struct QueryTemplate {
    std::string name;
    std::string sql;                  // $1, $2 ... placeholders
    std::vector<std::string> params;  // pool name of each placeholder, in order
    double weight = 1;
    Protocol protocol = Protocol::simple;
    std::string note;
};

struct WorkloadSpec {
    std::map<std::string, std::string> pools;  // name -> SQL returning one text column
    std::vector<QueryTemplate> templates;
};

// Parses the block format documented at the top of workload.sql. Throws std::invalid_argument
// (with the block's name) on a block without SQL, an unknown key, a bad weight or protocol, a
// placeholder count that differs from the params list, or a param naming no pool.
WorkloadSpec parse_workload_spec(const std::string &text);

// Replaces $N by literals[N-1] (already quoted SQL literals). Placeholders are $ followed by
// digits; templates contain no dollar quoting. Throws std::out_of_range on a missing literal.
std::string bind_literals(const std::string &sql, const std::vector<std::string> &literals);

// The highest N among $N placeholders (0 when none).
int placeholder_count(const std::string &sql);

}  // namespace autopilot::etl
