// Connection pool and conninfo helpers.
#include "db.hpp"

#include <libpq-fe.h>

namespace autopilot::web {

ConnectionPool::Lease::~Lease()
{
    if (pool_ && conn_)
        pool_->release(std::move(conn_));
    else if (pool_)
        pool_->release(nullptr);
}

ConnectionPool::Lease ConnectionPool::acquire()
{
    std::unique_lock<std::mutex> lock(mutex_);
    cv_.wait(lock, [&] { return !idle_.empty() || open_ < max_; });
    if (!idle_.empty()) {
        auto c = std::move(idle_.back());
        idle_.pop_back();
        return Lease(*this, std::move(c));
    }
    ++open_;
    lock.unlock();
    try {
        auto c = std::make_unique<pqxx::connection>(conninfo_);
        return Lease(*this, std::move(c));
    } catch (...) {
        std::lock_guard<std::mutex> relock(mutex_);
        --open_;
        cv_.notify_one();
        throw;
    }
}

void ConnectionPool::release(std::unique_ptr<pqxx::connection> c)
{
    std::lock_guard<std::mutex> lock(mutex_);
    if (c && c->is_open())
        idle_.push_back(std::move(c));
    else
        --open_;
    cv_.notify_one();
}

PasswordCheck check_password_login(const std::string &conninfo)
{
    PGconn *conn = PQconnectdb(conninfo.c_str());
    PasswordCheck result = PasswordCheck::failed;
    if (PQstatus(conn) == CONNECTION_OK)
        result = PQconnectionUsedPassword(conn) ? PasswordCheck::ok : PasswordCheck::not_asked;
    PQfinish(conn);
    return result;
}

std::string conninfo_with(const std::string &base, const std::vector<std::pair<std::string, std::string>> &kv)
{
    std::string out = base;
    for (const auto &[k, v] : kv) {
        std::string quoted = "'";
        for (char ch : v) {
            if (ch == '\'' || ch == '\\')
                quoted += '\\';
            quoted += ch;
        }
        quoted += "'";
        if (!out.empty())
            out += ' ';
        out += k + "=" + quoted;
    }
    return out;
}

}  // namespace autopilot::web
