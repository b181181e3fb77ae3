// Rows of schema truth (truth_rows.hpp).
#include "truth_rows.hpp"

#include "catalog.hpp"

#include <cstdio>

namespace autopilot::etl {

namespace {

const Day kHistoryEnd = kEpoch + kHistoryDays - 1;

RowWriter &real(RowWriter &w, double v)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return w.raw(buf);
}

bool in_batch_days(const LoadContext &ctx, Day d) { return d >= ctx.batch.first && d <= ctx.batch.last; }

void write_calendar(const LoadContext &ctx, RowWriter &w)
{
    for (Day d = ctx.batch.first; d <= ctx.batch.last; ++d) {
        const CalendarFactors f = World::calendar(d);
        w.date(d);
        real(w, f.weekday);
        real(w, f.yearly);
        f.festival_name ? w.raw(f.festival_name) : w.null();
        real(w, f.festival);
        real(w, f.total);
        w.end_row();
    }
}

void write_city_demand(const LoadContext &ctx, RowWriter &w)
{
    if (!ctx.batch.initial)
        return;
    for (size_t c = 0; c < cities().size(); ++c) {
        w.text(cities()[c].name).integer(cities()[c].population);
        real(w, ctx.world.base_orders_per_day() * ctx.world.city_weight(static_cast<int>(c)));
        real(w, ctx.world.online_share());
        w.end_row();
    }
}

void write_store_demand(const LoadContext &ctx, RowWriter &w)
{
    if (!ctx.batch.initial)
        return;
    for (const auto &s : ctx.world.stores()) {
        w.raw(s.id).text(cities()[static_cast<size_t>(s.city)].name);
        real(w, s.id == "S000" ? ctx.world.base_orders_per_day() * ctx.world.online_share()
                               : ctx.world.base_orders_per_day() * (1 - ctx.world.online_share()) * s.base_share);
        w.end_row();
    }
}

void write_product_demand(const LoadContext &ctx, RowWriter &w)
{
    if (!ctx.batch.initial)
        return;
    for (const auto &p : ctx.world.products()) {
        w.raw(p.id).integer(p.rank);
        real(w, p.share);
        w.date(p.release);
        real(w, p.launch_boost);
        real(w, p.elasticity);
        w.end_row();
    }
}

void truth_promotions(const LoadContext &ctx, RowWriter &w)
{
    for (const auto &p : ctx.world.promotions()) {
        const LocalTs landed = static_cast<LocalTs>(p.starts_on - 30) * 86400 + 36000;
        const bool here = ctx.batch.initial ? day_of(landed) <= ctx.batch.last : ctx.batch.lands(landed);
        if (!here)
            continue;
        w.raw(p.code).date(p.starts_on).date(p.ends_on);
        p.brand >= 0 ? w.text(brands()[static_cast<size_t>(p.brand)].name) : w.null();
        p.category >= 0 ? w.raw(categories()[static_cast<size_t>(p.category)]) : w.null();
        p.channel >= 0 ? w.raw(channel_name(static_cast<Channel>(p.channel))) : w.null();
        real(w, p.discount_pct);
        real(w, p.uplift);
        w.end_row();
    }
}

void write_price_changes(const LoadContext &ctx, RowWriter &w)
{
    for (const auto &p : ctx.world.products())
        for (const auto &pp : p.prices) {
            const bool here = ctx.batch.initial ? pp.from <= ctx.batch.last : in_batch_days(ctx, pp.from);
            if (!here)
                continue;
            w.raw(p.id).date(pp.from).money(pp.price);
            w.end_row();
        }
}

void write_anomalies(const LoadContext &ctx, RowWriter &w)
{
    for (const auto &a : ctx.world.anomalies()) {
        if (!in_batch_days(ctx, a.day))
            continue;
        w.integer(a.id).integer(ctx.batch.id).raw(anomaly_kind_name(a.kind)).raw(ctx.world.stores()[static_cast<size_t>(a.store)].id);
        a.brand >= 0 ? w.text(brands()[static_cast<size_t>(a.brand)].name) : w.null();
        w.date(a.day).date(a.end_day);
        real(w, a.magnitude);
        w.end_row();
    }
}

void write_segments(const LoadContext &ctx, RowWriter &w)
{
    const auto &all = ctx.pop.all();
    const size_t n0 = ctx.world.customers().size();
    for (size_t i = 0; i < all.size(); ++i) {
        const Customer &c = all[i];
        const bool here = ctx.batch.initial ? i < n0 : (i >= n0 && in_batch_days(ctx, day_of(c.signup)));
        if (!here)
            continue;
        w.raw(ctx.world.customer_id(static_cast<int64_t>(i))).raw(segment_name(c.segment));
        real(w, c.rate);
        real(w, 1.0);
        w.date(c.active_from).date(std::min(c.active_until, kHistoryEnd + 4 * 365)).raw(channel_name(c.preferred_channel))
            .text(brands()[static_cast<size_t>(c.preferred_brand)].name);
        w.end_row();
    }
}

}  // namespace

const std::vector<TruthTable> &truth_tables()
{
    static const std::vector<TruthTable> t = {
        {"truth.calendar", "day, weekday_factor, yearly_factor, festival, festival_factor, factor", write_calendar},
        {"truth.city_demand", "city, population, base_orders_per_day, online_share", write_city_demand},
        {"truth.store_demand", "store_id, city, base_orders_per_day", write_store_demand},
        {"truth.product_demand", "product_id, popularity_rank, share, release_date, launch_boost, price_elasticity", write_product_demand},
        {"truth.promotions", "promotion_code, starts_on, ends_on, brand, category, channel, discount_pct, uplift", truth_promotions},
        {"truth.price_changes", "product_id, effective_on, list_price", write_price_changes},
        {"truth.anomalies", "anomaly_id, batch_id, kind, store_id, brand, day, end_day, magnitude", write_anomalies},
        {"truth.customer_segments", "customer_id, segment, orders_per_year, basket_factor, active_from, active_until, preferred_channel, preferred_brand", write_segments},
    };
    return t;
}

void write_planted_dirt(const LoadContext &ctx, const DirtLog &dirt, RowWriter &w)
{
    for (const auto &d : dirt) {
        w.integer(ctx.batch.id).raw(d.table).raw(d.kind).raw(d.key);
        d.column ? w.raw(d.column) : w.null();
        w.null();
        w.end_row();
    }
}

void write_attribute_changes(const LoadContext &ctx, const std::vector<AttributeChange> &changes, RowWriter &w)
{
    for (const auto &c : changes) {
        w.integer(ctx.batch.id).raw(c.table).raw(c.key).raw(c.column).text(c.old_value).text(c.new_value);
        // timestamp without time zone: drop the offset.
        std::string ts;
        append_timestamp(ts, c.changed_at);
        ts.resize(19);
        w.raw(ts);
        w.end_row();
    }
}

}  // namespace autopilot::etl
