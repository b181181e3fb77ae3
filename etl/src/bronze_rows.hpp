// The bronze rows of one load: which rows land in the batch, how they look as text, and the dirt
// planted in them (recorded for truth.planted_dirt). One function per bronze table; each is
// deterministic and independent, so tables (and clickstream day ranges) load in parallel.
#pragma once

#include "copy_buffer.hpp"
#include "orders.hpp"
#include "sessions.hpp"

#include <string>
#include <vector>

namespace autopilot::etl {

struct Batch {
    int64_t id;
    Day first, last;  // landing days covered
    bool initial;
    bool lands(LocalTs t) const
    {
        const Day d = day_of(t);
        return d >= first && d <= last;
    }
};

struct DirtRecord {
    const char *table;
    const char *kind;
    std::string key;
    const char *column;  // nullptr for whole-row defects
};

// Planted dirt rates (fractions of a table's rows), documented in docs/warehouse.md.
struct DirtRates {
    static constexpr double order_duplicate = 0.004, order_null_customer = 0.002, order_bad_ts = 0.001;
    static constexpr double item_duplicate = 0.003, item_null_price = 0.002, item_negative_qty = 0.001,
                            item_unknown_product = 0.001;
    static constexpr double customer_duplicate = 0.005, customer_null_email = 0.01,
                            customer_bad_email = 0.01, customer_bad_phone = 0.015;
    static constexpr double product_null_brand = 0.002;
    static constexpr double event_duplicate = 0.001, event_late = 0.0005;
    static constexpr double late_threshold_seconds = 2 * 86400;
};

// What every table writer sees.
struct LoadContext {
    const World &world;
    const Population &pop;
    Batch batch;
    Day days_first;                      // days[i] is day days_first + i
    const std::vector<DayOrders> &days;  // every day whose rows may land in the batch
    const DayOrders *day(Day d) const
    {
        const long i = d - days_first;
        return i >= 0 && i < static_cast<long>(days.size()) ? &days[static_cast<size_t>(i)] : nullptr;
    }
};

// How far back a batch must regenerate days: the longest delay from an event to its landing
// (returns 25 days, reviews 30 days, plus late arrivals).
constexpr int kLookbackDays = 42;

using DirtLog = std::vector<DirtRecord>;

void write_stores(const LoadContext &ctx, RowWriter &w);
void write_promotions(const LoadContext &ctx, RowWriter &w);
void write_products(const LoadContext &ctx, RowWriter &w, DirtLog &dirt);
void write_customers(const LoadContext &ctx, RowWriter &w, DirtLog &dirt);
void write_orders(const LoadContext &ctx, RowWriter &w, DirtLog &dirt);
void write_order_items(const LoadContext &ctx, RowWriter &w, DirtLog &dirt);
void write_inventory_movements(const LoadContext &ctx, RowWriter &w);
void write_reviews(const LoadContext &ctx, RowWriter &w);
// Sessions and events of the event days [from, to] that land in the batch.
void write_sessions(const LoadContext &ctx, Day from, Day to, RowWriter &w);
void write_clickstream(const LoadContext &ctx, Day from, Day to, RowWriter &w, DirtLog &dirt);

// Attribute changes delivered by appends (SCD2 material), for truth.attribute_changes.
struct AttributeChange {
    std::string table, key, column, old_value, new_value;
    LocalTs changed_at;
};
std::vector<AttributeChange> attribute_changes(const LoadContext &ctx);

// The column list of a bronze table, for COPY.
const std::string &bronze_columns(const std::string &table);

}  // namespace autopilot::etl
