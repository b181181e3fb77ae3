// Web and app sessions with their clickstream funnels (page_view/search -> product_view ->
// add_to_cart -> begin_checkout -> purchase). Sessions 0..online_orders-1 of a day are the ones
// that placed that day's online/app orders and end with their purchase event; the rest browse.
#pragma once

#include "orders.hpp"

#include <string>
#include <vector>

namespace autopilot::etl {

enum class EventType : uint8_t { page_view, search, product_view, add_to_cart, remove_from_cart, begin_checkout, purchase };
const char *event_type_name(EventType t);

struct Event {
    EventType type;
    uint8_t page;   // page_view: 0 home, 1.. category index + 1; search: query index
    int product;    // -1 when none
    LocalTs ts;
};

struct Session {
    int seq;
    int customer;   // index into Population::all(), -1 anonymous
    bool app;
    uint8_t device, os, source;
    int city;
    int order;      // index into DayOrders::orders, -1 none
    LocalTs start, end;
    std::vector<Event> events;
};

// Everything needed to draw a day's sessions, built once per day.
class SessionDay {
public:
    SessionDay(const Population &pop, const DayOrders &orders);
    int count() const { return count_; }
    // Fills s with session seq of the day (events included).
    void make(int seq, Session &s) const;

private:
    const Population &pop_;
    const DayOrders &orders_;
    int count_;
    WeightedPicker products_;
    WeightedPicker cities_;
};

const char *device_name(uint8_t d);
const char *os_name(uint8_t o);
const char *traffic_source_name(uint8_t s);
std::string session_id(Day day, int seq);
void append_page_url(std::string &out, const World &world, const Event &e);

}  // namespace autopilot::etl
