// libpq directly: libpqxx 6 wants its own receivers and cannot poll with a timeout on a socket we
// also watch, and a dedicated connection keeps notifications flowing while the main one is busy.
#include "listener.hpp"

#include <cerrno>
#include <libpq-fe.h>
#include <poll.h>

namespace autopilot
{

Listener::Listener(const std::string &conninfo, const std::vector<std::string> &channels)
{
    conn_ = PQconnectdb(conninfo.c_str());
    if (PQstatus(conn_) != CONNECTION_OK) {
        std::string message = PQerrorMessage(conn_);
        PQfinish(conn_);
        conn_ = nullptr;
        throw ListenerError("cannot connect for LISTEN: " + message);
    }
    for (const auto &channel : channels) {
        char *quoted = PQescapeIdentifier(conn_, channel.c_str(), channel.size());
        const std::string sql = std::string("LISTEN ") + (quoted ? quoted : "");
        PQfreemem(quoted);
        PGresult *res = PQexec(conn_, sql.c_str());
        const bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
        PQclear(res);
        if (!ok) {
            std::string message = PQerrorMessage(conn_);
            PQfinish(conn_);
            conn_ = nullptr;
            throw ListenerError("LISTEN " + channel + " failed: " + message);
        }
    }
}

Listener::~Listener()
{
    if (conn_)
        PQfinish(conn_);
}

std::vector<Notification> Listener::drain()
{
    std::vector<Notification> out;
    while (PGnotify *n = PQnotifies(conn_)) {
        out.push_back({n->relname, n->extra ? n->extra : ""});
        PQfreemem(n);
    }
    return out;
}

std::vector<Notification> Listener::wait(std::chrono::milliseconds timeout)
{
    auto pending = drain();
    if (!pending.empty())
        return pending;
    pollfd pfd{};
    pfd.fd = PQsocket(conn_);
    pfd.events = POLLIN;
    if (pfd.fd < 0)
        throw ListenerError("the LISTEN connection is closed");
    const int rc = ::poll(&pfd, 1, static_cast<int>(timeout.count()));
    if (rc < 0 && errno != EINTR)
        throw ListenerError("poll on the LISTEN connection failed");
    if (rc > 0) {
        if (!PQconsumeInput(conn_) || PQstatus(conn_) != CONNECTION_OK)
            throw ListenerError(std::string("lost the LISTEN connection: ") + PQerrorMessage(conn_));
    }
    return drain();
}

}  // namespace autopilot
