// Schema, run bookkeeping and model files of the mining jobs.
#include "mine_db.hpp"

#include "autopilot/etl_sql.hpp"
#include "timefmt.hpp"

#include <filesystem>
#include <fstream>


namespace autopilot::mining {

void apply_mining_schema(pqxx::connection &c)
{
    pqxx::work tx(c);
    // Concurrent jobs must not race on CREATE ... IF NOT EXISTS.
    tx.exec("SELECT pg_advisory_xact_lock(hashtext('autopilot.mining.schema'))");
    tx.exec("SET LOCAL client_min_messages = warning");
    // The SQL functions read gold and the resale feed, which may not exist yet (the jobs then
    // report that clearly); like pg_dump, create them without checking their bodies.
    tx.exec("SET LOCAL check_function_bodies = off");
    tx.exec(etl::sql::kMining);
    tx.commit();
}

bool table_exists(pqxx::connection &c, const std::string &qualified)
{
    pqxx::nontransaction tx(c);
    return !tx.exec_params("SELECT to_regclass($1)", qualified)[0][0].is_null();
}

int64_t unchanged_run(pqxx::connection &c, const std::string &job, const std::string &signature, uint64_t seed)
{
    pqxx::nontransaction tx(c);
    const auto r = tx.exec_params(
        "SELECT run_id FROM mining.model_runs WHERE job = $1 AND status = 'complete' "
        "AND run_id = (SELECT max(run_id) FROM mining.model_runs WHERE job = $1 AND status = 'complete') "
        "AND input_signature = $2 AND seed = $3",
        job, signature, static_cast<int64_t>(seed));
    return r.empty() ? 0 : r[0][0].as<int64_t>();
}

int64_t start_run(pqxx::connection &c, const std::string &job, uint64_t seed, const std::string &signature,
                  const nlohmann::json &params)
{
    pqxx::work tx(c);
    const auto r = tx.exec_params(
        "INSERT INTO mining.model_runs (job, status, seed, input_signature, params) "
        "VALUES ($1, 'running', $2, $3, $4::jsonb) RETURNING run_id",
        job, static_cast<int64_t>(seed), signature, params.dump());
    tx.commit();
    return r[0][0].as<int64_t>();
}

void fail_run(pqxx::connection &c, int64_t run_id, const std::string &error)
{
    try {
        pqxx::work tx(c);
        tx.exec_params("UPDATE mining.model_runs SET status = 'failed', finished_at = now(), error = $2 "
                       "WHERE run_id = $1",
                       run_id, error);
        tx.commit();
    } catch (const std::exception &) {
        // The connection itself is gone: the run stays 'running', which readers never take for
        // complete; the next run supersedes it.
    }
}

void publish_run(pqxx::work &tx, int64_t run_id, const std::string &job, const std::string &result_table,
                 const RunSummary &s)
{
    tx.exec_params("DELETE FROM " + result_table +
                       " WHERE run_id IN (SELECT run_id FROM mining.model_runs WHERE job = $1 AND run_id <> $2)",
                   job, run_id);
    tx.exec_params("UPDATE mining.model_runs SET status = 'complete', finished_at = now(), "
                   "data_first_day = nullif($2, '')::date, data_last_day = nullif($3, '')::date, "
                   "model_version = nullif($4, ''), model_path = nullif($5, ''), metrics = $6::jsonb, "
                   "baseline = $7::jsonb, skipped = $8::jsonb, rows_written = $9 WHERE run_id = $1",
                   run_id, s.first_day, s.last_day, s.model_version, s.model_path, s.metrics.dump(),
                   s.baseline.dump(), s.skipped.dump(), s.rows);
}

JobResult run_job(pqxx::connection &c, const JobOptions &o, const std::string &job, const std::string &signature,
                  const nlohmann::json &params, const JobBody &body)
{
    JobResult res;
    if (!o.force && (res.run_id = unchanged_run(c, job, signature, o.seed))) {
        res.skipped = true;
        return res;
    }
    res.run_id = start_run(c, job, o.seed, signature, params);
    try {
        body(res);
    } catch (const std::exception &e) {
        fail_run(c, res.run_id, e.what());
        throw;
    }
    return res;
}

void finish_run(pqxx::work &tx, JobResult &res, const std::string &job, const std::string &result_table,
                const RunSummary &s)
{
    publish_run(tx, res.run_id, job, result_table, s);
    tx.commit();
    res.metrics = s.metrics;
    res.baseline = s.baseline;
}

std::string save_model(const std::string &models_dir, const std::string &version, const std::string &model_json,
                       const nlohmann::json &metadata)
{
    namespace fs = std::filesystem;
    fs::create_directories(models_dir);
    const fs::path model = fs::path(models_dir) / (version + ".json");
    const fs::path meta = fs::path(models_dir) / (version + ".meta.json");
    auto write = [](const fs::path &p, const std::string &text) {
        const fs::path tmp = p.string() + ".tmp";
        {
            std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
            out << text;
            if (!out.flush())
                throw std::runtime_error("cannot write " + tmp.string());
        }
        fs::rename(tmp, p);
    };
    write(model, model_json);
    write(meta, metadata.dump(2) + "\n");
    return fs::absolute(model).string();
}

std::string iso_day(int32_t day) { return etl::format_date(day); }

int32_t day_number(const std::string &iso)
{
    etl::Day d = 0;
    if (!etl::parse_date(iso, d))
        throw std::invalid_argument("not a date: " + iso);
    return d;
}

}  // namespace autopilot::mining
