// The collect and advise cycle stages (see advise_step.hpp).
#include "advise_step.hpp"

#include "learned_latency.hpp"
#include "log.hpp"

#include <pqxx/pqxx>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <limits>

namespace autopilot
{

namespace
{

// Bytes of the budget already committed: indexes autopilot built and keeps, plus the estimates of
// those approved or being built (apply enforces the same budget on the total).
constexpr const char *kBudgetCommitted = R"SQL(
SELECT coalesce(sum(CASE WHEN r.status IN ('applied', 'verified') THEN autopilot.relation_bytes(c.oid)
                         ELSE coalesce(r.estimated_bytes, 0) END), 0)::bigint
  FROM autopilot.recommendations r
  LEFT JOIN pg_catalog.pg_namespace n ON n.nspname = r.schema_name
  LEFT JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = r.index_name
 WHERE r.kind = 'create_index' AND r.status IN ('approved', 'applying', 'applied', 'verified')
)SQL";

// The advisor plans statements and reads relation sizes, which take AccessShareLock: behind a
// long-held exclusive lock it gives up on that statement (listed as not costed) instead of stalling
// the cycle.
constexpr const char *kLockTimeout = "SET lock_timeout = '2s'";
constexpr const char *kLockTimeoutReset = "RESET lock_timeout";

double number(const Config &c, const std::string &key, double fallback, double lo, double hi)
{
    const auto v = c.extra_value(key);
    if (!v)
        return fallback;
    double d = 0;
    try {
        size_t used = 0;
        d = std::stod(*v, &used);
        if (used != v->size())
            throw std::invalid_argument("trailing text");
    } catch (const std::exception &) {
        throw ConfigError(key, "must be a number, got \"" + *v + "\"");
    }
    if (!(d >= lo && d <= hi))
        throw ConfigError(key, "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
    return d;
}

double hours(const Config &c, const std::string &key, double fallback)
{
    const auto v = c.extra_value(key);
    if (!v)
        return fallback;
    try {
        const auto d = parse_duration(*v);
        if (d.count() <= 0)
            throw std::invalid_argument("must be positive");
        return double(d.count()) / 3.6e6;
    } catch (const std::invalid_argument &e) {
        throw ConfigError(key, e.what());
    }
}

struct LockTimeout {
    explicit LockTimeout(pqxx::connection_base &db) : db_(db)
    {
        pqxx::nontransaction tx(db_);
        tx.exec(kLockTimeout);
    }
    ~LockTimeout()
    {
        try {
            pqxx::nontransaction tx(db_);
            tx.exec(kLockTimeoutReset);
        } catch (const std::exception &) {
            // A broken connection is reported by the next statement; nothing to undo then.
        }
    }
    pqxx::connection_base &db_;
};

void describe_metrics(Metrics &m)
{
    m.describe("autopilot_samples_collected_total", "counter", "Captured samples drained into autopilot.samples.");
    m.describe("autopilot_advisor_seconds", "gauge", "How long the last advice took.");
    m.describe("autopilot_advisor_statements", "gauge", "Statements in the last advice's window.");
    m.describe("autopilot_whatif_calls_total", "counter", "What-if plans the advisor asked the server for.");
    m.describe("autopilot_whatif_cache_hit_ratio", "gauge", "Share of the last advice's cost lookups served by its cache.");
}

}  // namespace

AdviseSettings advise_settings(const Config &c)
{
    AdviseSettings s;
    AdvisorOptions &o = s.advisor;
    // 0 means no budget for apply; the advisor reads it the same way.
    o.budget_bytes = c.storage_budget_bytes == 0
                         ? std::numeric_limits<int64_t>::max() / 4
                         : int64_t(std::min<std::uint64_t>(c.storage_budget_bytes, std::uint64_t(1) << 60));
    o.budget_pct = number(c, "advisor.budget_pct", 0, 0, 1000);
    o.regression_threshold = number(c, "advisor.regression_threshold_pct", 10, 0, 1000) / 100;
    o.max_statements = size_t(number(c, "advisor.max_statements", double(o.max_statements), 1, 100000));
    o.candidates.max_key_columns = size_t(number(c, "advisor.max_key_columns", 3, 1, 32));
    o.candidates.min_table_rows = number(c, "advisor.min_table_rows", o.candidates.min_table_rows, 0, 1e15);
    o.samples_max_rows = int64_t(number(c, "advisor.samples_max_rows", double(o.samples_max_rows), 0, 1e12));
    if (auto keep = c.extra_value("advisor.samples_keep")) {
        hours(c, "advisor.samples_keep", 0);  // validates
        o.samples_keep = pg_interval(parse_duration(*keep));
    }
    if (auto v = c.extra_value("advisor.collect_samples")) {
        if (*v != "true" && *v != "false")
            throw ConfigError("advisor.collect_samples", "must be true or false, got \"" + *v + "\"");
        s.collect_samples = *v == "true";
    }
    s.window_hours = hours(c, "advisor.window", 24);
    s.min_window_hours = hours(c, "advisor.min_window", 1);
    if (s.min_window_hours > s.window_hours)
        throw ConfigError("advisor.min_window", "must not be longer than advisor.window");
    return s;
}

void SnapshotWindow::add(PssSnapshot snapshot)
{
    if (!kept_.empty() &&
        (kept_.back().reset_at != snapshot.reset_at || kept_.back().taken_at >= snapshot.taken_at))
        kept_.clear();
    // Thin: keep one snapshot per hours/max_kept; the newest always replaces a too-recent one.
    const double spacing = hours_ * 3600 / double(max_kept_);
    if (kept_.size() >= 2 && snapshot.taken_at - kept_[kept_.size() - 2].taken_at < spacing)
        kept_.back() = std::move(snapshot);
    else
        kept_.push_back(std::move(snapshot));
    const double newest = kept_.back().taken_at;
    while (kept_.size() > 1 && newest - kept_.front().taken_at > hours_ * 3600)
        kept_.pop_front();
    while (kept_.size() > max_kept_ + 1)
        kept_.pop_front();
}

const PssSnapshot *SnapshotWindow::base() const
{
    if (kept_.size() < 2 || kept_.back().taken_at - kept_.front().taken_at < min_hours_ * 3600)
        return nullptr;
    return &kept_.front();
}

std::shared_ptr<const LatencyPredictor> latency_predictor_for(Context &ctx)
{
    // Everything else in the advisor goes through the LatencyPredictor interface.
    return ctx.state.get<ActiveLatency>().predictor();
}

void CollectStep::run(Context &ctx)
{
    const AdviseSettings s = advise_settings(ctx.config);
    AdvisorState &state = ctx.state.get<AdvisorState>();
    describe_metrics(ctx.metrics);
    state.window.set_span(s.window_hours, s.min_window_hours);
    const int64_t drained =
        s.collect_samples ? drain_samples(ctx.db, s.advisor.samples_max_rows, s.advisor.samples_keep) : 0;
    if (drained > 0) {
        ctx.metrics.add("autopilot_samples_collected_total", double(drained));
        log::debug("collect: " + std::to_string(drained) + " captured samples stored");
    }
    state.window.add(snapshot_statements(ctx.db));
}

void AdviseStep::run(Context &ctx)
{
    AdviseSettings s = advise_settings(ctx.config);
    AdvisorState &state = ctx.state.get<AdvisorState>();
    s.advisor.drain = false;  // collect did it this cycle
    {
        pqxx::nontransaction tx(ctx.db);
        const int64_t committed = tx.exec(kBudgetCommitted)[0][0].as<int64_t>();
        s.advisor.budget_bytes = std::max<int64_t>(0, s.advisor.budget_bytes - committed);
    }
    const std::shared_ptr<const LatencyPredictor> latency = latency_predictor_for(ctx);
    AdviceReport report;
    {
        LockTimeout guard(ctx.db);
        report = run_advisor(ctx.db, s.advisor, *latency, state.window.base());
    }
    ctx.heartbeat();
    ctx.metrics.set("autopilot_advisor_seconds", report.seconds);
    ctx.metrics.set("autopilot_advisor_statements", double(report.statements));
    ctx.metrics.add("autopilot_whatif_calls_total", double(report.whatif.calls + report.drop_whatif_calls));
    ctx.metrics.set("autopilot_whatif_cache_hit_ratio", report.whatif.hit_rate());

    if (ctx.dry_run) {
        print_report(report, std::cout);
        std::cout.flush();
        return;
    }
    if (report.statements == 0) {
        // A quiet window says nothing about the indexes: keep the current advice.
        log::info("advise: no statements in the window; the pending advice is kept");
        return;
    }
    const AdviceWrite written = write_recommendations(ctx.db, report);
    for (const auto &r : report.creates)
        log::info("advise: " + r.index.describe() + " (" + human_bytes(r.bytes) + ", " +
                  std::to_string(int(std::lround(r.benefit_ms_per_hour))) + " ms/h, " +
                  std::to_string(r.affected.size()) + " statements)");
    log::info("advise: " + std::to_string(report.statements) + " statements, " +
              std::to_string(written.ids.size()) + " recommendations recorded, " +
              std::to_string(written.superseded) + " superseded, " + std::to_string(report.uncostable.size()) +
              " statements not costed; " + std::to_string(report.whatif.calls) + " what-if calls in " +
              std::to_string(report.seconds) + " s");
}

}  // namespace autopilot
