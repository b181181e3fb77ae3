// The dashboard's HTTP server: routes, security headers, sessions, metrics. Pages are static files;
// data comes from the JSON API under /api/.
#pragma once

#include "db.hpp"
#include "filters.hpp"
#include "options.hpp"
#include "prometheus.hpp"
#include "admin_sessions.hpp"

#include <chrono>
#include <httplib.h>
#include <memory>
#include <mutex>

namespace autopilot::web {

class App {
public:
    explicit App(Options options);
    // Binds and serves until stop(); returns false when the address cannot be bound.
    bool listen();
    void stop() { server_.stop(); }
    httplib::Server &server() { return server_; }

private:
    using Handler = std::function<void(const httplib::Request &, httplib::Response &)>;
    void route(const char *method, const std::string &pattern, const std::string &name, Handler h);
    void add_routes();

    KnownValues known_values();
    bool relation_exists(pqxx::connection &c, const std::string &name);
    std::optional<Session> admin_session(const httplib::Request &req, bool require_csrf);

    // handlers
    void sales(const httplib::Request &req, httplib::Response &res, const std::string &what);
    void filters(const httplib::Request &req, httplib::Response &res);
    void mining(const httplib::Request &req, httplib::Response &res, const std::string &what);
    void optional_table(httplib::Response &res, const std::string &relation);
    void recommendations(const httplib::Request &req, httplib::Response &res);
    void decide(const httplib::Request &req, httplib::Response &res, bool approve);
    void login(const httplib::Request &req, httplib::Response &res);
    void logout(const httplib::Request &req, httplib::Response &res);
    void session_info(const httplib::Request &req, httplib::Response &res);
    void check_listing(const httplib::Request &req, httplib::Response &res);
    void page(httplib::Response &res, const std::string &file);
    void database_gauges();

    Options options_;
    httplib::Server server_;
    ConnectionPool pool_;
    SessionStore sessions_;
    prometheus::Registry metrics_;

    std::mutex known_mutex_;
    KnownValues known_;
    std::chrono::steady_clock::time_point known_loaded_{};
};

}  // namespace autopilot::web
