// Orders from the demand process (orders.hpp).
#include "orders.hpp"

#include "catalog.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace autopilot::etl {

namespace {

constexpr double kReturnRate = 0.06;
constexpr double kCancelRate = 0.025;
constexpr double kReviewRate = 0.1395;
constexpr double kLateRate = 0.005;

const char *kPayments[] = {"upi", "card", "netbanking", "wallet", "cod", "cash"};
const char *kReasons[] = {"size_issue", "defective", "not_as_described", "changed_mind", "late_delivery"};

LocalTs order_time(Rng &rng, Day d, Channel ch)
{
    // Stores open 10:00-21:30 with an evening rush; online peaks at lunch and late evening.
    static const double kStoreHours[24] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 4, 5, 5, 4, 4, 5, 7, 9, 10, 8, 4, 0, 0};
    static const double kOnlineHours[24] = {1.2, 0.6, 0.3, 0.2, 0.2, 0.3, 0.8, 1.5, 2.5, 3, 3.5, 4, 5, 4.5, 3.5, 3.5, 3.5, 4, 5, 6, 7, 7, 5.5, 3};
    static const WeightedPicker store_h(std::vector<double>(kStoreHours, kStoreHours + 24));
    static const WeightedPicker online_h(std::vector<double>(kOnlineHours, kOnlineHours + 24));
    const size_t h = ch == Channel::store ? store_h.pick(rng) : online_h.pick(rng);
    return static_cast<LocalTs>(d) * 86400 + static_cast<LocalTs>(h) * 3600 + rng.range(0, 3599);
}

}  // namespace

const char *payment_name(uint8_t p) { return kPayments[p % 6]; }
const char *return_reason_name(uint8_t r) { return kReasons[r % 5]; }

std::string order_id(Day day, int seq)
{
    char buf[24];
    std::snprintf(buf, sizeof buf, "O%04d%06d", day - kEpoch, seq);
    return buf;
}

Population::Population(const World &world, Day last_day) : world_(world), all_(world.customers())
{
    // New customers of appends sign up at the history's pace, spread evenly over each day.
    const Day end = kEpoch + kHistoryDays;
    const int64_t n_new = world.new_customers_before(last_day + 1);
    int64_t made = 0;
    for (Day d = end; made < n_new; ++d) {
        const int64_t upto = world.new_customers_before(d + 1);
        const int64_t today = upto - made;
        for (int64_t k = 0; k < today; ++k) {
            const LocalTs signup = static_cast<LocalTs>(d) * 86400 + 8 * 3600 + (k * 15 * 3600) / std::max<int64_t>(today, 1);
            all_.push_back(world.make_customer(static_cast<int64_t>(all_.size()), signup));
        }
        made = upto;
    }
}

std::vector<double> product_weights(const World &world, Day day, int channel)
{
    const auto &ps = world.products();
    std::vector<double> w(ps.size(), 0.0);
    const auto promos = world.promotions_on(day);
    for (size_t i = 0; i < ps.size(); ++i) {
        const Product &p = ps[i];
        if (p.release > day)
            continue;
        const int age = day - p.release;
        double x = p.share;
        if (age < 30)
            x *= p.launch_boost;
        x /= 1.0 + age / 730.0;  // interest fades over the years
        const double price_ratio = static_cast<double>(p.price_on(day)) / static_cast<double>(p.msrp);
        x *= std::pow(price_ratio, -p.elasticity);
        for (const Promotion *pr : promos)
            if ((pr->brand < 0 || pr->brand == p.brand) && (pr->category < 0 || pr->category == p.category) &&
                (pr->channel < 0 || pr->channel == channel))
                x *= pr->uplift;
        w[i] = x;
    }
    return w;
}

DayOrders make_day_orders(const Population &pop, Day day)
{
    const World &world = pop.world();
    Rng rng(world.seed(), kStreamDayOrders, static_cast<uint64_t>(day));
    DayOrders out;
    out.day = day;
    const int n = world.orders_on(day);
    const auto &stores = world.stores();
    const auto &ps = world.products();
    const auto &custs = pop.all();
    const size_t n_cities = cities().size();

    // Outlets: each physical store (channel store), then each city's online demand.
    std::vector<double> outlet_w;
    for (size_t s = 1; s < stores.size(); ++s)
        outlet_w.push_back((1.0 - world.online_share()) * stores[s].base_share *
                           world.store_multiplier(static_cast<int>(s), day));
    for (size_t c = 0; c < n_cities; ++c)
        outlet_w.push_back(world.online_share() * world.city_weight(static_cast<int>(c)));
    const WeightedPicker outlets(outlet_w);

    // Customers active today, by city, weighted by their segment's intensity.
    std::vector<std::vector<int>> city_members(n_cities);
    std::vector<std::vector<double>> city_weights(n_cities);
    std::vector<double> all_w(custs.size(), 0.0);
    for (size_t i = 0; i < custs.size(); ++i) {
        const Customer &c = custs[i];
        if (day < c.active_from || day > c.active_until || day_of(c.signup) > day)
            continue;
        all_w[i] = c.rate;
        city_members[static_cast<size_t>(c.city)].push_back(static_cast<int>(i));
        city_weights[static_cast<size_t>(c.city)].push_back(c.rate);
    }
    std::vector<WeightedPicker> city_pick(n_cities);
    for (size_t c = 0; c < n_cities; ++c)
        city_pick[c].reset(city_weights[c]);
    const WeightedPicker any_pick(all_w);

    const std::vector<double> pw_store = product_weights(world, day, static_cast<int>(Channel::store));
    const std::vector<double> pw_app = product_weights(world, day, static_cast<int>(Channel::app));
    const WeightedPicker prod_store(pw_store), prod_app(pw_app);
    // A customer's favourite brand gets a third of their lines.
    std::vector<std::vector<int>> brand_members(brands().size());
    std::vector<std::vector<double>> brand_w(brands().size());
    for (size_t i = 0; i < ps.size(); ++i)
        if (pw_store[i] > 0) {
            brand_members[static_cast<size_t>(ps[i].brand)].push_back(static_cast<int>(i));
            brand_w[static_cast<size_t>(ps[i].brand)].push_back(pw_store[i]);
        }
    std::vector<WeightedPicker> brand_pick(brands().size());
    for (size_t b = 0; b < brands().size(); ++b)
        brand_pick[b].reset(brand_w[b]);

    const auto promos = world.promotions_on(day);
    const int first_promo = promos.empty() ? -1 : static_cast<int>(promos.front() - world.promotions().data());

    out.orders.reserve(static_cast<size_t>(n));
    std::vector<Order> online, offline;
    for (int i = 0; i < n; ++i) {
        Order o{};
        const size_t outlet = outlets.pick(rng);
        int city;
        if (outlet < stores.size() - 1) {
            o.channel = Channel::store;
            o.store = static_cast<int>(outlet + 1);
            city = stores[static_cast<size_t>(o.store)].city;
        } else {
            city = static_cast<int>(outlet - (stores.size() - 1));
            o.store = 0;
            o.channel = rng.chance(0.6) ? Channel::online : Channel::app;
        }
        // Store customers mostly live in the store's city; everyone else is picked state-wide.
        const auto &cp = city_pick[static_cast<size_t>(city)];
        if (!cp.empty() && rng.chance(0.85))
            o.customer = city_members[static_cast<size_t>(city)][cp.pick(rng)];
        else if (!any_pick.empty())
            o.customer = static_cast<int>(any_pick.pick(rng));
        else
            o.customer = static_cast<int>(rng.below(custs.size()));
        const Customer &cust = custs[static_cast<size_t>(o.customer)];
        if (o.channel != Channel::store && cust.preferred_channel != Channel::store)
            o.channel = cust.preferred_channel;
        o.ts = order_time(rng, day, o.channel);
        o.status = o.channel != Channel::store && rng.chance(kCancelRate) ? OrderStatus::cancelled : OrderStatus::delivered;
        o.payment = o.channel == Channel::store ? static_cast<uint8_t>(rng.chance(0.25) ? 5 : rng.chance(0.55) ? 0 : 1)
                                                : static_cast<uint8_t>(WeightedPicker({45, 30, 6, 7, 12}).pick(rng));
        // Delivery lag of the source feed: minutes, and for a few rows days (late arrivals).
        o.landed = o.ts + (rng.chance(kLateRate) ? rng.range(3 * 86400, 10 * 86400) : rng.range(60, 3600));

        // Lines: 1 + Poisson(2), so three per order on average.
        const int k = std::min(1 + rng.poisson(2.0), 8);
        o.line_begin = static_cast<uint32_t>(out.lines.size());
        o.line_count = static_cast<uint32_t>(k);
        const WeightedPicker &pp = o.channel == Channel::app ? prod_app : prod_store;
        const double ret_rate = kReturnRate * (o.channel == Channel::store ? world.return_rate_multiplier(o.store, day) : 1.0);
        bool any_promo_line = false;
        int all_returned = 1;
        for (int j = 0; j < k; ++j) {
            OrderLine l{};
            const auto &bp = brand_pick[static_cast<size_t>(cust.preferred_brand)];
            int prod = -1;
            for (int tries = 0; tries < 20; ++tries) {
                prod = !bp.empty() && rng.chance(0.33)
                           ? brand_members[static_cast<size_t>(cust.preferred_brand)][bp.pick(rng)]
                           : static_cast<int>(pp.pick(rng));
                if (o.channel != Channel::store || !world.stocked_out(o.store, ps[static_cast<size_t>(prod)].brand, day))
                    break;
            }
            const Product &p = ps[static_cast<size_t>(prod)];
            l.product = prod;
            l.size2 = static_cast<uint8_t>(p.size_lo2 + static_cast<int>(rng.below(static_cast<uint64_t>(p.size_hi2 - p.size_lo2 + 1))));
            l.quantity = static_cast<int8_t>(rng.chance(0.05) ? 2 : 1);
            l.unit_price = p.price_on(day);
            for (const Promotion *pr : promos)
                if ((pr->brand < 0 || pr->brand == p.brand) && (pr->category < 0 || pr->category == p.category) &&
                    (pr->channel < 0 || pr->channel == static_cast<int>(o.channel)))
                    any_promo_line = true;
            if (o.status != OrderStatus::cancelled && rng.chance(std::min(ret_rate, 0.9))) {
                l.returned = true;
                l.return_reason = static_cast<uint8_t>(rng.below(5));
                l.returned_at = o.ts + rng.range(3 * 86400, 25 * 86400);
            } else {
                all_returned = 0;
            }
            if (o.status != OrderStatus::cancelled && !l.returned && rng.chance(kReviewRate)) {
                l.reviewed = true;
                const double r = p.rating_mean + rng.normal() * 0.9;
                l.rating = static_cast<uint8_t>(std::clamp(static_cast<int>(std::lround(r)), 1, 5));
                l.review_at = o.ts + rng.range(4 * 86400, 30 * 86400);
            }
            out.lines.push_back(l);
        }
        // A promotion applies when a line qualifies and the customer uses the code (3 in 4 do).
        o.promotion = -1;
        if (any_promo_line && rng.chance(0.75)) {
            for (const Promotion *pr : promos) {
                bool match = false;
                for (uint32_t j = 0; j < o.line_count; ++j) {
                    const Product &p = ps[static_cast<size_t>(out.lines[o.line_begin + j].product)];
                    if ((pr->brand < 0 || pr->brand == p.brand) && (pr->category < 0 || pr->category == p.category) &&
                        (pr->channel < 0 || pr->channel == static_cast<int>(o.channel)))
                        match = true;
                }
                if (!match)
                    continue;
                o.promotion = static_cast<int>(pr - world.promotions().data());
                for (uint32_t j = 0; j < o.line_count; ++j) {
                    OrderLine &l = out.lines[o.line_begin + j];
                    const Product &p = ps[static_cast<size_t>(l.product)];
                    if ((pr->brand < 0 || pr->brand == p.brand) && (pr->category < 0 || pr->category == p.category))
                        l.discount = static_cast<int64_t>(std::llround(static_cast<double>(l.unit_price * l.quantity) * pr->discount_pct / 100.0)) * 100;
                }
                break;
            }
        }
        (void)first_promo;
        if (o.status != OrderStatus::cancelled && all_returned)
            o.status = OrderStatus::returned;
        (o.channel == Channel::store ? offline : online).push_back(o);
    }
    // Online/app orders first, so their position is the seq of the session that placed them.
    std::sort(online.begin(), online.end(), [](const Order &a, const Order &b) { return a.ts < b.ts; });
    std::sort(offline.begin(), offline.end(), [](const Order &a, const Order &b) { return a.ts < b.ts; });
    out.online_orders = static_cast<int>(online.size());
    int seq = 0;
    for (auto &o : online) {
        o.session_seq = seq;
        o.seq = seq++;
        out.orders.push_back(o);
    }
    for (auto &o : offline) {
        o.session_seq = -1;
        o.seq = seq++;
        out.orders.push_back(o);
    }
    return out;
}

}  // namespace autopilot::etl
