// Orchestrates one load (generate.hpp): schemas, batch bookkeeping, the day skeletons, parallel
// COPY over several connections, truth, and the final mark that makes the batch visible.
//
// Failure model: bronze rows carry their batch id; a batch is 'loading' until the last step sets
// it 'complete' in the same transaction that writes its truth rows. A load that dies (lost
// connection, error, kill) leaves its batch 'loading' or 'failed'; the next generate deletes
// those rows before it starts, so nothing half-loaded is ever read as complete.
#include "generate.hpp"

#include "gen_listings.hpp"

#include "autopilot/etl_sql.hpp"
#include "autopilot/version.hpp"
#include "bronze_rows.hpp"
#include "cli.hpp"
#include "pg_copy.hpp"
#include "progress.hpp"
#include "truth_rows.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <atomic>
#include <cmath>
#include <functional>
#include <memory>
#include <mutex>
#include <sys/stat.h>
#include <thread>

namespace autopilot::etl {

namespace {

const std::vector<std::string> kBronzeTables = {"stores", "promotions", "products", "customers", "orders",
                                                "order_items", "inventory_movements", "reviews", "sessions",
                                                "clickstream_events"};
const std::vector<std::string> kTruthTables = {"generation", "calendar", "city_demand", "store_demand",
                                               "product_demand", "promotions", "price_changes", "anomalies",
                                               "customer_segments", "planted_dirt", "attribute_changes"};
// Held for the whole load: two generates on one database would interleave batches.
constexpr const char *kLockKey = "7436, 6";
constexpr int kClickLookback = 11;  // late events land up to 8 days after they happen

struct Job {
    std::string table;  // bronze table
    std::function<void(RowWriter &, DirtLog &)> run;
};

// Runs the jobs on `sinks.size()` threads, each job on whichever thread is free. Rows are the same
// whatever the assignment: every writer is a pure function of the world and the batch.
void run_jobs(const std::vector<Job> &jobs, std::vector<std::unique_ptr<CopySink>> &sinks,
              std::atomic<int64_t> &progress, std::map<std::string, int64_t> &rows, DirtLog &dirt)
{
    std::atomic<size_t> next{0};
    std::atomic<bool> failed{false};
    std::mutex mu;
    std::string first_error;
    std::vector<std::thread> threads;
    for (size_t t = 0; t < sinks.size(); ++t) {
        threads.emplace_back([&, t] {
            DirtLog local;
            try {
                for (size_t j; !failed && (j = next++) < jobs.size();) {
                    RowWriter w(*sinks[t], "bronze." + jobs[j].table,
                                bronze_columns(jobs[j].table) + ", _ingested_at, _batch_id", &progress);
                    jobs[j].run(w, local);
                    w.close();
                    std::lock_guard<std::mutex> g(mu);
                    rows[jobs[j].table] += w.rows();
                }
            } catch (const std::exception &e) {
                failed = true;
                std::lock_guard<std::mutex> g(mu);
                if (first_error.empty())
                    first_error = e.what();
            }
            std::lock_guard<std::mutex> g(mu);
            dirt.insert(dirt.end(), local.begin(), local.end());
        });
    }
    for (auto &th : threads)
        th.join();
    if (failed)
        throw DbError(first_error);
}

std::vector<DayOrders> build_days(const Population &pop, Day from, Day to, int threads)
{
    std::vector<DayOrders> days(static_cast<size_t>(std::max(0, to - from + 1)));
    std::atomic<size_t> next{0};
    std::vector<std::thread> ts;
    for (int t = 0; t < threads; ++t)
        ts.emplace_back([&] {
            for (size_t i; (i = next++) < days.size();)
                days[i] = make_day_orders(pop, from + static_cast<Day>(i));
        });
    for (auto &t : ts)
        t.join();
    return days;
}

std::vector<Job> bronze_jobs(const LoadContext &ctx, int jobs)
{
    std::vector<Job> out;
    // Clickstream is ~85% of the rows: split it by days so every connection gets a share.
    const Day cfrom = std::max(kEpoch, ctx.batch.first - kClickLookback);
    const Day cto = ctx.batch.last;
    const int chunks = std::max(1, std::min(cto - cfrom + 1, jobs * 6));
    for (int c = 0; c < chunks; ++c) {
        const Day a = cfrom + static_cast<Day>((static_cast<int64_t>(cto - cfrom + 1) * c) / chunks);
        const Day b = cfrom + static_cast<Day>((static_cast<int64_t>(cto - cfrom + 1) * (c + 1)) / chunks) - 1;
        out.push_back({"clickstream_events", [&ctx, a, b](RowWriter &w, DirtLog &d) { write_clickstream(ctx, a, b, w, d); }});
    }
    const Day sfrom = std::max(kEpoch, ctx.batch.first - 1);
    const Day smid = sfrom + (cto - sfrom) / 2;
    out.push_back({"sessions", [&ctx, sfrom, smid](RowWriter &w, DirtLog &) { write_sessions(ctx, sfrom, smid, w); }});
    out.push_back({"sessions", [&ctx, smid, cto](RowWriter &w, DirtLog &) { write_sessions(ctx, smid + 1, cto, w); }});
    out.push_back({"inventory_movements", [&ctx](RowWriter &w, DirtLog &) { write_inventory_movements(ctx, w); }});
    out.push_back({"order_items", [&ctx](RowWriter &w, DirtLog &d) { write_order_items(ctx, w, d); }});
    out.push_back({"orders", [&ctx](RowWriter &w, DirtLog &d) { write_orders(ctx, w, d); }});
    out.push_back({"reviews", [&ctx](RowWriter &w, DirtLog &) { write_reviews(ctx, w); }});
    out.push_back({"customers", [&ctx](RowWriter &w, DirtLog &d) { write_customers(ctx, w, d); }});
    out.push_back({"products", [&ctx](RowWriter &w, DirtLog &d) { write_products(ctx, w, d); }});
    out.push_back({"promotions", [&ctx](RowWriter &w, DirtLog &) { write_promotions(ctx, w); }});
    out.push_back({"stores", [&ctx](RowWriter &w, DirtLog &) { write_stores(ctx, w); }});
    return out;
}

std::string json_counts(const std::map<std::string, int64_t> &rows)
{
    std::string s = "{";
    for (const auto &[k, v] : rows) {
        if (s.size() > 1)
            s += ", ";
        s += "\"" + k + "\": " + std::to_string(v);
    }
    return s + "}";
}

std::string fmt_double(double v)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
}

// Deletes the rows of loads that never completed (a crash, a lost connection) and marks them failed.
void clean_incomplete(PgConnection &db)
{
    auto ids = db.query("SELECT batch_id FROM bronze.load_batches WHERE status IN ('loading', 'failed') "
                        "AND (row_counts IS NULL OR row_counts <> '{\"cleaned\": true}'::jsonb)");
    for (const auto &r : ids) {
        db.exec("BEGIN");
        for (const auto &t : kBronzeTables)
            db.query("DELETE FROM bronze." + t + " WHERE _batch_id = $1", {r[0]});
        db.query("UPDATE bronze.load_batches SET status = 'failed', row_counts = '{\"cleaned\": true}', "
                 "error = coalesce(error, 'incomplete load removed by a later generate') WHERE batch_id = $1", {r[0]});
        db.exec("COMMIT");
    }
}

}  // namespace

int64_t expected_rows(double scale, int days)
{
    const double per_year = TargetCounts::customers + TargetCounts::products + TargetCounts::orders +
                            TargetCounts::order_items + TargetCounts::inventory_movements + TargetCounts::reviews +
                            TargetCounts::sessions + TargetCounts::clickstream_events;
    return static_cast<int64_t>(per_year * scale * days / 365.0);
}

GenerateResult generate(const GenerateOptions &opts)
{
    const double t0 = monotonic_seconds();
    // AUTOPILOT_ETL_TIMING=1 prints the time of each phase (for bench/load investigations).
    const bool timing = std::getenv("AUTOPILOT_ETL_TIMING") != nullptr;
    double tp = t0;
    auto phase = [&](const char *name) {
        if (!timing)
            return;
        const double now = monotonic_seconds();
        std::fprintf(stderr, "generate: %-10s %.2f s\n", name, now - tp);
        tp = now;
    };
    GenerateResult res;
    const bool to_files = !opts.output_dir.empty();
    std::unique_ptr<PgConnection> db;
    Batch batch{1, kEpoch, kEpoch + kHistoryDays - 1, true};
    double scale = opts.scale;
    uint64_t seed = opts.seed;

    if (!to_files) {
        db = std::make_unique<PgConnection>(opts.conninfo, "autopilot-etl generate");
        db->exec("SET client_min_messages = warning");
        auto lock = db->query(std::string("SELECT pg_try_advisory_lock(") + kLockKey + ")");
        if (lock.empty() || lock[0][0] != "t")
            throw DbError("another autopilot-etl generate is loading this database");
        // The schemas are created (or completed) on every run: the DDL is idempotent.
        db->exec(std::string(sql::kBronze));
        db->exec(std::string(sql::kTruth));
        clean_incomplete(*db);
        auto last = db->query("SELECT batch_id, last_day, seed, scale FROM bronze.load_batches "
                              "WHERE status = 'complete' ORDER BY batch_id DESC LIMIT 1");
        auto next_id = db->query("SELECT coalesce(max(batch_id), 0) + 1 FROM bronze.load_batches");
        batch.id = std::stoll(next_id[0][0]);
        if (opts.append) {
            if (last.empty())
                throw UsageError("nothing to append to: bronze has no complete load (run generate without --append first)");
            const uint64_t prev_seed = std::stoull(last[0][2]);
            const double prev_scale = std::stod(last[0][3]);
            if (opts.seed_given && prev_seed != seed)
                throw UsageError("--seed " + std::to_string(seed) + " differs from the loaded data's seed " + last[0][2]);
            if (opts.scale_given && std::fabs(prev_scale - scale) > 1e-12)
                throw UsageError("--scale differs from the loaded data's scale " + last[0][3]);
            seed = prev_seed;
            scale = prev_scale;
            Day last_day;
            if (!parse_date(last[0][1], last_day))
                throw DbError("bronze.load_batches has an unreadable last_day: " + last[0][1]);
            batch.first = last_day + 1;
            batch.last = last_day + opts.days;
            batch.initial = false;
            if (batch.last >= kEpoch + 5 * 365 - kLookbackDays)
                throw UsageError("appending " + std::to_string(opts.days) + " days goes past the generator's horizon (" +
                                 format_date(kEpoch + 5 * 365 - kLookbackDays) + ")");
        } else {
            // A fresh generation replaces bronze and truth; earlier batches stay listed as replaced.
            db->exec("BEGIN");
            for (const auto &t : kBronzeTables)
                db->exec("TRUNCATE bronze." + t);
            for (const auto &t : kTruthTables)
                db->exec("TRUNCATE truth." + t);
            db->exec("UPDATE bronze.load_batches SET status = 'replaced' WHERE status = 'complete'");
            db->exec("COMMIT");
        }
        db->query("INSERT INTO bronze.load_batches (batch_id, kind, status, seed, scale, first_day, last_day, generator_version) "
                  "VALUES ($1, $2, 'loading', $3, $4, $5, $6, $7)",
                  {std::to_string(batch.id), batch.initial ? "initial" : "append", std::to_string(seed), fmt_double(scale),
                   format_date(batch.first), format_date(batch.last), autopilot::kVersion});
    }
    phase("prepare");
    res.batch_id = batch.id;
    res.kind = batch.initial ? "initial" : "append";
    res.first_day = format_date(batch.first);
    res.last_day = format_date(batch.last);

    const int threads = std::max(1, opts.jobs);
    const World world(seed, scale);
    const Population pop(world, batch.last);
    const Day days_from = std::max(kEpoch, batch.first - kLookbackDays);
    const std::vector<DayOrders> days = build_days(pop, days_from, batch.last, threads);
    const LoadContext ctx{world, pop, batch, days_from, days};
    phase("world");

    // Loader connections: each loads its share in one transaction, committed only when all
    // shares are in (a failure rolls every share back that has not committed).
    std::vector<std::unique_ptr<PgConnection>> conns;
    std::vector<std::unique_ptr<CopySink>> sinks;
    for (int t = 0; t < threads; ++t) {
        if (to_files) {
            sinks.push_back(std::make_unique<FileCopySink>(opts.output_dir, t));
        } else {
            conns.push_back(std::make_unique<PgConnection>(opts.conninfo, "autopilot-etl generate"));
            conns.back()->exec("SET client_min_messages = warning");
            conns.back()->exec("BEGIN");
            sinks.push_back(std::make_unique<PgCopySink>(*conns.back()));
        }
    }
    if (to_files)
        ::mkdir(opts.output_dir.c_str(), 0755);

    std::atomic<int64_t> progress{0};
    DirtLog dirt;
    try {
        const ProgressBar bar("generate", expected_rows(scale, batch.last - batch.first + 1), progress, opts.progress);
        run_jobs(bronze_jobs(ctx, threads), sinks, progress, res.rows, dirt);
        for (auto &c : conns)
            c->exec("COMMIT");
    } catch (const std::exception &e) {
        sinks.clear();  // stops their sender threads before the connections are touched again
        for (auto &c : conns)
            c->exec_quietly("ROLLBACK");
        if (db) {
            db->exec_quietly("UPDATE bronze.load_batches SET status = 'failed', finished_at = now(), error = " +
                             std::string("'load failed'") + " WHERE batch_id = " + std::to_string(batch.id));
        }
        throw DbError(std::string(e.what()) + " (batch " + std::to_string(batch.id) +
                      " is marked incomplete; run generate again to reload it)");
    }
    for (const auto &[t, n] : res.rows)
        res.total_rows += n;
    phase("bronze");

    // Truth and the completion mark, atomically.
    if (db) {
        gen::load_resale_listings(opts.conninfo, world, batch.id, batch.first, batch.last, batch.initial);
        std::sort(dirt.begin(), dirt.end(), [](const DirtRecord &a, const DirtRecord &b) {
            return std::tie(a.table, a.kind, a.key) < std::tie(b.table, b.kind, b.key);
        });
        db->exec("BEGIN");
        db->query("INSERT INTO truth.generation VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb)",
                  {std::to_string(batch.id), res.kind, std::to_string(seed), fmt_double(scale), res.first_day,
                   res.last_day, autopilot::kVersion,
                   "{\"epoch\": \"" + format_date(kEpoch) + "\", \"base_orders_per_day\": " + fmt_double(world.base_orders_per_day()) +
                       ", \"base_sessions_per_day\": " + fmt_double(world.base_sessions_per_day()) +
                       ", \"online_share\": " + fmt_double(world.online_share()) + "}"});
        PgCopySink sink(*db);
        for (const auto &tt : truth_tables()) {
            RowWriter w(sink, tt.table, tt.columns);
            tt.write(ctx, w);
            w.close();
        }
        {
            RowWriter w(sink, "truth.planted_dirt", "batch_id, table_name, kind, key, column_name, detail");
            write_planted_dirt(ctx, dirt, w);
            w.close();
        }
        {
            RowWriter w(sink, "truth.attribute_changes", "batch_id, table_name, key, column_name, old_value, new_value, changed_at");
            write_attribute_changes(ctx, attribute_changes(ctx), w);
            w.close();
        }
        db->query("UPDATE bronze.load_batches SET status = 'complete', finished_at = now(), row_counts = $2::jsonb "
                  "WHERE batch_id = $1",
                  {std::to_string(batch.id), json_counts(res.rows)});
        db->exec("COMMIT");
        phase("truth");
        // No ANALYZE here: it cost as much as the load itself in bench/load; the ETL reads bronze
        // sequentially by batch, and autovacuum analyzes the tables in the background.
    }
    res.seconds = monotonic_seconds() - t0;
    return res;
}

}  // namespace autopilot::etl
