// Bronze rows of the sales process: orders, order lines, inventory movements and reviews.
#include "bronze_rows.hpp"

#include "catalog.hpp"

#include <cstdio>

namespace autopilot::etl {

namespace {

const char *kTitles[6] = {"", "Very disappointed", "Not worth the price", "Okay for the money", "Good pair", "Absolutely love them"};
const char *kBodies[6] = {"",
                          "Sole came off within a month. Returning was a hassle.",
                          "Runs small and the colour looks different from the photos.",
                          "Comfortable enough, but the finish could be better.",
                          "Fits true to size and looks great. Delivery was quick.",
                          "Super comfortable from day one, worth every rupee."};

const char *status_name(OrderStatus s)
{
    switch (s) {
    case OrderStatus::delivered: return "delivered";
    case OrderStatus::cancelled: return "cancelled";
    case OrderStatus::returned: return "returned";
    }
    return "?";
}

std::string item_id(const std::string &oid, uint32_t line) { return oid + "-" + std::to_string(line + 1); }

void size_text(char *buf, size_t n, uint8_t size2)
{
    if (size2 % 2)
        std::snprintf(buf, n, "%d.5", size2 / 2);
    else
        std::snprintf(buf, n, "%d", size2 / 2);
}

uint64_t order_key(Day d, int seq) { return static_cast<uint64_t>(d) * 10000000ULL + static_cast<uint64_t>(seq); }

// Days whose orders can land in the batch.
template <class F>
void for_each_order(const LoadContext &ctx, F &&f)
{
    for (const auto &day : ctx.days)
        for (const auto &o : day.orders)
            f(day, o);
}

}  // namespace

void write_orders(const LoadContext &ctx, RowWriter &w, DirtLog &dirt)
{
    const uint64_t seed = ctx.world.seed();
    const auto &stores = ctx.world.stores();
    const auto &custs = ctx.pop.all();
    for_each_order(ctx, [&](const DayOrders &day, const Order &o) {
        if (!ctx.batch.lands(o.landed))
            return;
        const std::string oid = order_id(day.day, o.seq);
        const double u = unit_hash(seed, kStreamDirt, hash3(5, order_key(day.day, o.seq), 0));
        const bool null_cust = u < DirtRates::order_null_customer;
        const bool bad_ts = !null_cust && u < DirtRates::order_null_customer + DirtRates::order_bad_ts;
        if (null_cust)
            dirt.push_back({"orders", "null_value", oid, "customer_id"});
        if (bad_ts)
            dirt.push_back({"orders", "malformed_timestamp", oid, "order_ts"});
        if (o.landed - o.ts > DirtRates::late_threshold_seconds)
            dirt.push_back({"orders", "late_arrival", oid, nullptr});
        const Customer &c = custs[static_cast<size_t>(o.customer)];
        int64_t total = 0;
        LocalTs updated = o.ts;
        for (uint32_t j = 0; j < o.line_count; ++j) {
            const OrderLine &l = day.lines[o.line_begin + j];
            total += l.unit_price * l.quantity - l.discount;
            if (l.returned && l.returned_at > updated && l.returned_at <= o.landed)
                updated = l.returned_at;
        }
        const bool dup = unit_hash(seed, kStreamDirt, hash3(5, order_key(day.day, o.seq), 1)) < DirtRates::order_duplicate;
        for (int copy = 0; copy < (dup ? 2 : 1); ++copy) {
            w.raw(oid);
            null_cust ? w.null() : w.raw(ctx.world.customer_id(o.customer));
            w.raw(channel_name(o.channel)).raw(stores[static_cast<size_t>(o.store)].id);
            if (bad_ts) {
                // A source that once sent day-first local times without seconds.
                const Civil cv = civil_from_days(day.day);
                char buf[40];
                std::snprintf(buf, sizeof buf, "%02u/%02u/%04d %02d:%02d", cv.d, cv.m, cv.y,
                              static_cast<int>(o.ts % 86400 / 3600), static_cast<int>(o.ts % 3600 / 60));
                w.raw(buf);
            } else
                w.timestamp(o.ts);
            w.raw(status_name(o.status));
            o.promotion >= 0 ? w.raw(ctx.world.promotions()[static_cast<size_t>(o.promotion)].code) : w.null();
            w.raw(payment_name(o.payment)).raw("INR").money(total);
            if (o.channel == Channel::store)
                w.text(cities()[static_cast<size_t>(stores[static_cast<size_t>(o.store)].city)].name).null();
            else
                w.text(cities()[static_cast<size_t>(c.city)].name).raw(c.pincode);
            o.session_seq >= 0 ? w.raw(session_id(day.day, o.session_seq)) : w.null();
            w.timestamp(o.status == OrderStatus::returned ? updated : o.ts);
            w.finish(o.landed + copy * 5, ctx.batch.id);
        }
        if (dup)
            dirt.push_back({"orders", "duplicate", oid, nullptr});
    });
}

void write_order_items(const LoadContext &ctx, RowWriter &w, DirtLog &dirt)
{
    const uint64_t seed = ctx.world.seed();
    const auto &ps = ctx.world.products();
    const int64_t n_products = static_cast<int64_t>(ps.size());
    for_each_order(ctx, [&](const DayOrders &day, const Order &o) {
        if (!ctx.batch.lands(o.landed))
            return;
        const std::string oid = order_id(day.day, o.seq);
        const bool late = o.landed - o.ts > DirtRates::late_threshold_seconds;
        for (uint32_t j = 0; j < o.line_count; ++j) {
            const OrderLine &l = day.lines[o.line_begin + j];
            const std::string iid = item_id(oid, j);
            const uint64_t key = order_key(day.day, o.seq) * 16 + j;
            const double u = unit_hash(seed, kStreamDirt, hash3(6, key, 0));
            double edge = DirtRates::item_null_price;
            const char *kind = nullptr;
            const char *col = nullptr;
            if (u < edge) { kind = "null_value"; col = "unit_price"; }
            else if (u < (edge += DirtRates::item_negative_qty)) { kind = "negative_quantity"; col = "quantity"; }
            else if (u < (edge += DirtRates::item_unknown_product)) { kind = "unknown_product"; col = "product_id"; }
            if (kind)
                dirt.push_back({"order_items", kind, iid, col});
            if (late)
                dirt.push_back({"order_items", "late_arrival", iid, nullptr});
            const bool dup = unit_hash(seed, kStreamDirt, hash3(6, key, 1)) < DirtRates::item_duplicate;
            if (dup)
                dirt.push_back({"order_items", "duplicate", iid, nullptr});
            char size[8];
            size_text(size, sizeof size, l.size2);
            for (int copy = 0; copy < (dup ? 2 : 1); ++copy) {
                w.raw(iid).raw(oid).integer(j + 1);
                if (kind && col[0] == 'p') {
                    char unknown[32];
                    std::snprintf(unknown, sizeof unknown, "P%06lld", static_cast<long long>(n_products + 1 + static_cast<int64_t>(key % 90000)));
                    w.raw(unknown);
                } else
                    w.raw(ps[static_cast<size_t>(l.product)].id);
                w.raw(size).integer(kind && col[0] == 'q' ? -l.quantity : l.quantity);
                kind && col[0] == 'u' ? w.null() : w.money(l.unit_price);
                w.money(l.discount);
                // Lines arrive in their state at delivery: a return known by then is included.
                const bool ret = l.returned && l.returned_at <= o.landed + 30 * 86400;
                w.boolean(ret);
                if (ret)
                    w.raw(return_reason_name(l.return_reason)).timestamp(l.returned_at);
                else
                    w.null().null();
                w.finish(o.landed + copy * 5, ctx.batch.id);
            }
        }
    });
}

void write_inventory_movements(const LoadContext &ctx, RowWriter &w)
{
    const uint64_t seed = ctx.world.seed();
    const auto &ps = ctx.world.products();
    const auto &stores = ctx.world.stores();
    auto movement = [&](const std::string &id, int product, int store, LocalTs ts, const char *type, int qty,
                        const std::string &ref, LocalTs landed) {
        const Product &p = ps[static_cast<size_t>(product)];
        w.raw(id).raw(p.id).raw(stores[static_cast<size_t>(store)].id).timestamp(ts).raw(type).integer(qty).raw(ref)
            .money(p.msrp * 55 / 100 / 100 * 100);
        w.finish(landed, ctx.batch.id);
    };
    for_each_order(ctx, [&](const DayOrders &day, const Order &o) {
        if (o.status == OrderStatus::cancelled)
            return;
        const std::string oid = order_id(day.day, o.seq);
        for (uint32_t j = 0; j < o.line_count; ++j) {
            const OrderLine &l = day.lines[o.line_begin + j];
            const uint64_t key = order_key(day.day, o.seq) * 16 + j;
            const LocalTs sale_landed = o.ts + 30 + static_cast<LocalTs>(hash3(seed, 9, key) % 900);
            const std::string iid = item_id(oid, j);
            if (ctx.batch.lands(sale_landed))
                movement("MS" + iid.substr(1), l.product, o.store, o.ts, "sale", -l.quantity, iid, sale_landed);
            if (l.returned) {
                const LocalTs ret_landed = l.returned_at + 30 + static_cast<LocalTs>(hash3(seed, 10, key) % 900);
                if (ctx.batch.lands(ret_landed))
                    movement("MR" + iid.substr(1), l.product, o.store, l.returned_at, "return", l.quantity, iid, ret_landed);
            }
        }
    });
    // Replenishment, stock adjustments and transfers: a steady flow per day.
    constexpr double kOtherPerDay = 33.0;
    for (const auto &day : ctx.days) {
        if (day.day < ctx.batch.first || day.day > ctx.batch.last)
            continue;
        const double per_day = kOtherPerDay * ctx.world.scale();
        const int n = static_cast<int>(std::floor(per_day * (day.day - kEpoch + 1)) - std::floor(per_day * (day.day - kEpoch)));
        Rng rng(seed, kStreamMovements, static_cast<uint64_t>(day.day));
        const WeightedPicker pick(product_weights(ctx.world, day.day, -1));
        if (pick.empty())
            continue;
        for (int k = 0; k < n; ++k) {
            char id[40];
            std::snprintf(id, sizeof id, "MP%04d%05d", day.day - kEpoch, k);
            const int product = static_cast<int>(pick.pick(rng));
            const int store = static_cast<int>(rng.below(stores.size()));
            const LocalTs ts = static_cast<LocalTs>(day.day) * 86400 + rng.range(7 * 3600, 20 * 3600);
            const LocalTs landed = ts + rng.range(60, 1800);
            const double u = rng.uniform();
            if (u < 0.85) {
                char po[40];
                std::snprintf(po, sizeof po, "PO-%04d-%05d", day.day - kEpoch, k);
                movement(id, product, store, ts, "receipt", static_cast<int>(rng.range(6, 48)), po, landed);
            } else if (u < 0.95) {
                movement(id, product, store, ts, "adjustment", rng.chance(0.8) ? -1 : 1, "cycle-count", landed);
            } else {
                const int to = 1 + static_cast<int>(rng.below(stores.size() - 1));
                const int qty = static_cast<int>(rng.range(2, 12));
                movement(id, product, store, ts, "transfer_out", -qty, std::string("TR-") + id, landed);
                movement(std::string(id) + "I", product, to, ts + 4 * 3600, "transfer_in", qty, std::string("TR-") + id, landed + 4 * 3600);
            }
        }
    }
}

void write_reviews(const LoadContext &ctx, RowWriter &w)
{
    const uint64_t seed = ctx.world.seed();
    const auto &ps = ctx.world.products();
    for_each_order(ctx, [&](const DayOrders &day, const Order &o) {
        const std::string oid = order_id(day.day, o.seq);
        for (uint32_t j = 0; j < o.line_count; ++j) {
            const OrderLine &l = day.lines[o.line_begin + j];
            if (!l.reviewed)
                continue;
            const uint64_t key = order_key(day.day, o.seq) * 16 + j;
            const LocalTs landed = l.review_at + 60 + static_cast<LocalTs>(hash3(seed, 11, key) % 3600);
            if (!ctx.batch.lands(landed))
                continue;
            const Product &p = ps[static_cast<size_t>(l.product)];
            w.raw("R" + item_id(oid, j).substr(1)).raw(p.id).raw(ctx.world.customer_id(o.customer)).raw(oid)
                .integer(l.rating).text(kTitles[l.rating]).text(std::string(kBodies[l.rating]) + " (" + p.model + ")")
                .timestamp(l.review_at).boolean(true).integer(static_cast<int64_t>(hash3(seed, 12, key) % (l.rating == 5 || l.rating == 1 ? 40 : 8)));
            w.finish(landed, ctx.batch.id);
        }
    });
}

}  // namespace autopilot::etl
