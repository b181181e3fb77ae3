// Bronze rows of the web and app: sessions and their clickstream events; the bronze column lists.
#include "bronze_rows.hpp"

#include "catalog.hpp"

#include <map>
#include <stdexcept>

namespace autopilot::etl {

namespace {

const char *kCampaigns[] = {"pongal_sale", "diwali_dhamaka", "aadi_sale", "new_arrivals", "retarget_cart", "brand_week"};

LocalTs session_landed(uint64_t seed, Day d, int seq, LocalTs end)
{
    const uint64_t key = static_cast<uint64_t>(d) * 10000000ULL + static_cast<uint64_t>(seq);
    return end + 30 + static_cast<LocalTs>(hash3(seed, 13, key) % 600);
}

}  // namespace

void write_sessions(const LoadContext &ctx, Day from, Day to, RowWriter &w)
{
    const uint64_t seed = ctx.world.seed();
    Session s;
    for (Day d = from; d <= to; ++d) {
        const DayOrders *orders = ctx.day(d);
        if (!orders)
            continue;
        const SessionDay sd(ctx.pop, *orders);
        for (int seq = 0; seq < sd.count(); ++seq) {
            sd.make(seq, s);
            const LocalTs landed = session_landed(seed, d, seq, s.end);
            if (!ctx.batch.lands(landed))
                continue;
            w.raw(session_id(d, seq));
            s.customer >= 0 ? w.raw(ctx.world.customer_id(s.customer)) : w.null();
            w.raw(s.app ? "app" : "web").raw(device_name(s.device)).raw(os_name(s.os)).raw(traffic_source_name(s.source));
            if (s.source == 2 || s.source == 3 || s.source == 4)
                w.raw(kCampaigns[static_cast<size_t>(seq) % 6]);
            else
                w.null();
            w.text(cities()[static_cast<size_t>(s.city)].name).timestamp(s.start).timestamp(s.end);
            w.finish(landed, ctx.batch.id);
        }
    }
}

void write_clickstream(const LoadContext &ctx, Day from, Day to, RowWriter &w, DirtLog &dirt)
{
    const uint64_t seed = ctx.world.seed();
    Session s;
    std::string id, url;
    for (Day d = from; d <= to; ++d) {
        const DayOrders *orders = ctx.day(d);
        if (!orders)
            continue;
        const SessionDay sd(ctx.pop, *orders);
        for (int seq = 0; seq < sd.count(); ++seq) {
            sd.make(seq, s);
            const std::string sid = session_id(d, seq);
            const uint64_t skey = static_cast<uint64_t>(d) * 10000000ULL + static_cast<uint64_t>(seq);
            for (size_t k = 0; k < s.events.size(); ++k) {
                const Event &e = s.events[k];
                const uint64_t ekey = skey * 256 + k;
                const double u = unit_hash(seed, kStreamDirt, hash3(7, ekey, 0));
                const bool late = u < DirtRates::event_late;
                const LocalTs landed = e.ts + (late ? 3 * 86400 + static_cast<LocalTs>(hash3(seed, 14, ekey) % (5 * 86400))
                                                    : 5 + static_cast<LocalTs>(hash3(seed, 14, ekey) % 120));
                if (!ctx.batch.lands(landed))
                    continue;
                id.assign(sid).append("-").append(std::to_string(k + 1));
                if (late)
                    dirt.push_back({"clickstream_events", "late_arrival", id, nullptr});
                const bool dup = u >= DirtRates::event_late && u < DirtRates::event_late + DirtRates::event_duplicate;
                if (dup)
                    dirt.push_back({"clickstream_events", "duplicate", id, nullptr});
                url.clear();
                append_page_url(url, ctx.world, e);
                for (int copy = 0; copy < (dup ? 2 : 1); ++copy) {
                    w.raw(id).raw(sid).integer(static_cast<int64_t>(k + 1)).timestamp(e.ts).raw(event_type_name(e.type)).raw(url);
                    e.product >= 0 ? w.raw(ctx.world.products()[static_cast<size_t>(e.product)].id) : w.null();
                    if (e.type == EventType::purchase && s.order >= 0)
                        w.raw(order_id(d, orders->orders[static_cast<size_t>(s.order)].seq));
                    else
                        w.null();
                    w.finish(landed + copy * 2, ctx.batch.id);
                }
            }
        }
    }
}

const std::string &bronze_columns(const std::string &table)
{
    static const std::map<std::string, std::string> cols = {
        {"stores", "store_id, store_code, name, store_type, address, city, district, state, pincode, latitude, longitude, city_population, area_sqft, opened_on, closed_on"},
        {"products", "product_id, sku, brand, model, product_name, category, gender, colourway, material, size_range, release_date, msrp, list_price, is_limited, updated_at"},
        {"customers", "customer_id, first_name, last_name, email, phone, gender, birth_date, city, pincode, signup_at, loyalty_tier, marketing_opt_in, updated_at"},
        {"promotions", "promotion_code, name, discount_pct, starts_on, ends_on, brand, category, channel"},
        {"orders", "order_id, customer_id, channel, store_id, order_ts, status, promotion_code, payment_method, currency, order_total, shipping_city, shipping_pincode, session_id, updated_at"},
        {"order_items", "order_item_id, order_id, line_no, product_id, size, quantity, unit_price, discount_amount, returned, return_reason, returned_at"},
        {"inventory_movements", "movement_id, product_id, store_id, movement_ts, movement_type, quantity, reference, unit_cost"},
        {"reviews", "review_id, product_id, customer_id, order_id, rating, title, body, review_ts, verified_purchase, helpful_votes"},
        {"sessions", "session_id, customer_id, channel, device, os, traffic_source, utm_campaign, city, started_at, ended_at"},
        {"clickstream_events", "event_id, session_id, event_seq, event_ts, event_type, page_url, product_id, order_id"},
    };
    auto it = cols.find(table);
    if (it == cols.end())
        throw std::logic_error("no bronze table " + table);
    return it->second;
}

}  // namespace autopilot::etl
