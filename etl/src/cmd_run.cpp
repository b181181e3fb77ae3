// autopilot-etl run: bronze -> silver -> gold. Every step is one transaction that writes its data,
// its watermark and its etl.run_steps row together, so a failure leaves the step as if it never
// ran and the next run picks up from the last committed watermark. A session-level advisory lock
// keeps a second concurrent run out.
#include "cli.hpp"
#include "commands.hpp"
#include "log.hpp"
#include "pipeline.hpp"
#include "sql_files.hpp"
#include "warehouse_db.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <memory>
#include <mutex>
#include <pqxx/pqxx>
#include <stdexcept>
#include <thread>

namespace autopilot::etl {

namespace {

const std::vector<OptionSpec> &run_options()
{
    static const std::vector<OptionSpec> specs = {
        {"--work-mem", "", true, "SIZE", "work_mem of each ETL session (default 256MB)"},
        {"--jobs", "-j", true, "N", "steps run at once on N sessions, as their dependencies allow (default 2)"},
        {"--quiet", "-q", false, "", "no per-step lines on stderr"},
    };
    return specs;
}

double ms_since(std::chrono::steady_clock::time_point t0)
{
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

// Takes the run lock or explains who holds it.
void take_run_lock(pqxx::connection &conn)
{
    pqxx::nontransaction tx(conn);
    if (tx.exec_params("SELECT pg_try_advisory_lock($1)", kRunLockKey)[0][0].as<bool>())
        return;
    const auto holder = tx.exec_params(
        "SELECT l.pid, a.application_name, a.backend_start FROM pg_locks l "
        "LEFT JOIN pg_stat_activity a ON a.pid = l.pid "
        "WHERE l.locktype = 'advisory' AND l.granted AND l.database = "
        "(SELECT oid FROM pg_database WHERE datname = current_database()) "
        "AND ((l.classid::bigint << 32) | l.objid::bigint) = $1 LIMIT 1",
        kRunLockKey);
    std::string who = holder.empty() ? "another session"
                                     : "backend pid " + holder[0][0].as<std::string>() + " (" +
                                           holder[0][1].as<std::string>("") + ", since " +
                                           holder[0][2].as<std::string>("?") + ")";
    throw std::runtime_error("another autopilot-etl run is already running on database \"" +
                             std::string(conn.dbname()) + "\" (" + who +
                             "); wait for it to finish, nothing was changed");
}

StepFigures run_step(pqxx::connection &conn, long long run_id, long long batch_hi, int step_no,
                     const PipelineStep &step)
{
    const std::string sql = read_sql(step.file);
    const auto t0 = std::chrono::steady_clock::now();
    pqxx::work tx(conn, step.name);
    tx.exec_params("SELECT set_config('etl.run_id', $1, true), set_config('etl.batch_hi', $2, true)",
                   std::to_string(run_id), std::to_string(batch_hi));
    // A step file is several statements; its last one reports rows_in, rows_out, rows_rejected.
    const pqxx::result r = tx.exec(sql);
    if (r.size() != 1 || r.columns() != 3)
        throw std::runtime_error("step " + step.name + ": " + step.file +
                                 " must end with SELECT rows_in, rows_out, rows_rejected");
    StepFigures f;
    f.rows_in = r[0][0].as<long long>(0);
    f.rows_out = r[0][1].as<long long>(0);
    f.rows_rejected = r[0][2].as<long long>(0);
    f.elapsed_ms = ms_since(t0);
    tx.exec_params("INSERT INTO etl.run_steps (run_id, step_no, step, rows_in, rows_out, rows_rejected, elapsed_ms) "
                   "VALUES ($1, $2, $3, $4, $5, $6, $7)",
                   run_id, step_no, step.name, f.rows_in, f.rows_out, f.rows_rejected, f.elapsed_ms);
    tx.commit();
    if (f.rows_out > 0 || f.rows_rejected > 0) {
        pqxx::nontransaction nt(conn);
        for (const auto &table : step.analyze)
            nt.exec("ANALYZE " + table);  // names from the step table, not from input
    }
    f.elapsed_ms = ms_since(t0);
    return f;
}

void mark_failed(pqxx::connection &conn, long long run_id, const std::string &error, double total_ms)
{
    try {
        pqxx::work tx(conn);
        tx.exec_params("UPDATE etl.runs SET status = 'failed', finished_at = clock_timestamp(), total_ms = $2, "
                       "error = $3 WHERE run_id = $1",
                       run_id, total_ms, error);
        tx.commit();
    } catch (const std::exception &) {
        // The connection is gone: the next run marks this 'running' row as interrupted.
    }
}

}  // namespace

int cmd_run(const CommandArgs &args)
{
    const ParsedOptions opts = parse_options(run_options(), args);
    if (opts.has("--help")) {
        std::printf("usage: autopilot-etl run [OPTIONS]\n\nbronze -> silver -> gold, incremental: only complete "
                    "bronze batches above each step's watermark are read.\n\n%s",
                    options_help(run_options()).c_str());
        return kExitOk;
    }
    const std::string work_mem = opts.get_or("--work-mem", "256MB");
    if (!valid_memory_size(work_mem))
        throw UsageError("--work-mem: \"" + work_mem + "\" is not a memory size like 256MB");
    const bool quiet = opts.has("--quiet");
    int jobs = 2;
    if (auto j = opts.get_int("--jobs")) {
        if (*j < 1 || *j > 16)
            throw UsageError("--jobs must be between 1 and 16");
        jobs = static_cast<int>(*j);
    }

    const auto t0 = std::chrono::steady_clock::now();
    pqxx::connection conn(opts.conninfo());
    require_schemas(conn, {"bronze"}, "run `autopilot-etl generate` first");
    take_run_lock(conn);
    apply_batch_settings(conn, work_mem);
    {
        pqxx::nontransaction nt(conn);
        nt.exec("SET application_name = 'autopilot-etl run'");
    }
    {
        pqxx::work tx(conn, "ddl");
        for (const auto &f : pipeline_ddl())
            tx.exec(read_sql(f));
        // We hold the lock, so a run still marked running was interrupted.
        tx.exec("UPDATE etl.runs SET status = 'failed', finished_at = clock_timestamp(), "
                "error = 'interrupted: the session ended before the run finished' WHERE status = 'running'");
        // A fresh `generate` replaces bronze (earlier batches become 'replaced'): what silver read
        // is gone, so silver and gold are rebuilt rather than mixed with the new data.
        const bool regenerated =
            tx.exec("SELECT EXISTS (SELECT 1 FROM bronze.load_batches b JOIN etl.watermarks w "
                    "ON w.step LIKE 'silver.%' AND b.batch_id <= w.high_water WHERE b.status = 'replaced')")[0][0]
                .as<bool>();
        if (regenerated) {
            log::info("bronze was regenerated since the last run: rebuilding silver and gold from it");
            tx.exec(read_sql("reset.sql"));
            tx.exec(read_sql("gold.sql"));  // its seed rows (festivals, channels, the unknown store)
        }
        tx.commit();
    }
    long long run_id = 0, batch_hi = 0;
    {
        pqxx::work tx(conn, "start");
        run_id = tx.exec("INSERT INTO etl.runs DEFAULT VALUES RETURNING run_id")[0][0].as<long long>();
        batch_hi = tx.exec("SELECT coalesce(max(batch_id), 0) FROM bronze.load_batches WHERE status = 'complete'")[0][0]
                       .as<long long>();
        tx.commit();
    }
    if (!quiet)
        log::info("run " + std::to_string(run_id) + ": bronze batches up to " + std::to_string(batch_hi));
    {
        // New batches to read: give the planner statistics of what the generator just loaded.
        pqxx::nontransaction nt(conn);
        const bool news = nt.exec_params("SELECT $1 > coalesce((SELECT min(high_water) FROM etl.watermarks "
                                         "WHERE step LIKE 'silver.%'), 0)",
                                         batch_hi)[0][0]
                              .as<bool>();
        if (news) {
            std::string list;
            for (const auto &t : bronze_tables())
                list += (list.empty() ? "" : ", ") + t;
            nt.exec("ANALYZE " + list);  // names from the table above, not from input
        }
    }

    // Steps run on `jobs` sessions, each as soon as the steps it follows have committed (the
    // step table's `after`); the first session is the one holding the run lock.
    std::vector<std::unique_ptr<pqxx::connection>> extra;
    for (int j = 1; j < jobs; j++) {
        extra.push_back(std::make_unique<pqxx::connection>(opts.conninfo()));
        apply_batch_settings(*extra.back(), work_mem);
        pqxx::nontransaction nt(*extra.back());
        nt.exec("SET application_name = 'autopilot-etl run'");
    }
    const auto &steps = pipeline_steps();
    std::vector<StepState> state(steps.size(), StepState::pending);
    std::vector<StepFigures> figures(steps.size());
    std::string error;
    std::mutex mu;
    std::condition_variable changed;
    auto worker = [&](pqxx::connection &session) {
        std::unique_lock<std::mutex> lock(mu);
        for (;;) {
            if (!error.empty())
                return;
            const int i = next_ready_step(steps, state);
            if (i < 0) {
                const bool running = std::count(state.begin(), state.end(), StepState::running) > 0;
                if (!running)
                    return;  // everything done (or blocked behind a failure)
                changed.wait(lock);
                continue;
            }
            state[i] = StepState::running;
            lock.unlock();
            std::string failure;
            try {
                figures[i] = run_step(session, run_id, batch_hi, i + 1, steps[i]);
            } catch (const std::exception &e) {
                failure = "step " + steps[i].name + " failed: " + e.what();
            }
            lock.lock();
            state[i] = failure.empty() ? StepState::done : StepState::failed;
            if (!failure.empty() && error.empty())
                error = failure;
            if (failure.empty() && !quiet)
                log::info("run " + std::to_string(run_id) + ": " + format_step_line(steps[i].name, figures[i]));
            changed.notify_all();
        }
    };
    std::vector<std::thread> threads;
    for (auto &session : extra)
        threads.emplace_back(worker, std::ref(*session));
    worker(conn);
    for (auto &t : threads)
        t.join();
    if (error.empty() && std::count(state.begin(), state.end(), StepState::done) != static_cast<long>(steps.size()))
        error = "the step table has a dependency that never completes";
    if (!error.empty()) {
        mark_failed(conn, run_id, error, ms_since(t0));
        throw std::runtime_error("run " + std::to_string(run_id) + ": " + error +
                                 " (committed steps are kept; the next run resumes from their watermarks)");
    }
    StepFigures total;
    for (size_t i = 0; i < steps.size(); i++) {
        if (steps[i].name.rfind("silver.", 0) == 0) {
            total.rows_in += figures[i].rows_in;
            total.rows_out += figures[i].rows_out;
            total.rows_rejected += figures[i].rows_rejected;
        }
    }
    total.elapsed_ms = ms_since(t0);
    {
        pqxx::work tx(conn, "finish");
        tx.exec_params("UPDATE etl.runs SET status = 'succeeded', finished_at = clock_timestamp(), total_ms = $2 "
                       "WHERE run_id = $1",
                       run_id, total.elapsed_ms);
        tx.commit();
    }
    std::printf("run %lld: succeeded in %.2f s (bronze rows read %s, silver rows written %s, rejected %s)\n", run_id,
                total.elapsed_ms / 1000.0, group_digits(total.rows_in).c_str(), group_digits(total.rows_out).c_str(),
                group_digits(total.rows_rejected).c_str());
    return kExitOk;
}

}  // namespace autopilot::etl
