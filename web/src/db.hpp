// A small pool of libpq connections for the dashboard's read-only role. A connection found broken
// is dropped, so a PostgreSQL restart costs one failed request, not a dead server.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <pqxx/pqxx>
#include <string>
#include <vector>

namespace autopilot::web {

class ConnectionPool {
public:
    ConnectionPool(std::string conninfo, size_t max_size) : conninfo_(std::move(conninfo)), max_(max_size) {}

    class Lease {
    public:
        Lease(ConnectionPool &pool, std::unique_ptr<pqxx::connection> c) : pool_(&pool), conn_(std::move(c)) {}
        Lease(Lease &&o) noexcept : pool_(o.pool_), conn_(std::move(o.conn_)) { o.pool_ = nullptr; }
        Lease &operator=(Lease &&) = delete;
        ~Lease();
        pqxx::connection &operator*() { return *conn_; }
        pqxx::connection *operator->() { return conn_.get(); }
        void discard() { conn_.reset(); }  // after a broken connection

    private:
        ConnectionPool *pool_;
        std::unique_ptr<pqxx::connection> conn_;
    };

    // A connection, opened if none is idle; waits for one when max_size are in use.
    Lease acquire();
    const std::string &conninfo() const { return conninfo_; }

private:
    void release(std::unique_ptr<pqxx::connection> c);
    std::string conninfo_;
    size_t max_;
    size_t open_ = 0;
    std::vector<std::unique_ptr<pqxx::connection>> idle_;
    std::mutex mutex_;
    std::condition_variable cv_;
};

// Appends key='value' pairs to a conninfo with libpq's quoting (a later key overrides an earlier one).
std::string conninfo_with(const std::string &base, const std::vector<std::pair<std::string, std::string>> &kv);

enum class PasswordCheck { ok, failed, not_asked };

// Connects once with raw libpq to learn whether the server really verified a password
// (PQconnectionUsedPassword), which libpqxx does not expose.
PasswordCheck check_password_login(const std::string &conninfo);

// Runs a query that returns one json value (e.g. json_agg) with bind parameters; "null" when no row.
template <typename... Args>
std::string query_json(pqxx::connection &conn, const std::string &sql, Args &&...args)
{
    pqxx::read_transaction tx(conn);
    auto r = tx.exec_params(sql, std::forward<Args>(args)...);
    tx.commit();
    if (r.empty() || r[0][0].is_null())
        return "null";
    return r[0][0].c_str();
}

}  // namespace autopilot::web
