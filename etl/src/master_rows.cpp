// Bronze rows of the master data: stores, promotions, products and customers, including the
// re-deliveries of appends (changed, unchanged and late-arriving changes: SCD2 material).
#include "bronze_rows.hpp"

#include "catalog.hpp"

#include <algorithm>
#include <cstdio>
#include <map>

namespace autopilot::etl {

namespace {

const Day kHistoryEnd = kEpoch + kHistoryDays - 1;
// Snapshot rows of the initial extract land a few minutes into the first day.
constexpr LocalTs kExtractTs = static_cast<LocalTs>(kEpoch) * 86400 + 300;

const char *kTiers[] = {"none", "silver", "gold", "platinum"};

struct CustomerDelivery {
    int index;
    Customer state;
    LocalTs updated_at, landed;
    std::vector<AttributeChange> changes;
};

struct ProductState {
    std::string colourway;
    bool limited;
    int64_t price;
};

struct ProductDelivery {
    int index;
    ProductState state;
    LocalTs updated_at, landed;
    std::vector<AttributeChange> changes;
};

ProductState product_state(const Product &p, Day d) { return {p.colourway, p.limited, p.price_on(d)}; }

std::string money_text(int64_t paise)
{
    std::string s;
    append_money(s, paise);
    return s;
}

// Re-deliveries of customers after the history, day by day up to the batch's last day.
std::vector<CustomerDelivery> customer_deliveries(const LoadContext &ctx)
{
    std::vector<CustomerDelivery> out;
    const auto &base = ctx.world.customers();
    if (base.empty())
        return out;
    std::map<int, Customer> current;
    const double n = static_cast<double>(base.size());
    for (Day d = kHistoryEnd + 1; d <= ctx.batch.last; ++d) {
        Rng rng(ctx.world.seed(), kStreamChanges, static_cast<uint64_t>(d) * 4);
        const int changed = rng.poisson(n * 0.003), same = rng.poisson(n * 0.001), late = rng.poisson(n * 0.0005);
        for (int k = 0; k < changed + same + late; ++k) {
            const int idx = static_cast<int>(rng.below(base.size()));
            auto it = current.find(idx);
            Customer c = it != current.end() ? it->second : base[static_cast<size_t>(idx)];
            CustomerDelivery del;
            del.index = idx;
            const LocalTs at = static_cast<LocalTs>(d) * 86400 + rng.range(9 * 3600, 21 * 3600);
            del.landed = at + rng.range(60, 1800);
            del.updated_at = k >= changed + same ? at - rng.range(3, 20) * 86400 : at;
            if (k < changed || k >= changed + same) {
                const std::string key = ctx.world.customer_id(idx);
                auto change = [&](const char *col, const std::string &o, const std::string &nv) {
                    del.changes.push_back({"customers", key, col, o, nv, del.updated_at});
                };
                switch (rng.below(5)) {
                case 0: {  // moved to another city
                    const int city = static_cast<int>(rng.below(cities().size()));
                    if (city == c.city)
                        break;
                    const std::string pin = std::string(cities()[static_cast<size_t>(city)].pincode_prefix) + "0" +
                                            std::to_string(10 + rng.below(89));
                    change("city", cities()[static_cast<size_t>(c.city)].name, cities()[static_cast<size_t>(city)].name);
                    change("pincode", c.pincode, pin);
                    c.city = city;
                    c.pincode = pin;
                    break;
                }
                case 1: {
                    char phone[24];
                    std::snprintf(phone, sizeof phone, "+91 %c%09llu", "6789"[rng.below(4)],
                                  static_cast<unsigned long long>(rng.below(1000000000ULL)));
                    change("phone", c.phone, phone);
                    c.phone = phone;
                    break;
                }
                case 2: {
                    std::string e = c.email;
                    e.insert(e.find('@'), "." + std::to_string(d % 97));
                    change("email", c.email, e);
                    c.email = e;
                    break;
                }
                case 3:
                    if (c.tier < 3) {
                        change("loyalty_tier", kTiers[c.tier], kTiers[c.tier + 1]);
                        ++c.tier;
                    }
                    break;
                default:
                    change("marketing_opt_in", c.opt_in ? "true" : "false", c.opt_in ? "false" : "true");
                    c.opt_in = !c.opt_in;
                }
            }
            current[idx] = c;
            del.state = c;
            out.push_back(std::move(del));
        }
    }
    return out;
}

std::vector<ProductDelivery> product_deliveries(const LoadContext &ctx)
{
    std::vector<ProductDelivery> out;
    const auto &ps = ctx.world.products();
    if (ps.empty())
        return out;
    std::map<int, ProductState> current;
    for (Day d = kHistoryEnd + 1; d <= ctx.batch.last; ++d) {
        Rng rng(ctx.world.seed(), kStreamChanges, static_cast<uint64_t>(d) * 4 + 1);
        // Markdowns scheduled for the day, then occasional catalogue fixes and plain re-sends.
        std::vector<std::pair<int, int>> todo;  // (index, kind 0 price 1 fix 2 same)
        for (size_t i = 0; i < ps.size(); ++i)
            for (const auto &pp : ps[i].prices)
                if (pp.from == d && pp.from != ps[i].release)
                    todo.emplace_back(static_cast<int>(i), 0);
        const double n = static_cast<double>(ps.size());
        const int fixes = rng.poisson(n * 0.0004), same = rng.poisson(n * 0.0005);
        for (int k = 0; k < fixes; ++k)
            todo.emplace_back(static_cast<int>(rng.below(ps.size())), 1);
        for (int k = 0; k < same; ++k)
            todo.emplace_back(static_cast<int>(rng.below(ps.size())), 2);
        for (const auto &[idx, kind] : todo) {
            const Product &p = ps[static_cast<size_t>(idx)];
            if (p.release > d)
                continue;
            auto it = current.find(idx);
            ProductState st = it != current.end() ? it->second : product_state(p, kHistoryEnd);
            ProductDelivery del;
            del.index = idx;
            del.updated_at = static_cast<LocalTs>(d) * 86400 + rng.range(6 * 3600, 10 * 3600);
            del.landed = del.updated_at + rng.range(60, 3600);
            if (kind == 0) {
                const int64_t np = p.price_on(d);
                if (np != st.price)
                    del.changes.push_back({"products", p.id, "list_price", money_text(st.price), money_text(np), del.updated_at});
                st.price = np;
            } else if (kind == 1) {
                if (rng.chance(0.5)) {
                    const std::string nc = rng.pick(colourways());
                    if (nc != st.colourway)
                        del.changes.push_back({"products", p.id, "colourway", st.colourway, nc, del.updated_at});
                    st.colourway = nc;
                } else {
                    del.changes.push_back({"products", p.id, "is_limited", st.limited ? "true" : "false",
                                           st.limited ? "false" : "true", del.updated_at});
                    st.limited = !st.limited;
                }
            }
            current[idx] = st;
            del.state = st;
            out.push_back(std::move(del));
        }
    }
    return out;
}

void product_row(RowWriter &w, const Product &p, const ProductState &st, LocalTs updated_at, bool null_brand)
{
    const BrandInfo &b = brands()[static_cast<size_t>(p.brand)];
    w.raw(p.id).raw(p.sku);
    null_brand ? w.null() : w.text(b.name);
    w.text(p.model).text(p.name).raw(categories()[static_cast<size_t>(p.category)]).raw(p.gender).text(st.colourway)
        .raw(p.material);
    char sr[48];
    std::snprintf(sr, sizeof sr, "UK %g-%g", p.size_lo2 / 2.0, p.size_hi2 / 2.0);
    w.raw(sr).date(p.release).money(p.msrp).money(st.price).boolean(st.limited).timestamp(updated_at);
}

void customer_row(const World &world, RowWriter &w, int index, const Customer &c, LocalTs updated_at,
                  const char *dirt_kind)
{
    w.raw(world.customer_id(index)).text(c.first_name).text(c.last_name);
    const std::string_view kind = dirt_kind ? dirt_kind : "";
    if (kind == "null_value")
        w.null();
    else if (kind == "malformed_email") {
        std::string e = c.email;
        const auto at = e.find('@');
        // Three ways real forms go wrong: no @, a space, a missing domain.
        switch (index % 3) {
        case 0: e[at] = '.'; w.text(e); break;
        case 1: e.insert(at, " "); w.text(e); break;
        default: w.text(e.substr(0, at + 1));
        }
    } else
        w.text(c.email);
    if (kind == "malformed_phone") {
        std::string digits = c.phone.substr(4);
        w.text(index % 2 ? digits.substr(0, 6) : "0091-" + digits + "x");
    } else
        w.raw(c.phone);
    w.raw(c.gender == 'M' ? "male" : "female").date(c.birth).text(cities()[static_cast<size_t>(c.city)].name)
        .raw(c.pincode).timestamp(c.signup).raw(kTiers[c.tier]).boolean(c.opt_in).timestamp(updated_at);
}

}  // namespace

void write_stores(const LoadContext &ctx, RowWriter &w)
{
    if (!ctx.batch.initial)
        return;
    const auto &cs = cities();
    for (const auto &s : ctx.world.stores()) {
        const CityInfo &c = cs[static_cast<size_t>(s.city)];
        char lat[24], lon[24];
        std::snprintf(lat, sizeof lat, "%.6f", s.lat);
        std::snprintf(lon, sizeof lon, "%.6f", s.lon);
        w.raw(s.id).raw(s.code).text(s.name).raw(s.type).text(s.address).text(c.name).text(c.district)
            .raw("Tamil Nadu").raw(s.pincode).raw(lat).raw(lon).integer(c.population).integer(s.area_sqft)
            .date(s.opened_on).null();
        w.finish(kExtractTs, ctx.batch.id);
    }
}

void write_promotions(const LoadContext &ctx, RowWriter &w)
{
    for (const auto &p : ctx.world.promotions()) {
        // Marketing publishes a promotion 30 days ahead.
        const LocalTs landed = std::max<LocalTs>(kExtractTs, static_cast<LocalTs>(p.starts_on - 30) * 86400 + 36000);
        if (!ctx.batch.lands(landed))
            continue;
        char pct[16];
        std::snprintf(pct, sizeof pct, "%.0f", p.discount_pct * 100);
        w.raw(p.code).text(p.name).raw(pct).date(p.starts_on).date(p.ends_on);
        p.brand >= 0 ? w.text(brands()[static_cast<size_t>(p.brand)].name) : w.null();
        p.category >= 0 ? w.raw(categories()[static_cast<size_t>(p.category)]) : w.null();
        p.channel >= 0 ? w.raw(channel_name(static_cast<Channel>(p.channel))) : w.null();
        w.finish(landed, ctx.batch.id);
    }
}

void write_products(const LoadContext &ctx, RowWriter &w, DirtLog &dirt)
{
    const auto &ps = ctx.world.products();
    if (ctx.batch.initial) {
        // The initial extract: every article as of the history's last day.
        for (size_t i = 0; i < ps.size(); ++i) {
            const Product &p = ps[i];
            LocalTs updated = static_cast<LocalTs>(p.release) * 86400 + 7 * 3600;
            for (const auto &pp : p.prices)
                if (pp.from <= kHistoryEnd)
                    updated = static_cast<LocalTs>(pp.from) * 86400 + 7 * 3600;
            const bool null_brand = unit_hash(ctx.world.seed(), kStreamDirt, hash3(2, i, 0)) < DirtRates::product_null_brand;
            if (null_brand)
                dirt.push_back({"products", "null_value", p.id, "brand"});
            product_row(w, p, product_state(p, kHistoryEnd), updated, null_brand);
            w.finish(kExtractTs + static_cast<LocalTs>(i % 3000), ctx.batch.id);
        }
    }
    for (const auto &del : product_deliveries(ctx)) {
        if (!ctx.batch.lands(del.landed))
            continue;
        product_row(w, ps[static_cast<size_t>(del.index)], del.state, del.updated_at, false);
        w.finish(del.landed, ctx.batch.id);
    }
}

void write_customers(const LoadContext &ctx, RowWriter &w, DirtLog &dirt)
{
    const auto &all = ctx.pop.all();
    const uint64_t seed = ctx.world.seed();
    for (size_t i = 0; i < all.size(); ++i) {
        const Customer &c = all[i];
        // First delivery: the initial extract for earlier sign-ups, minutes after sign-up otherwise.
        const LocalTs landed = c.signup < static_cast<LocalTs>(kEpoch) * 86400
                                   ? kExtractTs + static_cast<LocalTs>(i % 3600)
                                   : c.signup + 60 + static_cast<LocalTs>(hash3(seed, 3, i) % 900);
        if (!ctx.batch.lands(landed))
            continue;
        const std::string id = ctx.world.customer_id(static_cast<int64_t>(i));
        const double u = unit_hash(seed, kStreamDirt, hash3(3, i, 0));
        const char *kind = nullptr;
        const char *column = nullptr;
        double edge = DirtRates::customer_null_email;
        if (u < edge) { kind = "null_value"; column = "email"; }
        else if (u < (edge += DirtRates::customer_bad_email)) { kind = "malformed_email"; column = "email"; }
        else if (u < (edge += DirtRates::customer_bad_phone)) { kind = "malformed_phone"; column = "phone"; }
        if (kind)
            dirt.push_back({"customers", kind, id, column});
        customer_row(ctx.world, w, static_cast<int>(i), c, c.signup, kind);
        w.finish(landed, ctx.batch.id);
        if (unit_hash(seed, kStreamDirt, hash3(3, i, 1)) < DirtRates::customer_duplicate) {
            dirt.push_back({"customers", "duplicate", id, nullptr});
            customer_row(ctx.world, w, static_cast<int>(i), c, c.signup, kind);
            w.finish(landed + (day_of(landed + 1) == day_of(landed) ? 1 : 0), ctx.batch.id);
        }
    }
    for (const auto &del : customer_deliveries(ctx)) {
        if (!ctx.batch.lands(del.landed))
            continue;
        customer_row(ctx.world, w, del.index, del.state, del.updated_at, nullptr);
        w.finish(del.landed, ctx.batch.id);
    }
}

std::vector<AttributeChange> attribute_changes(const LoadContext &ctx)
{
    std::vector<AttributeChange> out;
    for (auto &del : customer_deliveries(ctx))
        if (ctx.batch.lands(del.landed))
            for (auto &c : del.changes)
                out.push_back(std::move(c));
    for (auto &del : product_deliveries(ctx))
        if (ctx.batch.lands(del.landed))
            for (auto &c : del.changes)
                out.push_back(std::move(c));
    return out;
}

}  // namespace autopilot::etl
