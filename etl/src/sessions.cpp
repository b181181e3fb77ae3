// Sessions and clickstream funnels (sessions.hpp).
#include "sessions.hpp"

#include "catalog.hpp"

#include <algorithm>
#include <cstdio>

namespace autopilot::etl {

namespace {

const char *kDevices[] = {"mobile", "desktop", "tablet"};
const char *kOs[] = {"android", "ios", "windows", "macos", "linux"};
const char *kSources[] = {"direct", "organic", "paid_search", "social", "email", "referral"};
const char *kQueries[] = {"running+shoes", "jordan", "white+sneakers", "sandals", "nike+air+max", "samba", "kids+shoes", "basketball", "offers", "new+arrivals"};

// Mean events of a browsing session; purchase sessions add the basket and checkout steps.
constexpr double kBrowseViews = 13.4;

}  // namespace

const char *event_type_name(EventType t)
{
    switch (t) {
    case EventType::page_view: return "page_view";
    case EventType::search: return "search";
    case EventType::product_view: return "product_view";
    case EventType::add_to_cart: return "add_to_cart";
    case EventType::remove_from_cart: return "remove_from_cart";
    case EventType::begin_checkout: return "begin_checkout";
    case EventType::purchase: return "purchase";
    }
    return "?";
}

const char *device_name(uint8_t d) { return kDevices[d % 3]; }
const char *os_name(uint8_t o) { return kOs[o % 5]; }
const char *traffic_source_name(uint8_t s) { return kSources[s % 6]; }

std::string session_id(Day day, int seq)
{
    char buf[24];
    std::snprintf(buf, sizeof buf, "W%04d%07d", day - kEpoch, seq);
    return buf;
}

void append_page_url(std::string &out, const World &world, const Event &e)
{
    switch (e.type) {
    case EventType::page_view:
        if (e.page == 0)
            out.append("/");
        else
            out.append("/c/").append(categories()[(e.page - 1u) % categories().size()]);
        break;
    case EventType::search:
        out.append("/search?q=").append(kQueries[e.page % 10]);
        break;
    case EventType::product_view:
    case EventType::add_to_cart:
    case EventType::remove_from_cart:
        out.append("/p/").append(world.products()[static_cast<size_t>(e.product)].id);
        break;
    case EventType::begin_checkout:
        out.append("/checkout");
        break;
    case EventType::purchase:
        out.append("/checkout/confirmation");
        break;
    }
}

SessionDay::SessionDay(const Population &pop, const DayOrders &orders) : pop_(pop), orders_(orders)
{
    const World &w = pop.world();
    count_ = std::max(w.sessions_on(orders.day), orders.online_orders);
    products_.reset(product_weights(w, orders.day, -1));
    std::vector<double> cw;
    for (size_t c = 0; c < cities().size(); ++c)
        cw.push_back(w.city_weight(static_cast<int>(c)));
    cities_.reset(cw);
}

void SessionDay::make(int seq, Session &s) const
{
    const World &w = pop_.world();
    const Day day = orders_.day;
    Rng rng(w.seed(), kStreamSession, static_cast<uint64_t>(day) * 10000000ULL + static_cast<uint64_t>(seq));
    s.seq = seq;
    s.events.clear();
    s.order = seq < orders_.online_orders ? seq : -1;
    const Order *o = s.order >= 0 ? &orders_.orders[static_cast<size_t>(s.order)] : nullptr;
    const auto &custs = pop_.all();
    if (o) {
        s.customer = o->customer;
        s.app = o->channel == Channel::app;
    } else {
        s.customer = -1;
        if (rng.chance(0.55)) {
            const int c = static_cast<int>(rng.below(custs.size()));
            if (day_of(custs[static_cast<size_t>(c)].signup) <= day)
                s.customer = c;
        }
        s.app = rng.chance(0.35);
    }
    s.city = s.customer >= 0 ? custs[static_cast<size_t>(s.customer)].city : static_cast<int>(cities_.pick(rng));
    s.device = s.app ? 0 : static_cast<uint8_t>(rng.chance(0.7) ? 0 : rng.chance(0.85) ? 1 : 2);
    s.os = s.device == 1 ? static_cast<uint8_t>(2 + rng.below(3)) : static_cast<uint8_t>(rng.chance(0.78) ? 0 : 1);
    s.source = static_cast<uint8_t>(WeightedPicker({30, 25, 15, 18, 8, 4}).pick(rng));

    // Events with offsets from the start; shifted so a purchase lands at its order's time.
    LocalTs t = 0;
    auto add = [&](EventType type, uint8_t page, int product) {
        t += 3 + static_cast<LocalTs>(rng.exponential(38.0));
        s.events.push_back({type, page, product, t});
    };
    add(EventType::page_view, 0, -1);
    const int browse = 1 + rng.poisson(kBrowseViews);
    std::vector<int> cart;
    for (int i = 0; i < browse; ++i) {
        const double u = rng.uniform();
        if (u < 0.18)
            add(EventType::page_view, static_cast<uint8_t>(1 + rng.below(categories().size())), -1);
        else if (u < 0.26)
            add(EventType::search, static_cast<uint8_t>(rng.below(10)), -1);
        else {
            const int p = static_cast<int>(products_.pick(rng));
            add(EventType::product_view, 0, p);
            if (!o && rng.chance(0.045)) {
                add(EventType::add_to_cart, 0, p);
                cart.push_back(p);
            }
        }
    }
    if (o) {
        for (uint32_t j = 0; j < o->line_count; ++j) {
            const int p = orders_.lines[o->line_begin + j].product;
            add(EventType::product_view, 0, p);
            add(EventType::add_to_cart, 0, p);
        }
        if (rng.chance(0.2)) {
            const int p = static_cast<int>(products_.pick(rng));
            add(EventType::add_to_cart, 0, p);
            add(EventType::remove_from_cart, 0, p);
        }
        add(EventType::begin_checkout, 0, -1);
        add(EventType::purchase, 0, -1);
        const LocalTs shift = o->ts - t;
        for (auto &e : s.events)
            e.ts += shift;
        s.start = s.events.front().ts - 1;
        s.end = o->ts;
        return;
    }
    // Abandoned funnels: some carts reach checkout, none purchase.
    if (!cart.empty() && rng.chance(0.3)) {
        if (rng.chance(0.3))
            add(EventType::remove_from_cart, 0, cart.back());
        add(EventType::begin_checkout, 0, -1);
    }
    static const double kHours[24] = {1.2, 0.6, 0.3, 0.2, 0.2, 0.3, 0.8, 1.5, 2.5, 3, 3.5, 4, 5, 4.5, 3.5, 3.5, 3.5, 4, 5, 6, 7, 7, 5.5, 3};
    static const WeightedPicker hours(std::vector<double>(kHours, kHours + 24));
    LocalTs start = static_cast<LocalTs>(day) * 86400 + static_cast<LocalTs>(hours.pick(rng)) * 3600 + rng.range(0, 3599);
    // A session may run past midnight; it is still the day's session.
    for (auto &e : s.events)
        e.ts += start;
    s.start = start;
    s.end = s.events.back().ts;
}

}  // namespace autopilot::etl
