// Routes and handlers of autopilot-web. Errors map to statuses in one place (route()): BadRequest
// -> 400, permission -> 403, a refused lifecycle transition -> 409, database down -> 503.
#include "server.hpp"

#include "log.hpp"
#include "queries.hpp"
#include "sales_source.hpp"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace autopilot::web {

namespace {

using json = nlohmann::json;

class Forbidden : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

void send_json(httplib::Response &res, const std::string &body, int status = 200)
{
    res.status = status;
    res.set_content(body, "application/json; charset=utf-8");
}

void send_error(httplib::Response &res, int status, const std::string &message)
{
    send_json(res, json{{"error", message}}.dump(), status);
}

std::map<std::string, std::string> query_params(const httplib::Request &req)
{
    std::map<std::string, std::string> out;
    for (const auto &[k, v] : req.params)
        out[k] = v;
    return out;
}

std::string read_file(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return {};
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace

App::App(Options options)
    : options_(std::move(options)), pool_(options_.conninfo, 8), sessions_(std::chrono::minutes(options_.session_minutes))
{
    if (options_.static_dir.empty())
        options_.static_dir = AUTOPILOT_WEB_STATIC_DIR;
    if (options_.login_conninfo.empty())
        options_.login_conninfo = options_.conninfo;
    metrics_.declare("autopilot_web_requests_total", "counter", "HTTP requests by route, method and status");
    metrics_.declare_histogram("autopilot_web_request_duration_seconds", "HTTP request latency by route",
                               {0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2, 5});
    metrics_.declare("autopilot_web_sessions", "gauge", "Logged-in administrator sessions");
    add_routes();
}

bool App::listen()
{
    server_.set_default_headers({{"X-Content-Type-Options", "nosniff"},
                                 {"X-Frame-Options", "DENY"},
                                 {"Referrer-Policy", "no-referrer"},
                                 {"Content-Security-Policy",
                                  "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                                  "object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"}});
    log::info("autopilot-web listening on http://" + options_.listen + ":" + std::to_string(options_.port) + "/");
    return server_.listen(options_.listen.c_str(), options_.port);
}

void App::route(const char *method, const std::string &pattern, const std::string &name, Handler h)
{
    auto wrapped = [this, h, name, method](const httplib::Request &req, httplib::Response &res) {
        const auto start = std::chrono::steady_clock::now();
        try {
            h(req, res);
        } catch (const BadRequest &e) {
            send_error(res, 400, e.what());
        } catch (const Forbidden &e) {
            send_error(res, 403, e.what());
        } catch (const pqxx::broken_connection &e) {
            log::warning(std::string("database unavailable: ") + e.what());
            send_error(res, 503, "the database is unavailable; try again shortly");
        } catch (const pqxx::insufficient_privilege &e) {
            send_error(res, 403, std::string("permission denied: ") + e.what());
        } catch (const pqxx::sql_error &e) {
            log::error("query failed on " + name + ": " + e.what());
            send_error(res, 500, "query failed");
        } catch (const std::exception &e) {
            log::error("request " + name + " failed: " + e.what());
            send_error(res, 500, "internal error");
        }
        const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        metrics_.inc("autopilot_web_requests_total",
                     {{"route", name}, {"method", method}, {"status", std::to_string(res.status)}});
        metrics_.observe("autopilot_web_request_duration_seconds", {{"route", name}}, secs);
    };
    if (std::string(method) == "GET")
        server_.Get(pattern, wrapped);
    else
        server_.Post(pattern, wrapped);
}

void App::add_routes()
{
    server_.set_mount_point("/static", options_.static_dir);
    server_.set_mount_point("/vendor/chart.js", "/usr/share/javascript/chart.js");
    server_.set_mount_point("/vendor/leaflet", "/usr/share/javascript/leaflet");

    route("GET", "/", "page_sales", [this](auto &, auto &res) { page(res, "index.html"); });
    route("GET", "/optimizer", "page_optimizer", [this](auto &, auto &res) { page(res, "optimizer.html"); });
    route("GET", "/authenticity", "page_authenticity", [this](auto &, auto &res) { page(res, "authenticity.html"); });
    route("GET", "/api/health", "health", [](auto &, auto &res) { send_json(res, R"({"status":"ok"})"); });

    route("GET", "/api/filters", "filters", [this](auto &req, auto &res) { filters(req, res); });
    for (std::string what : {"kpis", "trend", "top", "map"})
        route("GET", "/api/sales/" + what, "sales_" + what, [this, what](auto &req, auto &res) { sales(req, res, what); });
    route("GET", "/api/anomalies", "anomalies", [this](auto &req, auto &res) { mining(req, res, "anomalies"); });
    route("GET", "/api/segments", "segments", [this](auto &req, auto &res) { mining(req, res, "segments"); });
    route("GET", "/api/forecast", "forecast", [this](auto &req, auto &res) { mining(req, res, "forecast"); });
    route("POST", "/api/authenticity/check", "authenticity_check",
          [this](auto &req, auto &res) { check_listing(req, res); });

    route("GET", "/api/recommendations", "recommendations", [this](auto &req, auto &res) { recommendations(req, res); });
    route("POST", R"(/api/recommendations/(\d+)/approve)", "approve",
          [this](auto &req, auto &res) { decide(req, res, true); });
    route("POST", R"(/api/recommendations/(\d+)/reject)", "reject",
          [this](auto &req, auto &res) { decide(req, res, false); });
    route("GET", "/api/optimizer/events", "optimizer_events",
          [this](auto &, auto &res) { optional_table(res, "autopilot.recommendation_events"); });
    route("GET", "/api/optimizer/statements", "optimizer_statements", [this](auto &req, auto &res) {
        const int limit = int_param(query_params(req), "limit", 20, 1, 200);
        auto lease = pool_.acquire();
        if (!relation_exists(*lease, "public.pg_stat_statements") && !relation_exists(*lease, "pg_stat_statements"))
            return send_json(res, R"({"available":false})");
        send_json(res, "{\"available\":true,\"rows\":" + query_json(*lease, sql::kTopStatements, limit) + "}");
    });
    route("GET", "/api/optimizer/clusters", "optimizer_clusters",
          [this](auto &, auto &res) { optional_table(res, "autopilot.workload_clusters"); });
    route("GET", "/api/optimizer/models", "optimizer_models",
          [this](auto &, auto &res) { optional_table(res, "autopilot.models"); });
    route("GET", "/api/optimizer/capture", "optimizer_capture",
          [this](auto &, auto &res) { optional_table(res, "autopilot.capture_status"); });

    route("POST", "/api/login", "login", [this](auto &req, auto &res) { login(req, res); });
    route("POST", "/api/logout", "logout", [this](auto &req, auto &res) { logout(req, res); });
    route("GET", "/api/session", "session", [this](auto &req, auto &res) { session_info(req, res); });

    server_.Get("/metrics", [this](const httplib::Request &, httplib::Response &res) {
        metrics_.set("autopilot_web_sessions", {}, static_cast<double>(sessions_.size()));
        database_gauges();
        res.set_content(metrics_.render(), "text/plain; version=0.0.4; charset=utf-8");
    });
}

// State read from the database at scrape time; a source that does not exist yet (or that this role
// may not read) is skipped, never an error of the scrape.
void App::database_gauges()
{
    auto gauge = [this](const std::string &name, const std::string &help, const prometheus::Labels &labels, double v) {
        metrics_.declare(name, "gauge", help);
        metrics_.set(name, labels, v);
    };
    try {
        auto lease = pool_.acquire();
        metrics_.declare("autopilot_web_database_up", "gauge", "1 when the dashboard reaches PostgreSQL");
        metrics_.set("autopilot_web_database_up", {}, 1);
        auto try_json = [&](const char *relation, const char *sql) -> json {
            try {
                if (!relation_exists(*lease, relation))
                    return nullptr;
                return json::parse(query_json(*lease, sql));
            } catch (const pqxx::sql_error &) {
                return nullptr;
            }
        };
        if (auto c = try_json("autopilot.capture_status", sql::kCaptureGauges); c.is_object()) {
            // The ring's counters only grow (until a server restart): exported as counters.
            static const std::pair<const char *, const char *> counters[] = {
                {"sampled", "autopilot_capture_sampled_total"},
                {"dropped", "autopilot_capture_dropped_total"},
                {"drained", "autopilot_capture_drained_total"},
                {"truncated", "autopilot_capture_truncated_total"}};
            for (const auto &[key, name] : counters)
                if (c[key].is_number()) {
                    metrics_.declare(name, "counter", std::string("Capture ring: statements ") + key);
                    metrics_.set(name, {}, c[key].get<double>());
                }
            if (c["used_bytes"].is_number())
                gauge("autopilot_capture_used_bytes", "Capture ring: bytes in use", {}, c["used_bytes"].get<double>());
            if (c["capacity_bytes"].is_number())
                gauge("autopilot_capture_capacity_bytes", "Capture ring: capacity", {}, c["capacity_bytes"].get<double>());
        }
        if (auto e = try_json("etl.runs", sql::kEtlGauges); e.is_object()) {
            if (e["finished"].is_number())
                gauge("autopilot_etl_last_run_timestamp_seconds", "End of the last ETL run", {}, e["finished"].get<double>());
            if (e["total_ms"].is_number())
                gauge("autopilot_etl_last_run_duration_seconds", "Duration of the last ETL run", {},
                      e["total_ms"].get<double>() / 1000.0);
            gauge("autopilot_etl_last_run_succeeded", "1 when the last ETL run succeeded", {},
                  e["succeeded"].is_boolean() && e["succeeded"].get<bool>() ? 1 : 0);
            for (auto &st : e["steps"])
                if (st["step"].is_string() && st["rows_out"].is_number())
                    gauge("autopilot_etl_step_rows", "Rows written by each step of the last ETL run",
                          {{"step", st["step"].get<std::string>()}}, st["rows_out"].get<double>());
        }
        if (auto m = try_json("autopilot.models", sql::kModelGauges); m.is_object())
            for (auto &[k, v] : m.items())
                if (v.is_number())
                    gauge("autopilot_model_metric", "Metrics of the active latency model", {{"name", k}}, v.get<double>());
    } catch (const std::exception &) {
        metrics_.declare("autopilot_web_database_up", "gauge", "1 when the dashboard reaches PostgreSQL");
        metrics_.set("autopilot_web_database_up", {}, 0);
    }
}

void App::page(httplib::Response &res, const std::string &file)
{
    const std::string body = read_file(options_.static_dir + "/" + file);
    if (body.empty())
        return send_error(res, 404, "page not found");
    res.set_content(body, "text/html; charset=utf-8");
}

bool App::relation_exists(pqxx::connection &c, const std::string &name)
{
    pqxx::read_transaction tx(c);
    auto r = tx.exec_params(sql::kRelationExists, name);
    return !r.empty() && r[0][0].as<bool>();
}

KnownValues App::known_values()
{
    const auto now = std::chrono::steady_clock::now();
    {
        std::lock_guard<std::mutex> lock(known_mutex_);
        if (known_loaded_ != std::chrono::steady_clock::time_point{} && now - known_loaded_ < std::chrono::seconds(60))
            return known_;
    }
    KnownValues k;
    auto lease = pool_.acquire();
    if (relation_exists(*lease, "gold.fact_sales")) {
        auto j = json::parse(query_json(*lease, sql::kKnownValues));
        for (auto &v : j["brands"])
            k.brands.insert(v.get<std::string>());
        for (auto &v : j["categories"])
            k.categories.insert(v.get<std::string>());
        for (auto &v : j["cities"])
            k.cities.insert(v.get<std::string>());
        for (auto &v : j["channels"])
            k.channels.insert(v.get<std::string>());
        for (auto &v : j["stores"])
            k.stores.insert(v["store"].get<std::string>());
        if (j["min_date"].is_string())
            k.min_date = j["min_date"].get<std::string>();
        if (j["max_date"].is_string())
            k.max_date = j["max_date"].get<std::string>();
    }
    std::lock_guard<std::mutex> lock(known_mutex_);
    known_ = k;
    known_loaded_ = now;
    return k;
}

void App::filters(const httplib::Request &, httplib::Response &res)
{
    auto lease = pool_.acquire();
    if (!relation_exists(*lease, "gold.fact_sales"))
        return send_json(res, R"({"available":false})");
    send_json(res, query_json(*lease, sql::kKnownValues));
}

void App::sales(const httplib::Request &req, httplib::Response &res, const std::string &what)
{
    const auto params = query_params(req);
    const KnownValues known = known_values();
    if (known.max_date.empty())
        return send_error(res, 404, "no sales data: run autopilot-etl generate and autopilot-etl run first");
    const SalesFilter f = parse_sales_filter(params, known);
    // source=facts answers from gold.fact_sales even when an aggregate could (tests compare both).
    const bool facts_only = enum_param(params, "source", {"auto", "facts"}, "auto") == "facts";
    std::string body, relation;
    auto run = [&](SalesView view, const auto &...extra) {
        const SalesSource src = choose_sales_source(view, f, facts_only);
        relation = src.relation;
        auto lease = pool_.acquire();
        body = query_json(*lease, src.sql, f.from, f.to, f.brand, f.category, f.city, f.channel, f.store, extra...);
    };
    if (what == "kpis") {
        run(SalesView::kpis);
    } else if (what == "trend") {
        run(SalesView::trend, enum_param(params, "grain", {"day", "week"}, "day"));
    } else if (what == "top") {
        const std::string by = enum_param(params, "by", {"sku", "brand"}, "sku");
        const int limit = int_param(params, "limit", 10, 1, 100);
        run(by == "sku" ? SalesView::top_skus : SalesView::top_brands, limit);
    } else {
        run(SalesView::store_map);
    }
    const std::string envelope = json{{"from", f.from}, {"to", f.to}, {"source", relation}}.dump();
    send_json(res, envelope.substr(0, envelope.size() - 1) + ",\"data\":" + body + "}");
}

// Mining results: {"available": false} until `autopilot-etl mine` has run.
void App::mining(const httplib::Request &req, httplib::Response &res, const std::string &what)
{
    auto lease = pool_.acquire();
    if (!relation_exists(*lease, "mining.model_runs"))
        return send_json(res, R"({"available":false})");
    std::string rows;
    if (what == "segments") {
        rows = query_json(*lease, sql::kSegments);
    } else {
        const KnownValues known = known_values();
        const SalesFilter f = parse_sales_filter(query_params(req), known);
        rows = what == "anomalies" ? query_json(*lease, sql::kAnomalies, f.from, f.to)
                                   : query_json(*lease, sql::kForecast, f.brand, f.category, f.city);
    }
    send_json(res, "{\"available\":true,\"rows\":" + rows + "}");
}

// A table or view another component may not have created yet: {"available": false} until it exists.
void App::optional_table(httplib::Response &res, const std::string &relation)
{
    auto lease = pool_.acquire();
    if (!relation_exists(*lease, relation))
        return send_json(res, R"({"available":false})");
    // relation is one of our fixed names (never user input), quoted per part.
    const auto dot = relation.find('.');
    const std::string quoted = lease->quote_name(relation.substr(0, dot)) + "." + lease->quote_name(relation.substr(dot + 1));
    char sqlbuf[512];
    std::snprintf(sqlbuf, sizeof sqlbuf, sql::kAllRows, quoted.c_str());
    send_json(res, "{\"available\":true,\"rows\":" + query_json(*lease, sqlbuf) + "}");
}

void App::recommendations(const httplib::Request &req, httplib::Response &res)
{
    const auto params = query_params(req);
    const std::string status = enum_param(
        params, "status",
        {"pending", "approved", "rejected", "applying", "applied", "failed", "verified", "reverted", "superseded"}, "");
    const int limit = int_param(params, "limit", 100, 1, 1000);
    auto lease = pool_.acquire();
    if (!relation_exists(*lease, "autopilot.recommendations"))
        return send_error(res, 503, "autopilot.recommendations does not exist: CREATE EXTENSION autopilot first");
    send_json(res, query_json(*lease, sql::kRecommendations, status, limit));
}

std::optional<Session> App::admin_session(const httplib::Request &req, bool require_csrf)
{
    auto s = sessions_.find(cookie_value(req.get_header_value("Cookie"), "autopilot_session"));
    if (!s)
        return std::nullopt;
    if (require_csrf && !tokens_equal(req.get_header_value("X-CSRF-Token"), s->csrf))
        throw Forbidden("missing or wrong CSRF token");
    return s;
}

void App::decide(const httplib::Request &req, httplib::Response &res, bool approve)
{
    auto s = admin_session(req, true);
    if (!s)
        return send_error(res, 401, "log in as a member of autopilot_admin to approve or reject");
    const std::string id = req.matches[1];
    json body = json::object();
    if (!req.body.empty()) {
        body = json::parse(req.body, nullptr, false);
        if (body.is_discarded() || !body.is_object())
            throw BadRequest("the body must be a JSON object");
    }
    const std::string text = body.value(approve ? "note" : "reason", std::string());
    if (!approve && text.empty())
        throw BadRequest("a reason is required to reject");
    if (text.size() > 2000)
        throw BadRequest("the note is too long (at most 2000 characters)");
    std::lock_guard<std::mutex> lock(*s->conn_mutex);
    try {
        pqxx::work tx(*s->conn);
        tx.exec_params(approve ? sql::kApprove : sql::kReject, id, text);
        tx.commit();
    } catch (const pqxx::insufficient_privilege &e) {
        throw Forbidden(std::string("permission denied: ") + e.what());
    } catch (const pqxx::broken_connection &) {
        sessions_.erase(s->id);
        throw;
    } catch (const pqxx::sql_error &e) {
        // The lifecycle functions refuse wrong transitions and unknown ids with a clear message.
        std::string msg = e.what();
        while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' '))
            msg.pop_back();
        if (msg.rfind("ERROR:  ", 0) == 0)
            msg = msg.substr(8);
        return send_error(res, 409, msg);
    }
    send_json(res, json{{"id", std::stoll(id)}, {"status", approve ? "approved" : "rejected"}, {"by", s->user}}.dump());
}

void App::login(const httplib::Request &req, httplib::Response &res)
{
    // A JSON body cannot be sent cross-site without a CORS preflight we never grant.
    if (req.get_header_value("Content-Type").rfind("application/json", 0) != 0)
        throw BadRequest("send the login as application/json");
    auto body = json::parse(req.body, nullptr, false);
    if (body.is_discarded() || !body.is_object() || !body["user"].is_string() || !body["password"].is_string())
        throw BadRequest("the body must be {\"user\": ..., \"password\": ...}");
    const std::string user = body["user"], password = body["password"];
    if (user.empty() || user.size() > 63 || password.empty() || password.size() > 1000)
        throw BadRequest("user and password are required");
    const std::string conninfo = conninfo_with(
        options_.login_conninfo,
        {{"user", user}, {"password", password}, {"application_name", "autopilot-web admin"}, {"connect_timeout", "5"}});
    switch (check_password_login(conninfo)) {
    case PasswordCheck::failed:
        log::warning("login failed for \"" + user + "\"");
        return send_error(res, 401, "login failed: wrong user or password");
    case PasswordCheck::not_asked:
        // Under trust or peer authentication any password "works": refuse rather than approve on it.
        log::warning("login refused for \"" + user + "\": the server did not check a password");
        throw Forbidden("the server did not check a password for role \"" + user +
                        "\"; require scram-sha-256 for members of autopilot_admin in pg_hba.conf "
                        "(e.g. local all +autopilot_admin scram-sha-256)");
    case PasswordCheck::ok:
        break;
    }
    std::shared_ptr<pqxx::connection> conn;
    try {
        conn = std::make_shared<pqxx::connection>(conninfo);
    } catch (const std::exception &) {
        return send_error(res, 401, "login failed: wrong user or password");
    }
    bool is_admin = false;
    {
        pqxx::read_transaction tx(*conn);
        is_admin = tx.exec(sql::kIsAdmin)[0][0].as<bool>();
    }
    if (!is_admin)
        throw Forbidden("role \"" + user + "\" is not a member of autopilot_admin");
    const Session s = sessions_.create(user, conn);
    res.set_header("Set-Cookie", "autopilot_session=" + s.id + "; HttpOnly; SameSite=Strict; Path=/; Max-Age=" +
                                     std::to_string(options_.session_minutes * 60));
    log::info("administrator \"" + user + "\" logged in");
    send_json(res, json{{"user", s.user}, {"csrf", s.csrf}}.dump());
}

void App::logout(const httplib::Request &req, httplib::Response &res)
{
    if (auto s = admin_session(req, true))
        sessions_.erase(s->id);
    res.set_header("Set-Cookie", "autopilot_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0");
    send_json(res, R"({"logged_out":true})");
}

void App::session_info(const httplib::Request &req, httplib::Response &res)
{
    auto s = admin_session(req, false);
    if (!s)
        return send_json(res, R"({"user":null})");
    send_json(res, json{{"user", s->user}, {"csrf", s->csrf}}.dump());
}

void App::check_listing(const httplib::Request &req, httplib::Response &res)
{
    auto body = json::parse(req.body, nullptr, false);
    if (body.is_discarded() || !body.is_object())
        throw BadRequest("the body must be a JSON object with the listing's fields");
    auto lease = pool_.acquire();
    if (!relation_exists(*lease, "mining.listing_checks"))
        return send_error(res, 503, "the authenticity model is not trained yet: run autopilot-etl mine authenticity");
    // The mining job's scorer validates every field itself (SQLSTATE class 22 -> 400).
    try {
        send_json(res, query_json(*lease, sql::kCheckListing, body.dump()));
    } catch (const pqxx::data_exception &e) {
        throw BadRequest(e.what());
    }
}

}  // namespace autopilot::web
