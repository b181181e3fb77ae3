// The service loop (see service.hpp). One daemon per database: a session advisory lock makes a
// second one wait, which also makes "an applying row is an orphan" true during reconcile.
#include "service.hpp"

#include "extension_check.hpp"
#include "log.hpp"
#include "reconcile.hpp"

#include <systemd/sd-daemon.h>
#include <thread>

namespace autopilot
{
namespace
{

// pg_try_advisory_lock(key1, key2): 'APLT', 1.
constexpr const char *kSingleDaemonLock = "SELECT pg_catalog.pg_try_advisory_lock(1095781460, 1)";
// Builds a previous daemon process left running (killed before the server noticed).
constexpr const char *kTerminateOrphanBuilds = R"SQL(
SELECT pg_catalog.pg_terminate_backend(pid) FROM pg_catalog.pg_stat_activity
 WHERE datname = pg_catalog.current_database() AND application_name LIKE 'autopilotd build %'
   AND pid <> pg_catalog.pg_backend_pid()
)SQL";
constexpr const char *kStatusCounts = R"SQL(
SELECT s.status, count(r.id) FROM autopilot.lifecycle_statuses s
  LEFT JOIN autopilot.recommendations r ON r.status = s.status GROUP BY s.status
)SQL";

log::Level level_of(const std::string &name)
{
    if (name == "debug")
        return log::Level::debug;
    if (name == "warning")
        return log::Level::warning;
    if (name == "error")
        return log::Level::error;
    return log::Level::info;
}

void notify_status(const std::string &status)
{
    sd_notify(0, ("STATUS=" + status).c_str());
}

double unix_now()
{
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

Service::Service(Options options, Config config, SignalWatcher &signals)
    : options_(std::move(options)), config_(std::move(config)), signals_(signals), steps_(make_cycle_steps())
{
    log::set_level(level_of(config_.log_level));
    uint64_t usec = 0;
    watchdog_enabled_ = sd_watchdog_enabled(0, &usec) > 0;
}

Service::~Service()
{
    disconnect();
}

void Service::heartbeat()
{
    if (!watchdog_enabled_)
        return;
    const auto now = std::chrono::steady_clock::now();
    if (now - last_watchdog_ >= std::chrono::seconds(1)) {
        sd_notify(0, "WATCHDOG=1");
        last_watchdog_ = now;
    }
}

bool Service::sleep_unless_stopped(std::chrono::milliseconds d)
{
    const auto until = std::chrono::steady_clock::now() + d;
    while (!signals_.stop && std::chrono::steady_clock::now() < until) {
        heartbeat();
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return !signals_.stop;
}

Context Service::context()
{
    return Context{config_, *db_, metrics_, state_, options_.dry_run, signals_.stop, [this] { heartbeat(); }};
}

void Service::connect()
{
    try {
        db_ = std::make_unique<pqxx::connection>(config_.conninfo);
    } catch (const std::exception &e) {
        throw ConnectionLost(e.what());
    }
    // A lost connection must surface as an error here, not be silently re-opened by libpqxx
    // (a new session would have lost the advisory lock).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    db_->inhibit_reactivation(true);
#pragma GCC diagnostic pop
    const std::string version = require_extension_version(*db_);  // ExtensionVersionError: exit 3
    {
        pqxx::nontransaction tx(*db_);
        tx.exec("SET application_name = 'autopilotd'");
        if (!tx.exec(kSingleDaemonLock)[0][0].as<bool>())
            throw ConnectionLost("another autopilotd is running on database \"" + std::string(db_->dbname()) +
                                 "\" (it holds the advisory lock)");
        tx.exec(kTerminateOrphanBuilds);
    }
    try {
        listener_ = std::make_unique<Listener>(config_.conninfo,
                                               std::vector<std::string>{"autopilot_approved", "autopilot_revert"});
    } catch (const ListenerError &e) {
        throw ConnectionLost(e.what());
    }
    metrics_.set("autopilot_database_up", 1);
    log::info("connected to database \"" + std::string(db_->dbname()) + "\" as \"" + db_->username() +
              "\" (extension autopilot " + version + ")");
    notify_status("connected to " + std::string(db_->dbname()));
    // Crash safety first: finish or undo whatever a previous process left half done.
    auto ctx = context();
    reconcile(ctx);
}

void Service::disconnect()
{
    listener_.reset();
    db_.reset();
    metrics_.set("autopilot_database_up", 0);
}

bool Service::run_step(CycleStep &step)
{
    auto ctx = context();
    try {
        step.run(ctx);
        return true;
    } catch (const pqxx::broken_connection &e) {
        throw ConnectionLost(e.what());
    } catch (const std::exception &e) {
        if (!db_->is_open())
            throw ConnectionLost(e.what());
        std::string message = e.what();
        while (!message.empty() && message.back() == '\n')
            message.pop_back();
        log::error("step " + std::string(step.name()) + " failed: " + message);
        metrics_.add("autopilot_cycle_failures_total", 1, "step=\"" + std::string(step.name()) + "\"");
        return false;
    }
}

bool Service::run_cycle()
{
    const auto started = std::chrono::steady_clock::now();
    bool ok = true;
    for (auto &step : steps_) {
        if (signals_.stop)
            break;
        if (signals_.reload)
            reload_config();
        heartbeat();
        log::debug("step " + std::string(step->name()));
        ok = run_step(*step) && ok;
    }
    refresh_recommendation_gauges();
    metrics_.add("autopilot_cycles_total");
    metrics_.set("autopilot_last_cycle_timestamp_seconds", unix_now());
    metrics_.set("autopilot_last_cycle_duration_seconds",
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    return ok;
}

void Service::refresh_recommendation_gauges()
{
    try {
        pqxx::nontransaction tx(*db_);
        auto rows = tx.exec(kStatusCounts);
        metrics_.clear("autopilot_recommendations");
        for (const auto &r : rows)
            metrics_.set("autopilot_recommendations", r[1].as<double>(), "status=\"" + r[0].as<std::string>() + "\"");
    } catch (const pqxx::broken_connection &e) {
        throw ConnectionLost(e.what());
    }
}

void Service::idle_until_next_cycle()
{
    const auto next = std::chrono::steady_clock::now() + config_.cycle_interval;
    notify_status("idle; waiting for approvals");
    while (!signals_.stop) {
        heartbeat();
        if (signals_.reload)
            reload_config();
        const auto now = std::chrono::steady_clock::now();
        if (now >= next)
            return;
        const auto wait = std::min<std::chrono::milliseconds>(
            std::chrono::milliseconds(500), std::chrono::duration_cast<std::chrono::milliseconds>(next - now));
        std::vector<Notification> notes;
        try {
            notes = listener_->wait(wait);
        } catch (const ListenerError &e) {
            throw ConnectionLost(e.what());
        }
        if (notes.empty())
            continue;
        for (const auto &n : notes)
            log::info("notification " + n.channel + " (recommendation " + n.payload + ")");
        // Approvals and reverts are the apply step's work; run it now rather than at the next cycle.
        for (auto &step : steps_)
            if (step->name() == "apply") {
                notify_status("applying");
                run_step(*step);
                refresh_recommendation_gauges();
            }
    }
}

void Service::reload_config()
{
    signals_.reload = false;
    if (!options_.config_given) {
        log::info("reload: no --config file; nothing to reload");
        return;
    }
    try {
        Config fresh = load_config(options_.config_path);
        const bool reconnect = fresh.conninfo != config_.conninfo;
        if (fresh.metrics_listen != config_.metrics_listen)
            log::warning("reload: a new metrics.listen takes effect at the next restart");
        config_ = std::move(fresh);
        log::set_level(level_of(config_.log_level));
        log::info("reloaded the configuration from " + options_.config_path);
        if (reconnect && db_) {
            log::info("reload: the conninfo changed; reconnecting");
            disconnect();
        }
    } catch (const ConfigError &e) {
        log::error(std::string("reload failed, keeping the previous configuration: ") + e.what());
    }
}

ExitCode Service::run()
{
    if (!config_.metrics_listen.empty()) {
        metrics_server_ = std::make_unique<MetricsServer>(metrics_);
        try {
            const int port = metrics_server_->start(config_.metrics_listen);
            const std::string host = config_.metrics_listen.substr(0, config_.metrics_listen.rfind(':'));
            log::info("metrics on http://" + host + ":" + std::to_string(port) + "/metrics");
            if (!is_loopback_host(host))
                log::warning("metrics.listen \"" + config_.metrics_listen + "\" is not a loopback address");
        } catch (const std::exception &e) {
            log::error(e.what());
            return ExitCode::failure;
        }
    }
    metrics_.set("autopilot_database_up", 0);
    // Ready once configured and serving metrics; being connected is a runtime state (STATUS=,
    // autopilot_database_up), so a database that is down does not fail the start-up.
    sd_notify(0, "READY=1\nSTATUS=connecting");
    log::info(std::string("autopilotd started") + (options_.dry_run ? " (dry run: nothing will be built)" : ""));
    auto backoff = std::chrono::milliseconds(1000);
    ExitCode result = ExitCode::ok;
    while (!signals_.stop) {
        try {
            if (!db_) {
                connect();
                backoff = std::chrono::milliseconds(1000);
            }
            notify_status("running a cycle");
            const bool ok = run_cycle();
            if (options_.once) {
                result = ok ? ExitCode::ok : ExitCode::failure;
                break;
            }
            idle_until_next_cycle();
        } catch (const ExtensionVersionError &e) {
            log::error(e.what());
            result = ExitCode::database;
            break;
        } catch (const ConnectionLost &e) {
            std::string message = e.what();
            while (!message.empty() && message.back() == '\n')
                message.pop_back();
            disconnect();
            if (options_.once) {
                log::error("database unavailable: " + message);
                result = ExitCode::failure;
                break;
            }
            log::warning("database unavailable (" + message + "); retrying in " + std::to_string(backoff.count()) +
                         " ms");
            notify_status("database unavailable; retrying");
            metrics_.add("autopilot_reconnects_total");
            sleep_unless_stopped(backoff);
            backoff = std::min(backoff * 2, config_.reconnect_backoff_max);
        }
    }
    sd_notify(0, "STOPPING=1");
    log::info("autopilotd stopped");
    disconnect();
    if (metrics_server_)
        metrics_server_->stop();
    return result;
}

}  // namespace autopilot
