// libpq connection and COPY sinks (pg_copy.hpp).
#include "pg_copy.hpp"

#include <libpq-fe.h>

namespace autopilot::etl {

namespace {

std::string conn_error(PGconn *c)
{
    std::string m = PQerrorMessage(c);
    while (!m.empty() && (m.back() == '\n' || m.back() == ' '))
        m.pop_back();
    return m;
}

struct ResultGuard {
    PGresult *r;
    ~ResultGuard() { PQclear(r); }
};

}  // namespace

PgConnection::PgConnection(const std::string &conninfo, const std::string &application_name)
{
    const char *keys[] = {"dbname", "fallback_application_name", nullptr};
    const char *vals[] = {conninfo.c_str(), application_name.c_str(), nullptr};
    // expand_dbname=1: the conninfo may be a keyword string or a URI.
    conn_ = PQconnectdbParams(keys, vals, 1);
    if (PQstatus(conn_) != CONNECTION_OK) {
        std::string m = conn_error(conn_);
        PQfinish(conn_);
        throw DbError("could not connect to the database: " + m);
    }
}

PgConnection::~PgConnection() { PQfinish(conn_); }

int PgConnection::backend_pid() const { return PQbackendPID(conn_); }

void PgConnection::exec(const std::string &sql)
{
    ResultGuard r{PQexec(conn_, sql.c_str())};
    const auto st = PQresultStatus(r.r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
        throw DbError(conn_error(conn_));
}

std::vector<std::vector<std::string>> PgConnection::query(const std::string &sql, const std::vector<std::string> &params)
{
    std::vector<const char *> p;
    for (const auto &s : params)
        p.push_back(s.c_str());
    ResultGuard r{PQexecParams(conn_, sql.c_str(), static_cast<int>(p.size()), nullptr, p.data(), nullptr, nullptr, 0)};
    const auto st = PQresultStatus(r.r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
        throw DbError(conn_error(conn_));
    std::vector<std::vector<std::string>> rows;
    for (int i = 0; i < PQntuples(r.r); ++i) {
        std::vector<std::string> row;
        for (int j = 0; j < PQnfields(r.r); ++j)
            row.emplace_back(PQgetvalue(r.r, i, j));
        rows.push_back(std::move(row));
    }
    return rows;
}

void PgConnection::exec_quietly(const std::string &sql) noexcept
{
    if (PQstatus(conn_) != CONNECTION_OK)
        return;
    PQclear(PQexec(conn_, sql.c_str()));
}

void PgCopySink::begin(const std::string &table, const std::string &columns)
{
    table_ = table;
    const std::string sql = "COPY " + table + " (" + columns + ") FROM STDIN";
    ResultGuard r{PQexec(conn_.raw(), sql.c_str())};
    if (PQresultStatus(r.r) != PGRES_COPY_IN)
        throw DbError("COPY into " + table + " failed: " + conn_error(conn_.raw()));
    done_ = false;
    error_.clear();
    queue_.clear();
    sender_ = std::thread([this] { send_loop(); });
}

namespace {
constexpr size_t kQueueDepth = 3;
}

PgCopySink::~PgCopySink() { stop_sender(); }

void PgCopySink::stop_sender()
{
    if (!sender_.joinable())
        return;
    {
        std::lock_guard<std::mutex> g(mu_);
        done_ = true;
    }
    cv_.notify_all();
    sender_.join();
}

void PgCopySink::send_loop()
{
    for (;;) {
        std::string data;
        bool failed;
        {
            std::unique_lock<std::mutex> lk(mu_);
            cv_.wait(lk, [this] { return done_ || !queue_.empty(); });
            if (queue_.empty())
                return;  // done and drained
            data = std::move(queue_.front());
            queue_.pop_front();
            failed = !error_.empty();
        }
        cv_.notify_all();
        if (failed)
            continue;  // keep draining so writers never block on a dead connection
        if (PQputCopyData(conn_.raw(), data.data(), static_cast<int>(data.size())) != 1) {
            std::lock_guard<std::mutex> g(mu_);
            error_ = conn_error(conn_.raw());
        }
    }
}

void PgCopySink::write(const std::string &data)
{
    std::unique_lock<std::mutex> lk(mu_);
    cv_.wait(lk, [this] { return queue_.size() < kQueueDepth || !error_.empty(); });
    if (!error_.empty())
        throw DbError("COPY into " + table_ + " failed: " + error_);
    queue_.push_back(data);
    lk.unlock();
    cv_.notify_all();
}

void PgCopySink::end()
{
    stop_sender();
    if (!error_.empty())
        throw DbError("COPY into " + table_ + " failed: " + error_);
    if (PQputCopyEnd(conn_.raw(), nullptr) != 1)
        throw DbError("COPY into " + table_ + " failed: " + conn_error(conn_.raw()));
    std::string error;
    while (PGresult *r = PQgetResult(conn_.raw())) {
        if (PQresultStatus(r) != PGRES_COMMAND_OK && error.empty())
            error = conn_error(conn_.raw());
        PQclear(r);
    }
    if (!error.empty())
        throw DbError("COPY into " + table_ + " failed: " + error);
    if (PQstatus(conn_.raw()) != CONNECTION_OK)
        throw DbError("COPY into " + table_ + " failed: lost the connection to the server");
}

FileCopySink::~FileCopySink()
{
    if (f_)
        std::fclose(f_);
}

void FileCopySink::begin(const std::string &table, const std::string &)
{
    const std::string path = dir_ + "/" + table + "." + std::to_string(part_) + ".copy";
    f_ = std::fopen(path.c_str(), "ab");
    if (!f_)
        throw std::runtime_error("could not open " + path + " for writing");
}

void FileCopySink::write(const std::string &data)
{
    if (std::fwrite(data.data(), 1, data.size(), f_) != data.size())
        throw std::runtime_error("could not write to " + dir_);
}

void FileCopySink::end()
{
    if (f_ && std::fclose(f_) != 0) {
        f_ = nullptr;
        throw std::runtime_error("could not write to " + dir_);
    }
    f_ = nullptr;
}

}  // namespace autopilot::etl
