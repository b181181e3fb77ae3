// Database edge of the mining jobs: the schema, the run bookkeeping of mining.model_runs, and
// the models directory. A job's results and its 'complete' status are written in one
// transaction (publish_run); a failure leaves a 'failed' run and no result rows.
#pragma once

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>

namespace autopilot::mining {

// Input the job cannot work with (empty gold tables, no labelled listings...): reported with a
// clear message, the run marked failed, exit code 1.
class InputError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

struct JobOptions {
    uint64_t seed = 42;
    std::string models_dir = "models";
    bool force = false;    // re-run even when the input has not changed since the last run
    bool quiet = false;
};

struct JobResult {
    int64_t run_id = 0;
    bool skipped = false;  // input unchanged since the last complete run
    nlohmann::json metrics, baseline;
};

// Applies etl/sql/mining.sql (idempotent).
void apply_mining_schema(pqxx::connection &c);

// True when `schema.table` exists.
bool table_exists(pqxx::connection &c, const std::string &qualified);

// The last complete run of `job` when it had this input signature and seed (0 if none).
int64_t unchanged_run(pqxx::connection &c, const std::string &job, const std::string &signature, uint64_t seed);

int64_t start_run(pqxx::connection &c, const std::string &job, uint64_t seed, const std::string &signature,
                  const nlohmann::json &params);
// Marks the run failed with the error, in its own transaction.
void fail_run(pqxx::connection &c, int64_t run_id, const std::string &error);

struct RunSummary {
    std::string first_day, last_day;  // 'YYYY-MM-DD' or empty
    std::string model_version, model_path;
    nlohmann::json metrics = nlohmann::json::object(), baseline = nlohmann::json::object(),
                   skipped = nlohmann::json::array();
    int64_t rows = 0;
};
// Inside the job's result transaction: removes the results of the job's earlier runs from
// `result_table` and marks this run complete.
void publish_run(pqxx::work &tx, int64_t run_id, const std::string &job, const std::string &result_table,
                 const RunSummary &s);

// The frame every job runs in: an input unchanged since the last complete run with the same seed
// is skipped (unless --force); otherwise the run is recorded as 'running', `body` computes and
// publishes its results (finish_run), and a run whose body throws is marked failed with the
// error, which is rethrown.
using JobBody = std::function<void(JobResult &)>;
JobResult run_job(pqxx::connection &c, const JobOptions &o, const std::string &job, const std::string &signature,
                  const nlohmann::json &params, const JobBody &body);

// The end of a job's body, in its result transaction: publish_run, commit, and the run's
// metrics and baseline copied into `res`.
void finish_run(pqxx::work &tx, JobResult &res, const std::string &job, const std::string &result_table,
                const RunSummary &s);

// Writes `<models_dir>/<version>.json` (the model) and `<version>.meta.json` (features, window,
// metrics); returns the model's path.
std::string save_model(const std::string &models_dir, const std::string &version, const std::string &model_json,
                       const nlohmann::json &metadata);

// 'YYYY-MM-DD' of a day number since 1970-01-01, and back (etl/src/timefmt.hpp).
std::string iso_day(int32_t day);
int32_t day_number(const std::string &iso);

}  // namespace autopilot::mining
