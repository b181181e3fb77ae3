// Session store and token helpers.
#include "admin_sessions.hpp"

#include <fstream>
#include <stdexcept>

namespace autopilot::web {

std::string random_token()
{
    std::ifstream urandom("/dev/urandom", std::ios::binary);
    unsigned char bytes[32];
    if (!urandom.read(reinterpret_cast<char *>(bytes), sizeof bytes))
        throw std::runtime_error("cannot read /dev/urandom");
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    for (unsigned char b : bytes) {
        out += hex[b >> 4];
        out += hex[b & 15];
    }
    return out;
}

bool tokens_equal(const std::string &a, const std::string &b)
{
    if (a.size() != b.size() || a.empty())
        return false;
    unsigned char diff = 0;
    for (size_t i = 0; i < a.size(); ++i)
        diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

std::string cookie_value(const std::string &header, const std::string &name)
{
    size_t pos = 0;
    while (pos < header.size()) {
        while (pos < header.size() && (header[pos] == ' ' || header[pos] == ';'))
            ++pos;
        const size_t eq = header.find('=', pos);
        const size_t end = header.find(';', pos);
        if (eq == std::string::npos)
            break;
        if (end != std::string::npos && eq > end) {
            pos = end + 1;
            continue;
        }
        if (header.compare(pos, eq - pos, name) == 0)
            return header.substr(eq + 1, (end == std::string::npos ? header.size() : end) - eq - 1);
        if (end == std::string::npos)
            break;
        pos = end + 1;
    }
    return {};
}

Session SessionStore::create(const std::string &user, std::shared_ptr<pqxx::connection> conn)
{
    Session s;
    s.id = random_token();
    s.csrf = random_token();
    s.user = user;
    s.conn = std::move(conn);
    const auto now = std::chrono::steady_clock::now();
    s.expires = now + ttl_;
    std::lock_guard<std::mutex> lock(mutex_);
    expire_locked(now);
    sessions_[s.id] = s;
    return s;
}

std::optional<Session> SessionStore::find(const std::string &id)
{
    if (id.empty())
        return std::nullopt;
    const auto now = std::chrono::steady_clock::now();
    std::lock_guard<std::mutex> lock(mutex_);
    expire_locked(now);
    auto it = sessions_.find(id);
    if (it == sessions_.end())
        return std::nullopt;
    it->second.expires = now + ttl_;
    return it->second;
}

void SessionStore::erase(const std::string &id)
{
    std::lock_guard<std::mutex> lock(mutex_);
    sessions_.erase(id);
}

size_t SessionStore::size()
{
    std::lock_guard<std::mutex> lock(mutex_);
    return sessions_.size();
}

void SessionStore::expire_locked(std::chrono::steady_clock::time_point now)
{
    for (auto it = sessions_.begin(); it != sessions_.end();)
        it = it->second.expires < now ? sessions_.erase(it) : std::next(it);
}

}  // namespace autopilot::web
