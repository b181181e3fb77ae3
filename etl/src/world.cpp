// Builds the generator's world (world.hpp): the entities and the demand process behind every row.
#include "world.hpp"

#include "catalog.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace autopilot::etl {

namespace {

constexpr int kHorizonDays = 365 * 5;  // appends may go this far past the epoch

int64_t round_price(double inr)
{
    // Retail prices end in 99 or 95: 7995, 8999.
    int64_t r = static_cast<int64_t>(std::floor(inr / 100.0)) * 100 - 1;
    if (r < 499)
        r = 499;
    return r * 100;
}

std::string pad(const char *prefix, int64_t n, int width)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%s%0*lld", prefix, width, static_cast<long long>(n));
    return buf;
}

}  // namespace

const char *segment_name(Segment s)
{
    switch (s) {
    case Segment::champions: return "champions";
    case Segment::loyal: return "loyal";
    case Segment::new_customer: return "new";
    case Segment::at_risk: return "at_risk";
    case Segment::hibernating: return "hibernating";
    }
    return "?";
}

const char *channel_name(Channel c)
{
    switch (c) {
    case Channel::store: return "store";
    case Channel::online: return "online";
    case Channel::app: return "app";
    }
    return "?";
}

const char *anomaly_kind_name(AnomalyKind k)
{
    switch (k) {
    case AnomalyKind::revenue_spike: return "revenue_spike";
    case AnomalyKind::revenue_drop: return "revenue_drop";
    case AnomalyKind::returns_surge: return "returns_surge";
    case AnomalyKind::stock_out: return "stock_out";
    }
    return "?";
}

void append_money(std::string &out, int64_t paise)
{
    char buf[32];
    const bool neg = paise < 0;
    const int64_t a = neg ? -paise : paise;
    int n = std::snprintf(buf, sizeof buf, "%s%lld.%02lld", neg ? "-" : "", static_cast<long long>(a / 100),
                          static_cast<long long>(a % 100));
    out.append(buf, static_cast<size_t>(n));
}

int64_t Product::price_on(Day d) const
{
    int64_t p = prices.front().price;
    for (const auto &pp : prices)
        if (pp.from <= d)
            p = pp.price;
    return p;
}

World::World(uint64_t seed, double scale) : seed_(seed), scale_(scale)
{
    build_stores();
    build_products();
    build_customers();
    build_promotions();

    // Normalise the demand so the history year holds the target counts exactly (within one,
    // before the planted anomalies add or remove a few orders).
    double sum_factor = 0;
    for (int i = 0; i < kHistoryDays; ++i)
        sum_factor += calendar(kEpoch + i).total;
    base_orders_ = TargetCounts::orders * scale_ / sum_factor;
    // Anomalies are sized against the expected orders, so they come after the base rate; the
    // orders they add (spikes) or remove (outages) are then taken out of the base rate, so the
    // history year still holds the target (their effects shrink by that factor: under 1% from
    // scale 0.3 up, a few % at scale 0.05).
    build_anomalies();
    double extra = 0;
    for (int i = 0; i < kHistoryDays; ++i)
        extra += expected_orders(kEpoch + i) - base_orders_ * calendar(kEpoch + i).total;
    base_orders_ *= TargetCounts::orders * scale_ / (TargetCounts::orders * scale_ + extra);
    double sum_sess = 0;
    for (int i = 0; i < kHistoryDays; ++i)
        sum_sess += 0.6 + 0.4 * calendar(kEpoch + i).total;
    base_sessions_ = TargetCounts::sessions * scale_ / sum_sess;

    cum_orders_.assign(kHorizonDays + 1, 0.0);
    cum_sessions_.assign(kHorizonDays + 1, 0.0);
    for (int i = 0; i < kHorizonDays; ++i) {
        cum_orders_[i + 1] = cum_orders_[i] + expected_orders(kEpoch + i);
        cum_sessions_[i + 1] = cum_sessions_[i] + base_sessions_ * (0.6 + 0.4 * calendar(kEpoch + i).total);
    }
}

CalendarFactors World::calendar(Day d)
{
    static const double kWeekday[7] = {0.86, 0.84, 0.88, 0.93, 1.05, 1.25, 1.19};  // Mon..Sun
    CalendarFactors f{};
    f.weekday = kWeekday[weekday(d)];
    // A yearly swell that peaks with the festival season (late October), lowest in early summer.
    const double doy = day_of_year(d);
    f.yearly = 1.0 + 0.18 * std::cos(2.0 * 3.141592653589793 * (doy - 295.0) / 365.25);
    f.festival = 1.0;
    f.festival_name = nullptr;
    for (const auto &fe : festivals()) {
        const int before = fe.day - d;
        double m = 1.0;
        if (before >= 0 && before <= fe.lead_days)
            m = 1.0 + (fe.peak - 1.0) * (1.0 - static_cast<double>(before) / (fe.lead_days + 1));
        else if (before == -1)
            m = 1.0 + (fe.peak - 1.0) * 0.3;  // the day after still sells
        if (m > f.festival) {
            f.festival = m;
            f.festival_name = fe.name;
        }
    }
    f.total = f.weekday * f.yearly * f.festival;
    return f;
}

double World::expected_orders(Day d) const
{
    double e = base_orders_ * calendar(d).total;
    // Store anomalies add or remove that store's expected orders.
    for (const auto &a : anomalies_) {
        if (d < a.day || d > a.end_day)
            continue;
        if (a.kind == AnomalyKind::revenue_spike || a.kind == AnomalyKind::revenue_drop)
            e += base_orders_ * calendar(d).total * (1.0 - online_share()) * stores_[a.store].base_share *
                 (a.magnitude - 1.0);
    }
    return e;
}

double World::cumulative(Day d, bool sessions) const
{
    const auto &c = sessions ? cum_sessions_ : cum_orders_;
    long i = d - kEpoch;
    if (i < 0)
        return 0;
    if (i > kHorizonDays)
        i = kHorizonDays;
    return c[static_cast<size_t>(i)];
}

int World::orders_on(Day d) const
{
    return static_cast<int>(std::floor(cumulative(d + 1, false)) - std::floor(cumulative(d, false)));
}

int World::sessions_on(Day d) const
{
    return static_cast<int>(std::floor(cumulative(d + 1, true)) - std::floor(cumulative(d, true)));
}

double World::store_multiplier(int store, Day d) const
{
    double m = 1.0;
    for (const auto &a : anomalies_)
        if (a.store == store && d >= a.day && d <= a.end_day &&
            (a.kind == AnomalyKind::revenue_spike || a.kind == AnomalyKind::revenue_drop))
            m *= a.magnitude;
    return m;
}

double World::return_rate_multiplier(int store, Day d) const
{
    for (const auto &a : anomalies_)
        if (a.kind == AnomalyKind::returns_surge && a.store == store && d >= a.day && d <= a.end_day)
            return a.magnitude;
    return 1.0;
}

bool World::stocked_out(int store, int brand, Day d) const
{
    for (const auto &a : anomalies_)
        if (a.kind == AnomalyKind::stock_out && a.store == store && a.brand == brand && d >= a.day &&
            d <= a.end_day)
            return true;
    return false;
}

std::vector<const Promotion *> World::promotions_on(Day d) const
{
    std::vector<const Promotion *> out;
    for (const auto &p : promotions_)
        if (d >= p.starts_on && d <= p.ends_on)
            out.push_back(&p);
    return out;
}

void World::build_stores()
{
    const auto &cs = cities();
    Rng rng(seed_, kStreamStore, 0);
    Store wh;
    wh.id = "S000";
    wh.code = "TN-WH-01";
    wh.name = "Central Fulfilment Centre, Sriperumbudur";
    wh.type = "warehouse";
    wh.address = "SIPCOT Industrial Park, Sriperumbudur";
    wh.pincode = "602105";
    wh.city = 0;
    wh.lat = 12.9675;
    wh.lon = 79.9419;
    wh.area_sqft = 120000;
    wh.opened_on = days_from_civil(2019, 6, 1);
    wh.base_share = 0;
    stores_.push_back(wh);

    double total = 0;
    std::vector<double> raw;
    size_t locality = 0;
    for (size_t c = 0; c < cs.size(); ++c) {
        const double city_demand = std::pow(static_cast<double>(cs[c].population), 0.8);
        for (int k = 0; k < cs[c].stores; ++k) {
            Store s;
            const int n = static_cast<int>(stores_.size());
            s.id = pad("S", n, 3);
            char code[32];
            std::snprintf(code, sizeof code, "TN-%.3s-%02d", cs[c].name, k + 1);
            s.code = code;
            for (auto &ch : s.code)
                ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
            std::string where = cs[c].stores > 1 && locality < store_localities().size()
                                    ? store_localities()[locality++]
                                    : "Main Road";
            s.name = std::string("Autopilot Sneakers ") + cs[c].name + " " + where;
            s.address = where + ", " + cs[c].name;
            s.type = k == 0 && cs[c].stores >= 3 ? "flagship" : (rng.chance(0.4) ? "mall" : "high_street");
            if (k > 0 && rng.chance(0.12))
                s.type = "outlet";
            s.city = static_cast<int>(c);
            // Stores of one city spread over a few kilometres around its centre.
            s.lat = cs[c].lat + (k == 0 ? 0 : rng.uniform(-0.06, 0.06));
            s.lon = cs[c].lon + (k == 0 ? 0 : rng.uniform(-0.06, 0.06));
            s.pincode = std::string(cs[c].pincode_prefix) + pad("", rng.range(1, 99), 3);
            s.area_sqft = s.type == "flagship" ? static_cast<int>(rng.range(6000, 9000)) : static_cast<int>(rng.range(1500, 4000));
            s.opened_on = kEpoch - static_cast<Day>(rng.range(200, 3000));
            const double w = city_demand / cs[c].stores * (s.type == "flagship" ? 1.6 : s.type == "outlet" ? 0.7 : 1.0);
            raw.push_back(w);
            total += w;
            stores_.push_back(s);
        }
    }
    for (size_t i = 1; i < stores_.size(); ++i)
        stores_[i].base_share = raw[i - 1] / total;

    // Customers (and online demand) by city: population with diminishing returns.
    double ct = 0;
    for (const auto &c : cs)
        ct += std::pow(static_cast<double>(c.population), 0.85);
    for (const auto &c : cs)
        city_weight_.push_back(std::pow(static_cast<double>(c.population), 0.85) / ct);
}

void World::build_products()
{
    const auto &bs = brands();
    const size_t n = static_cast<size_t>(std::llround(TargetCounts::products * scale_));
    std::vector<double> bw;
    for (const auto &b : bs)
        bw.push_back(b.weight);
    WeightedPicker brand_picker(bw);
    products_.resize(n);
    // Popularity ranks: a seeded permutation, so popularity is not tied to id order.
    std::vector<int> ranks(n);
    for (size_t i = 0; i < n; ++i)
        ranks[i] = static_cast<int>(i + 1);
    Rng perm(seed_, kStreamWorld, 1);
    for (size_t i = n; i > 1; --i)
        std::swap(ranks[i - 1], ranks[perm.below(i)]);
    const auto z = zipf_weights(n, 1.05);
    double zsum = 0;
    for (double w : z)
        zsum += w;

    for (size_t i = 0; i < n; ++i) {
        Rng rng(seed_, kStreamProduct, i);
        Product &p = products_[i];
        p.id = pad("P", static_cast<int64_t>(i + 1), 6);
        p.brand = static_cast<int>(brand_picker.pick(rng));
        const BrandInfo &b = bs[static_cast<size_t>(p.brand)];
        const ModelInfo &m = rng.pick(b.models);
        p.model = m.name;
        p.category = static_cast<int>(std::find_if(categories().begin(), categories().end(),
                                                   [&](const char *c) { return std::string(c) == m.category; }) -
                                      categories().begin());
        p.colourway = rng.pick(colourways());
        p.material = rng.pick(materials());
        const double g = rng.uniform();
        p.gender = g < 0.5 ? "men" : g < 0.8 ? "women" : g < 0.95 ? "unisex" : "kids";
        if (p.gender == "men") { p.size_lo2 = 12; p.size_hi2 = 24; }
        else if (p.gender == "women") { p.size_lo2 = 6; p.size_hi2 = 16; }
        else if (p.gender == "unisex") { p.size_lo2 = 8; p.size_hi2 = 22; }
        else { p.size_lo2 = 2; p.size_hi2 = 10; }
        p.name = std::string(b.name) + " " + m.name + " '" + p.colourway + "'" +
                 (p.gender == "kids" ? " (Kids)" : p.gender == "women" ? " (W)" : "");
        char sku[40];
        std::snprintf(sku, sizeof sku, "%s-%c%c%04llu-%03llu", b.code, 'A' + static_cast<char>(rng.below(26)),
                      'A' + static_cast<char>(rng.below(26)), static_cast<unsigned long long>(rng.below(10000)),
                      static_cast<unsigned long long>(rng.below(1000)));
        p.sku = sku;
        p.limited = rng.chance(0.06);
        // Releases spread over three years; a fifth of the catalogue is new during the history.
        p.release = rng.chance(0.2) ? kEpoch + static_cast<Day>(rng.range(0, kHistoryDays - 30))
                                    : kEpoch - static_cast<Day>(rng.range(1, 3 * 365));
        p.msrp = round_price(m.base_price * rng.uniform(0.92, 1.12) * (p.limited ? 1.3 : 1.0) * (p.gender == "kids" ? 0.6 : 1.0));
        p.prices.push_back({p.release, p.msrp});
        // Markdowns: most articles get one 120-300 days after release, some a second 90 days later.
        if (!p.limited && rng.chance(0.7)) {
            Day md = p.release + static_cast<Day>(rng.range(120, 300));
            p.prices.push_back({md, round_price(p.msrp / 100.0 * rng.uniform(0.7, 0.9))});
            if (rng.chance(0.4))
                p.prices.push_back({md + static_cast<Day>(rng.range(60, 120)), round_price(p.msrp / 100.0 * rng.uniform(0.5, 0.7))});
        }
        p.rank = ranks[i];
        p.share = z[static_cast<size_t>(p.rank - 1)] / zsum;
        p.launch_boost = p.limited ? rng.uniform(3.0, 5.0) : rng.uniform(1.3, 2.2);
        p.elasticity = rng.uniform(0.8, 2.0);
        p.rating_mean = rng.uniform(3.2, 4.8);
    }
}

Customer World::make_customer(int64_t index, LocalTs signup) const
{
    Rng rng(seed_, kStreamCustomer, static_cast<uint64_t>(index));
    Customer c;
    c.gender = rng.chance(0.58) ? 'M' : 'F';
    c.first_name = c.gender == 'M' ? rng.pick(first_names_male()) : rng.pick(first_names_female());
    c.last_name = rng.pick(last_names());
    WeightedPicker cp(city_weight_);
    c.city = static_cast<int>(cp.pick(rng));
    c.pincode = std::string(cities()[static_cast<size_t>(c.city)].pincode_prefix) + pad("", rng.range(1, 120), 3);
    static const char *kDomains[] = {"gmail.com", "yahoo.co.in", "outlook.com", "rediffmail.com", "hotmail.com"};
    std::string local = c.first_name + "." + c.last_name;
    for (auto &ch : local)
        ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    c.email = local + std::to_string(index % 1000) + "@" + kDomains[rng.below(5)];
    char phone[24];
    std::snprintf(phone, sizeof phone, "+91 %c%09llu", "6789"[rng.below(4)], static_cast<unsigned long long>(rng.below(1000000000ULL)));
    c.phone = phone;
    c.birth = days_from_civil(1965, 1, 1) + static_cast<Day>(rng.range(0, 365 * 42));
    c.signup = signup;
    c.opt_in = rng.chance(0.55);
    c.preferred_channel = rng.chance(0.35) ? Channel::store : rng.chance(0.6) ? Channel::online : Channel::app;
    std::vector<double> bw;
    for (const auto &b : brands())
        bw.push_back(b.weight);
    c.preferred_brand = static_cast<int>(WeightedPicker(bw).pick(rng));
    c.segment = Segment::new_customer;
    c.rate = 8;
    c.active_from = day_of(signup);
    c.active_until = kEpoch + kHorizonDays;
    c.tier = 0;
    return c;
}

std::string World::customer_id(int64_t index) const { return pad("C", index + 1, 7); }

void World::build_customers()
{
    const int64_t n = std::llround(TargetCounts::customers * scale_);
    const Day end = kEpoch + kHistoryDays - 1;
    customers_.reserve(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) {
        Rng rng(seed_, kStreamCustomer, static_cast<uint64_t>(i) | (1ULL << 40));
        // Latent segments drive frequency and recency, so RFM clustering can recover them.
        const double u = rng.uniform();
        Segment s = u < 0.10 ? Segment::champions : u < 0.35 ? Segment::loyal : u < 0.50 ? Segment::new_customer
                  : u < 0.70 ? Segment::at_risk : Segment::hibernating;
        LocalTs signup;
        if (s == Segment::new_customer)
            signup = static_cast<LocalTs>(end - rng.range(0, 75)) * 86400 + rng.range(8 * 3600, 23 * 3600);
        else
            signup = static_cast<LocalTs>(kEpoch - rng.range(30, 6 * 365)) * 86400 + rng.range(8 * 3600, 23 * 3600);
        Customer c = make_customer(i, signup);
        c.segment = s;
        c.active_from = std::max(kEpoch, day_of(signup));
        switch (s) {
        case Segment::champions:
            c.rate = rng.uniform(30, 45);
            c.tier = rng.chance(0.6) ? 3 : 2;
            break;
        case Segment::loyal:
            c.rate = rng.uniform(11, 17);
            c.tier = rng.chance(0.5) ? 2 : 1;
            break;
        case Segment::new_customer:
            c.rate = rng.uniform(10, 16);
            c.tier = 0;
            break;
        case Segment::at_risk:
            c.rate = rng.uniform(10, 16);
            c.active_until = end - static_cast<Day>(rng.range(70, 160));
            c.tier = rng.chance(0.5) ? 1 : 0;
            break;
        case Segment::hibernating:
            c.rate = rng.uniform(3, 6);
            c.active_until = end - static_cast<Day>(rng.range(220, 330));
            c.tier = rng.chance(0.2) ? 1 : 0;
            break;
        }
        customers_.push_back(std::move(c));
    }
}

int64_t World::new_customers_before(Day d) const
{
    const Day end = kEpoch + kHistoryDays;
    if (d <= end)
        return 0;
    // About the history's sign-up pace of new customers: 15% of customers per 75 days.
    const double per_day = TargetCounts::customers * scale_ * 0.15 / 75.0;
    return static_cast<int64_t>(std::floor(per_day * (d - end)));
}

void World::build_promotions()
{
    Rng rng(seed_, kStreamPromo, 0);
    auto cat = [](const char *name) {
        for (size_t i = 0; i < categories().size(); ++i)
            if (std::string(categories()[i]) == name)
                return static_cast<int>(i);
        return -1;
    };
    auto brand = [](const char *name) {
        for (size_t i = 0; i < brands().size(); ++i)
            if (std::string(brands()[i].name) == name)
                return static_cast<int>(i);
        return -1;
    };
    for (int year = 2025; year <= 2029; ++year) {
        const std::string yy = std::to_string(year % 100);
        Day diwali = days_from_civil(year, 10, 25);
        for (const auto &f : festivals())
            if (std::string(f.name) == "diwali" && civil_from_days(f.day).y == year)
                diwali = f.day;
        auto add = [&](const std::string &code, const std::string &name, Day a, Day b, int br, int ca, int ch, double pct) {
            Promotion p;
            p.code = code + yy;
            p.name = name + " " + std::to_string(year);
            p.starts_on = a;
            p.ends_on = b;
            p.brand = br;
            p.category = ca;
            p.channel = ch;
            p.discount_pct = pct;
            p.uplift = 1.0 + pct * rng.uniform(2.0, 3.0);
            promotions_.push_back(p);
        };
        add("PONGAL", "Pongal Sale", days_from_civil(year, 1, 9), days_from_civil(year, 1, 16), -1, -1, -1, 0.15);
        add("NIKEWEEK", "Nike Week", days_from_civil(year, 3, 3), days_from_civil(year, 3, 9), brand("Nike"), -1, -1, 0.15);
        add("SUMMER", "Summer Sandals", days_from_civil(year, 4, 20), days_from_civil(year, 5, 10), -1, cat("sandals"), -1, 0.20);
        add("RUNFEST", "Run Fest", days_from_civil(year, 6, 1), days_from_civil(year, 6, 10), -1, cat("running"), -1, 0.20);
        add("AADI", "Aadi Sale", days_from_civil(year, 7, 17), days_from_civil(year, 8, 3), -1, -1, -1, 0.25);
        add("FREEDOM", "Freedom App Offer", days_from_civil(year, 8, 13), days_from_civil(year, 8, 17), -1, -1, static_cast<int>(Channel::app), 0.15);
        add("ADIFEST", "Adidas Fest", days_from_civil(year, 9, 8), days_from_civil(year, 9, 14), brand("Adidas"), -1, -1, 0.20);
        add("DIWALI", "Diwali Dhamaka", diwali - 10, diwali, -1, -1, -1, 0.20);
        add("EOSS", "End of Season Sale", days_from_civil(year, 12, 20), days_from_civil(year, 12, 31), -1, cat("lifestyle"), -1, 0.30);
    }
}

}  // namespace autopilot::etl
