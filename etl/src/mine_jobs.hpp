// The four mining jobs (database edge): each reads gold (or the resale feed), runs the pure
// algorithms of mine_*.hpp, and publishes its results with its run in one transaction.
#pragma once

#include "mine_db.hpp"

namespace autopilot::mining {

JobResult run_forecast(pqxx::connection &c, const JobOptions &o);
JobResult run_anomalies(pqxx::connection &c, const JobOptions &o);
JobResult run_segments(pqxx::connection &c, const JobOptions &o);
JobResult run_authenticity(pqxx::connection &c, const JobOptions &o);

// The signature of gold.fact_sales (rows, last ETL run, last day); throws InputError when the
// table is missing or empty.
std::string gold_sales_signature(pqxx::connection &c);

}  // namespace autopilot::mining
