// The generator's world: stores, products, customers (with latent segments), promotions, price
// schedules, planted anomalies and the demand calendar, built deterministically from (seed, scale).
// Everything downstream (orders, sessions, bronze rows, truth tables) is a pure function of it.
#pragma once

#include "rng.hpp"
#include "timefmt.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace autopilot::etl {

// The first history day and its length: a fixed calendar year, so a seed means the same data
// whenever it is generated.
constexpr Day kEpoch = days_from_civil(2025, 1, 1);
constexpr int kHistoryDays = 365;

// Scale-1 row counts of the seed system (issue 6); scale S multiplies them.
struct TargetCounts {
    static constexpr double customers = 10000, products = 5000, orders = 112501, order_items = 337563,
                            inventory_movements = 363063, reviews = 41106, sessions = 365000,
                            clickstream_events = 6389784;
};

enum class Segment : uint8_t { champions, loyal, new_customer, at_risk, hibernating };
const char *segment_name(Segment s);

enum class Channel : uint8_t { store, online, app };
const char *channel_name(Channel c);

struct Store {
    std::string id, code, name, type, address, pincode;
    int city;  // index into cities()
    double lat, lon;
    int area_sqft;
    Day opened_on;
    double base_share;  // of all store-channel orders
};

struct PricePoint {
    Day from;
    int64_t price;  // paise
};

struct Product {
    std::string id, sku, model, name, colourway, material, gender;
    int brand;             // index into brands()
    int category;          // index into categories()
    int size_lo2, size_hi2;  // UK sizes x2 (half sizes)
    Day release;
    int64_t msrp;          // paise
    std::vector<PricePoint> prices;  // list price schedule, first entry at release
    int rank;              // Zipf popularity rank, 1 = most popular
    double share;          // base share of units (sums to 1 over products)
    double launch_boost, elasticity, rating_mean;
    bool limited;
    int64_t price_on(Day d) const;
};

struct Customer {
    std::string first_name, last_name, email, phone, pincode;
    char gender;  // 'M' | 'F'
    Day birth;
    int city;
    LocalTs signup;
    int tier;     // 0 none .. 3 platinum
    bool opt_in;
    Segment segment;
    double rate;  // relative ordering intensity while active
    Day active_from, active_until;
    Channel preferred_channel;
    int preferred_brand;
};

struct Promotion {
    std::string code, name;
    Day starts_on, ends_on;
    int brand = -1, category = -1;  // -1 = any
    int channel = -1;               // -1 = any, else Channel
    double discount_pct, uplift;
};

enum class AnomalyKind : uint8_t { revenue_spike, revenue_drop, returns_surge, stock_out };
const char *anomaly_kind_name(AnomalyKind k);

struct Anomaly {
    int id;
    AnomalyKind kind;
    int store;   // index into stores (physical stores only)
    int brand;   // stock_out only, else -1
    Day day, end_day;
    double magnitude;
};

struct CalendarFactors {
    double weekday, yearly, festival, total;
    const char *festival_name;  // nullptr when none
};

class World {
public:
    World(uint64_t seed, double scale);

    uint64_t seed() const { return seed_; }
    double scale() const { return scale_; }

    const std::vector<Store> &stores() const { return stores_; }  // [0] is S000, the warehouse
    const std::vector<Product> &products() const { return products_; }
    const std::vector<Customer> &customers() const { return customers_; }  // initial customers
    const std::vector<Promotion> &promotions() const { return promotions_; }
    const std::vector<Anomaly> &anomalies() const { return anomalies_; }

    static CalendarFactors calendar(Day d);

    // Expected orders per day before calendar effects (all channels).
    double base_orders_per_day() const { return base_orders_; }
    double base_sessions_per_day() const { return base_sessions_; }
    double online_share() const { return 0.62; }
    // Expected orders of a store-channel outlet or a city's online demand on day d.
    double city_weight(int city) const { return city_weight_[static_cast<size_t>(city)]; }

    // Exact number of orders / sessions on day d: carry-rounding of the expected values from the
    // epoch, so totals over any range match the expectation within one.
    int orders_on(Day d) const;
    int sessions_on(Day d) const;
    double expected_orders(Day d) const;  // with anomalies

    // Expected store-channel orders of a physical store on day d, without anomalies.
    double store_expected_orders(int store, Day d) const;

    // Anomaly effects on a physical store (index into stores()) on day d.
    double store_multiplier(int store, Day d) const;
    double return_rate_multiplier(int store, Day d) const;
    bool stocked_out(int store, int brand, Day d) const;

    // Promotions running on day d.
    std::vector<const Promotion *> promotions_on(Day d) const;

    // Customers who sign up after the history (appends), in order: index = customers().size() + k.
    // Their count by day d (exclusive) after the history end.
    int64_t new_customers_before(Day d) const;
    Customer make_customer(int64_t index, LocalTs signup) const;
    std::string customer_id(int64_t index) const;

private:
    void build_stores();
    void build_products();
    void build_customers();
    void build_promotions();
    void build_anomalies();  // world_anomalies.cpp
    double cumulative(Day d, bool sessions) const;

    uint64_t seed_;
    double scale_;
    std::vector<Store> stores_;
    std::vector<Product> products_;
    std::vector<Customer> customers_;
    std::vector<Promotion> promotions_;
    std::vector<Anomaly> anomalies_;
    std::vector<double> city_weight_;  // share of all orders by customer city
    double base_orders_ = 0, base_sessions_ = 0;
    mutable std::vector<double> cum_orders_, cum_sessions_;  // by day index from the epoch
};

// Money as text with two decimals: 799500 -> "7995.00".
void append_money(std::string &out, int64_t paise);

}  // namespace autopilot::etl
