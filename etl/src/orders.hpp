// The demand process, day by day: how many orders, from which store or city, by which customer,
// with which products, at what price and promotion, and what happened after (returns, reviews).
// One independent random stream per day, so any day can be regenerated alone.
#pragma once

#include "world.hpp"

#include <cstdint>
#include <vector>

namespace autopilot::etl {

// Customers who exist up to a day: the initial ones plus those who signed up during appends.
class Population {
public:
    Population(const World &world, Day last_day);
    const std::vector<Customer> &all() const { return all_; }
    const World &world() const { return world_; }

private:
    const World &world_;
    std::vector<Customer> all_;
};

enum class OrderStatus : uint8_t { delivered, cancelled, returned };

struct OrderLine {
    int product;
    uint8_t size2;        // UK size x2
    int8_t quantity;
    int64_t unit_price;   // paise
    int64_t discount;     // paise for the line
    bool returned;
    uint8_t return_reason;
    LocalTs returned_at;
    bool reviewed;
    uint8_t rating;
    LocalTs review_at;
};

struct Order {
    int seq;              // within the day
    LocalTs ts;
    int customer;         // index into Population::all()
    Channel channel;
    int store;            // index into World::stores(); 0 (S000) fulfils online/app orders
    int promotion;        // index into World::promotions(), -1 none
    uint8_t payment;
    OrderStatus status;
    int session_seq;      // the day's session that placed it, -1 for store orders
    uint32_t line_begin, line_count;
    LocalTs landed;       // when the source delivered it (late arrivals: days later)
};

struct DayOrders {
    Day day;
    std::vector<Order> orders;
    std::vector<OrderLine> lines;
    int online_orders = 0;  // orders with a session: seq 0..online_orders-1 in session order
};

DayOrders make_day_orders(const Population &pop, Day day);

// Per-day product weights (availability, launch, age, price, promotions) for sampling.
std::vector<double> product_weights(const World &world, Day day, int channel_or_minus1);

const char *payment_name(uint8_t p);
const char *return_reason_name(uint8_t r);
std::string order_id(Day day, int seq);

}  // namespace autopilot::etl
