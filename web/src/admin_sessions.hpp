// Administrator sessions: a random id in an HttpOnly, SameSite=Strict cookie, a CSRF token the page
// sends back in a header, and the administrator's own PostgreSQL connection, so an approval runs as
// that role through the same SQL functions psql users call.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <unordered_map>

namespace autopilot::web {

struct Session {
    std::string id;
    std::string user;
    std::string csrf;
    std::chrono::steady_clock::time_point expires;
    std::shared_ptr<pqxx::connection> conn;  // logged in as `user`
    std::shared_ptr<std::mutex> conn_mutex = std::make_shared<std::mutex>();
};

// 32 random bytes from the kernel as hex; throws if the kernel's generator is unavailable.
std::string random_token();

// Constant-time comparison, so a token cannot be guessed byte by byte from response times.
bool tokens_equal(const std::string &a, const std::string &b);

// The value of one cookie from a Cookie header, or empty.
std::string cookie_value(const std::string &header, const std::string &name);

class SessionStore {
public:
    explicit SessionStore(std::chrono::minutes ttl) : ttl_(ttl) {}

    Session create(const std::string &user, std::shared_ptr<pqxx::connection> conn);
    // The live session with this id (its expiry extended), or nothing.
    std::optional<Session> find(const std::string &id);
    void erase(const std::string &id);
    size_t size();

private:
    void expire_locked(std::chrono::steady_clock::time_point now);
    std::chrono::minutes ttl_;
    std::mutex mutex_;
    std::unordered_map<std::string, Session> sessions_;
};

}  // namespace autopilot::web
