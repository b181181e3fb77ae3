// Raw libpq for bulk loading: a connection that reports failures as exceptions with the server's
// message, and COPY sinks (PQputCopyData: the fastest path, measured in bench/load).
#pragma once

#include "copy_buffer.hpp"

#include <condition_variable>
#include <cstdio>
#include <deque>
#include <mutex>
#include <thread>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

struct pg_conn;

namespace autopilot::etl {

class DbError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class PgConnection {
public:
    // conninfo "" uses the PG* environment, like every libpq program.
    PgConnection(const std::string &conninfo, const std::string &application_name);
    ~PgConnection();
    PgConnection(const PgConnection &) = delete;
    PgConnection &operator=(const PgConnection &) = delete;

    void exec(const std::string &sql);
    // Runs a query and returns the rows as text (NULL as std::nullopt is not needed here: "").
    std::vector<std::vector<std::string>> query(const std::string &sql, const std::vector<std::string> &params = {});
    // Best effort: errors ignored (for ROLLBACK after a failure).
    void exec_quietly(const std::string &sql) noexcept;
    pg_conn *raw() { return conn_; }
    int backend_pid() const;

private:
    pg_conn *conn_;
};

// Sends from its own thread through a short queue, so the server parses one buffer while the
// generator fills the next (without it the backend idled whenever the generator was descheduled).
class PgCopySink : public CopySink {
public:
    explicit PgCopySink(PgConnection &conn) : conn_(conn) {}
    ~PgCopySink() override;
    void begin(const std::string &table, const std::string &columns) override;
    void write(const std::string &data) override;
    void end() override;

private:
    void send_loop();
    void stop_sender();
    PgConnection &conn_;
    std::string table_;
    std::thread sender_;
    std::mutex mu_;
    std::condition_variable cv_;
    std::deque<std::string> queue_;
    bool done_ = false;
    std::string error_;
};

// Writes COPY text to DIR/<table>.<part>.copy (appending), for loading elsewhere or benchmarking.
// Each sink (thread) writes its own part files, so parallel writers never interleave.
class FileCopySink : public CopySink {
public:
    FileCopySink(std::string dir, int part) : dir_(std::move(dir)), part_(part) {}
    ~FileCopySink() override;
    void begin(const std::string &table, const std::string &columns) override;
    void write(const std::string &data) override;
    void end() override;

private:
    std::string dir_;
    int part_;
    FILE *f_ = nullptr;
};

}  // namespace autopilot::etl
