// The anomalies the generator plants (world.hpp, truth.anomalies), each sized against what its
// store's series can show at the generation's scale, so a sound detector can find it at any scale
// (docs/warehouse.md, "Planted anomalies"). Uses the Poisson arithmetic of mine_poisson.hpp.
#include "world.hpp"

#include "catalog.hpp"
#include "mine_poisson.hpp"
#include "orders.hpp"

#include <algorithm>
#include <cmath>
#include <map>

namespace autopilot::etl {

namespace {

// Every planted effect reaches a Poisson tail probability of kPlantP against the expected count
// of its days with probability kPlantPower: far beyond any multiple-testing threshold a detector
// needs over a year of store-days (about 1e-7), so what is planted can be found.
constexpr double kPlantP = 1e-9;
constexpr double kPlantPower = 0.99;
constexpr int kMaxOutageDays = 21;   // a longer closure is a refit, not an anomaly
constexpr int kMaxSurgeDays = 28;
constexpr int kMaxStockOutDays = 35;
constexpr int kGapDays = 7;          // between two anomalies of one store
constexpr int kTries = 60;           // placements tried per anomaly before giving up
constexpr double kReturnRate = 0.06; // orders.cpp's return rate per line
constexpr double kMeanExtraLines = 2;  // orders hold 1 + Poisson(2) lines

// The smallest count c with P(X >= c | mean) <= p.
int critical_count(double mean, double p)
{
    int c = static_cast<int>(std::ceil(mean));
    while (mining::poisson_upper_tail(c, mean) > p)
        ++c;
    return c;
}

// The smallest mean with P(X >= c) >= power (the tail grows with the mean: bisection).
double mean_for_power(int c, double power)
{
    double lo = 0, hi = 4.0 * c + 50;
    for (int i = 0; i < 60; ++i) {
        const double mid = (lo + hi) / 2;
        (mining::poisson_upper_tail(c, mid) >= power ? hi : lo) = mid;
    }
    return hi;
}

// P(an order holds at least one line with property q) for 1 + Poisson(2) lines.
double order_share(double q) { return 1.0 - (1.0 - q) * std::exp(-kMeanExtraLines * q); }

}  // namespace

double World::store_expected_orders(int store, Day d) const
{
    return base_orders_ * calendar(d).total * (1.0 - online_share()) * stores_[static_cast<size_t>(store)].base_share;
}

void World::build_anomalies()
{
    // A fixed plan per year of history and of each future year, on physical stores, starting on
    // no festival day (so they are not confused with the calendar), one at a time per store.
    //  - spike: one day with extra orders such that the day's count passes kPlantP against the
    //    store-day's expected orders with probability kPlantPower (at least 8 extra orders);
    //  - drop: an outage (no store orders) over the fewest days whose expected orders make the
    //    silence that unlikely (e^-L <= kPlantP), at most kMaxOutageDays;
    //  - returns surge: the return rate x8-12 over the fewest days whose orders with a return pass
    //    kPlantP (binomial, out of those days' orders) against the usual share of such orders,
    //    at most kMaxSurgeDays;
    //  - stock-out: no sale of one of the big three brands at a store over the fewest days whose
    //    expected orders with that brand make the silence that unlikely, at most kMaxStockOutDays.
    // A placement that cannot meet its rule within its limit (a quiet store at a small scale) is
    // drawn again elsewhere; after kTries the anomaly is not planted.
    const double silence_target = -std::log(kPlantP);
    std::map<Day, std::vector<double>> brand_q;  // day -> each brand's share of store lines
    auto brand_share = [&](int brand, Day d) {
        auto it = brand_q.find(d);
        if (it == brand_q.end()) {
            const auto w = product_weights(*this, d, static_cast<int>(Channel::store));
            std::vector<double> by_brand(brands().size(), 0.0), pref(brands().size(), 0.0);
            double sw = 0, sp = 0;
            for (size_t i = 0; i < w.size(); ++i) {
                by_brand[static_cast<size_t>(products_[i].brand)] += w[i];
                sw += w[i];
            }
            for (size_t b = 0; b < brands().size(); ++b) {
                pref[b] = brands()[b].weight;
                sp += pref[b];
            }
            // A third of a customer's lines come from their favourite brand (picked by weight).
            for (size_t b = 0; b < by_brand.size(); ++b)
                by_brand[b] = 0.67 * (sw > 0 ? by_brand[b] / sw : 0) + 0.33 * pref[b] / sp;
            it = brand_q.emplace(d, std::move(by_brand)).first;
        }
        return it->second[static_cast<size_t>(brand)];
    };
    auto free_at = [&](int store, Day from, Day to) {
        for (const auto &a : anomalies_)
            if (a.store == store && from <= a.end_day + kGapDays && a.day <= to + kGapDays)
                return false;
        return true;
    };

    std::vector<double> shares;
    for (size_t s = 1; s < stores_.size(); ++s)
        shares.push_back(stores_[s].base_share);
    const WeightedPicker by_volume(shares);
    int id = 1;
    const int n_stores = static_cast<int>(stores_.size());
    for (int year = 0; year < 5; ++year) {
        Rng rng(seed_, kStreamAnomaly, static_cast<uint64_t>(year));
        const Day start = kEpoch + 365 * year;
        struct Plan { AnomalyKind kind; int count; };
        const Plan plans[] = {{AnomalyKind::revenue_spike, 12}, {AnomalyKind::revenue_drop, 10},
                              {AnomalyKind::returns_surge, 8}, {AnomalyKind::stock_out, 8}};
        for (const auto &pl : plans) {
            for (int k = 0; k < pl.count; ++k) {
                for (int attempt = 0; attempt < kTries; ++attempt) {
                    Anomaly a;
                    a.kind = pl.kind;
                    // Busier stores more often (spikes anywhere): a quiet store rarely has the
                    // volume the rule needs for the other kinds at a small scale.
                    a.store = pl.kind == AnomalyKind::revenue_spike ? static_cast<int>(rng.range(1, n_stores - 1))
                                                                    : 1 + static_cast<int>(by_volume.pick(rng));
                    a.brand = pl.kind == AnomalyKind::stock_out ? static_cast<int>(rng.range(0, 2)) : -1;
                    Day d;
                    do {
                        d = start + static_cast<Day>(rng.range(14, 350));
                    } while (calendar(d).festival > 1.0 || calendar(d - 3).festival > 1.0);
                    a.day = d;
                    a.end_day = d;
                    const double draw = rng.uniform();  // the effect's size beyond the minimum
                    bool ok = true;
                    switch (pl.kind) {
                    case AnomalyKind::revenue_spike: {
                        const double lambda = store_expected_orders(a.store, d);
                        const double mu = mean_for_power(critical_count(lambda, kPlantP), kPlantPower);
                        const double extra = std::max(8.0, mu - lambda) * (1.0 + 0.25 * draw);
                        a.magnitude = 1.0 + extra / lambda;
                        break;
                    }
                    case AnomalyKind::revenue_drop: {
                        const double target = silence_target * (1.0 + 0.2 * draw);
                        double expected = 0;
                        for (Day e = d; ok && expected < target; ++e) {
                            expected += store_expected_orders(a.store, e);
                            a.end_day = e;
                            ok = e - d + 1 <= kMaxOutageDays;
                        }
                        a.magnitude = 0;
                        break;
                    }
                    case AnomalyKind::returns_surge: {
                        a.magnitude = 8.0 + 4.0 * draw;
                        const double usual = order_share(kReturnRate);
                        const double surged = order_share(std::min(kReturnRate * a.magnitude, 0.9));
                        double orders = 0;
                        for (Day e = d;; ++e) {
                            orders += store_expected_orders(a.store, e);
                            a.end_day = e;
                            if (e - d + 1 > kMaxSurgeDays) {
                                ok = false;
                                break;
                            }
                            // Judged out of the orders of those days (a quiet draw of them: 2 sd low).
                            const double n = std::floor(orders - 2 * std::sqrt(orders));
                            if (n < 1)
                                continue;
                            int c = static_cast<int>(std::ceil(usual * n));
                            while (c <= n && mining::binomial_upper_tail(c, n, usual) > kPlantP)
                                ++c;
                            if (c <= n && mining::binomial_upper_tail(c, n, surged) >= kPlantPower)
                                break;
                        }
                        break;
                    }
                    case AnomalyKind::stock_out: {
                        const double target = silence_target * (1.0 + 0.2 * draw);
                        double expected = 0;
                        for (Day e = d; ok && expected < target; ++e) {
                            expected += store_expected_orders(a.store, e) * order_share(brand_share(a.brand, e));
                            a.end_day = e;
                            ok = e - d + 1 <= kMaxStockOutDays;
                        }
                        a.magnitude = 0;
                        break;
                    }
                    }
                    // Within its year, so the history holds every planted anomaly whole.
                    if (!ok || a.end_day >= start + 365 || !free_at(a.store, a.day, a.end_day))
                        continue;
                    a.id = id++;
                    anomalies_.push_back(a);
                    break;
                }
            }
        }
    }
}

}  // namespace autopilot::etl
