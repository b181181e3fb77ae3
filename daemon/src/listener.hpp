// LISTEN on a libpq connection of its own and wait for notifications with a timeout, so the
// daemon reacts to an approval within moments instead of at the next cycle.
#pragma once

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

struct pg_conn;

namespace autopilot
{

struct Notification {
    std::string channel, payload;
};

class ListenerError : public std::runtime_error
{
  public:
    using std::runtime_error::runtime_error;
};

class Listener
{
  public:
    // Connects and LISTENs on every channel. Throws ListenerError.
    Listener(const std::string &conninfo, const std::vector<std::string> &channels);
    ~Listener();
    Listener(const Listener &) = delete;
    Listener &operator=(const Listener &) = delete;

    // Waits up to `timeout` for notifications; returns those that arrived (maybe none).
    // Throws ListenerError when the connection is lost.
    std::vector<Notification> wait(std::chrono::milliseconds timeout);

  private:
    std::vector<Notification> drain();
    pg_conn *conn_ = nullptr;
};

}  // namespace autopilot
