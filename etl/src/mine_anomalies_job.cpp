// `autopilot-etl mine anomalies`: daily revenue, units and returns per store and per brand, and
// stock-outs per store and brand, scored robustly; results in mining.anomalies.
#include "mine_anomalies.hpp"
#include "mine_jobs.hpp"
#include "mine_poisson.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

namespace autopilot::mining {

namespace {

// Per store and day; per brand and day; per store, brand and day (units only).
const char *const kStoreDaily = R"(
    SELECT f.store_id, f.order_date - DATE '1970-01-01' AS day, sum(f.revenue)::float8,
           sum(f.quantity)::float8, sum(f.returned_qty)::float8, count(DISTINCT f.order_id)::float8,
           (count(DISTINCT f.order_id) FILTER (WHERE f.returned_qty > 0))::float8
    FROM gold.fact_sales f GROUP BY 1, 2 ORDER BY 1, 2)";
const char *const kBrandDaily = R"(
    SELECT p.brand, f.order_date - DATE '1970-01-01' AS day, sum(f.revenue)::float8,
           sum(f.quantity)::float8, sum(f.returned_qty)::float8
    FROM gold.fact_sales f JOIN gold.dim_product p ON p.product_sk = f.product_sk
    GROUP BY 1, 2 ORDER BY 1, 2)";
const char *const kStoreBrandDaily = R"(
    SELECT f.store_id || '/' || p.brand, f.order_date - DATE '1970-01-01' AS day, sum(f.quantity)::float8,
           count(DISTINCT f.order_id)::float8
    FROM gold.fact_sales f JOIN gold.dim_product p ON p.product_sk = f.product_sk
    GROUP BY 1, 2 ORDER BY 1, 2)";
// Days a store could sell: from its opening (or first sale) to its closing (or the data's end).
const char *const kStoreSpans = R"(
    SELECT store_id, opened_on - DATE '1970-01-01', closed_on - DATE '1970-01-01' FROM gold.dim_store)";

struct Span {
    int32_t first = INT32_MAX, last = INT32_MIN;
};

// Dense daily series (zeros on days without sales) from (entity, day, values...) rows.
std::map<std::string, DailySeries> densify(const pqxx::result &rows, int column, const std::string &kind,
                                           const std::string &metric, int32_t data_first, int32_t data_last,
                                           const std::map<std::string, Span> &limits)
{
    std::map<std::string, DailySeries> out;
    std::map<std::string, std::map<int32_t, double>> sparse;
    for (const auto &r : rows)
        sparse[r[0].as<std::string>()][r[1].as<int32_t>()] = r[column].as<double>();
    for (const auto &[entity, days] : sparse) {
        int32_t first = std::max(data_first, days.begin()->first), last = data_last;
        if (auto it = limits.find(entity); it != limits.end()) {
            first = std::max(first, it->second.first);
            last = std::min(last, it->second.last);
        }
        DailySeries s{kind, entity, metric, first, {}};
        for (int32_t d = first; d <= last; ++d) {
            auto it = days.find(d);
            s.values.push_back(it == days.end() ? 0 : it->second);
        }
        out[entity] = std::move(s);
    }
    return out;
}

double total(const std::vector<double> &v)
{
    double s = 0;
    for (double x : v)
        s += x;
    return s;
}

// The chance of any false alarm among all the store-level tests of one run (Bonferroni).
constexpr double kFamilyAlpha = 0.05;

// Store-level events judged on a count (orders, orders with a return: mine_poisson.hpp) and
// described in the metric a reader cares about (`shown`: revenue, returned units), which has the
// same days; `exposure` is aligned with the counts.
struct StoreScan {
    const DailySeries *counts, *shown;
    const char *events;
    std::vector<double> exposure;
    const ScanOptions *opt;
    std::vector<ScanHit> kept;  // the events found, after the last pass
};

// Scans every series, each pass leaving the events of the previous one out of the levels, until
// the events no longer change (at most kPasses): the Bonferroni threshold is over every window
// of every series of the pass.
constexpr int kPasses = 3;
void scan_all(std::vector<StoreScan> &scans, int64_t &tests, double &threshold_z)
{
    for (int pass = 0; pass < kPasses; ++pass) {
        std::vector<ScanResult> results;
        tests = 0;
        for (const auto &sc : scans) {
            results.push_back(scan_counts(sc.counts->values, sc.exposure, *sc.opt, sc.kept));
            tests += results.back().tests;
        }
        threshold_z = bonferroni_z(kFamilyAlpha, tests);
        bool changed = false;
        for (size_t i = 0; i < scans.size(); ++i) {
            auto kept = strongest_disjoint(std::move(results[i].hits), threshold_z);
            const bool same = kept.size() == scans[i].kept.size() &&
                              std::equal(kept.begin(), kept.end(), scans[i].kept.begin(), [](const ScanHit &x, const ScanHit &y) {
                                  return x.first == y.first && x.last == y.last;
                              });
            changed = changed || !same;
            scans[i].kept = std::move(kept);
        }
        if (!changed)
            break;
    }
}

void report_hits(const StoreScan &sc, std::vector<Anomaly> &found)
{
    const DailySeries &counts = *sc.counts, &shown = *sc.shown;
    const double n = total(counts.values);
    const double per_event = n > 0 ? total(shown.values) / n : 0;
    for (const auto &h : sc.kept) {
        const int32_t day = counts.first_day + h.first, end_day = counts.first_day + h.last;
        double actual = 0;
        for (int t = h.first; t <= h.last; ++t)
            actual += shown.values[static_cast<size_t>(t)];
        Anomaly a{shown.entity_kind, shown.entity, shown.metric, day, actual, h.expected * per_event, h.z,
                  h.z > 0 ? "spike" : "drop", ""};
        a.end_day = end_day;
        char buf[192];
        if (day == end_day) {
            a.reason = anomaly_reason(shown.metric, day, a.actual, a.expected);
        } else {
            std::snprintf(buf, sizeof buf, "%s %.0f%% %s the usual over %d days (expected %.0f, got %.0f)",
                          shown.metric.c_str(), a.expected > 0 ? 100.0 * std::fabs(a.actual / a.expected - 1) : 100.0,
                          h.z > 0 ? "above" : "below", end_day - day + 1, a.expected, a.actual);
            a.reason = buf;
        }
        std::snprintf(buf, sizeof buf, "; %.0f %s where about %.1f were expected", h.observed, sc.events, h.expected);
        a.reason += buf;
        found.push_back(std::move(a));
    }
}

}  // namespace

JobResult run_anomalies(pqxx::connection &c, const JobOptions &o)
{
    const std::string job = "anomalies";
    const std::string signature = gold_sales_signature(c);
    AnomalyOptions count_opt;
    count_opt.scale = AnomalyOptions::Scale::kCount;
    count_opt.threshold = 5.0;
    ZeroRunOptions zero_opt;
    zero_opt.min_expected = 3;  // weaker silences cannot pass the multiple-testing threshold
    ScanOptions store_opt, returns_opt;
    returns_opt.model = ScanOptions::Model::kBinomial;
    returns_opt.spikes_only = true;
    const nlohmann::json params = {
        {"store", {{"score", "Poisson tail z of orders (against the chain's activity) and of orders with a return "
                             "(binomial, out of the store's orders) over windows of 1-28 days"},
                   {"family_alpha", kFamilyAlpha}, {"lengths", store_opt.lengths},
                   {"window_days", store_opt.window_days}}},
        {"brand", {{"score", "anscombe (counts; revenue in units) over the median and MAD"},
                   {"threshold", count_opt.threshold}, {"weeks_each_side", count_opt.weeks_each_side}}},
        {"min_days", count_opt.min_days},
        {"stockout", {{"score", "Poisson silence of the brand's orders against the store's orders"},
                      {"family_alpha", kFamilyAlpha}, {"max_run_days", zero_opt.max_run_days}}}};
    return run_job(c, o, job, signature, params, [&](JobResult &res) {
        pqxx::result store_rows, brand_rows, sb_rows, spans;
        int32_t first = 0, last = 0;
        {
            pqxx::read_transaction tx(c);
            const auto r = tx.exec("SELECT min(order_date) - DATE '1970-01-01', max(order_date) - DATE '1970-01-01' "
                                   "FROM gold.fact_sales");
            first = r[0][0].as<int32_t>();
            last = r[0][1].as<int32_t>();
            store_rows = tx.exec(kStoreDaily);
            brand_rows = tx.exec(kBrandDaily);
            sb_rows = tx.exec(kStoreBrandDaily);
            spans = tx.exec(kStoreSpans);
        }
        std::map<std::string, Span> store_limits;
        for (const auto &r : spans) {
            Span s;
            s.first = r[1].is_null() ? INT32_MIN : r[1].as<int32_t>();
            // A closed store's series ends the day before it closed: no "drop" after closing.
            s.last = r[2].is_null() ? INT32_MAX : r[2].as<int32_t>() - 1;
            store_limits[r[0].as<std::string>()] = s;
        }
        std::map<std::string, Span> sb_limits;
        for (const auto &r : sb_rows) {
            const std::string key = r[0].as<std::string>();
            const auto it = store_limits.find(key.substr(0, key.find('/')));
            if (it != store_limits.end())
                sb_limits[key] = it->second;
        }

        std::vector<Anomaly> found;
        nlohmann::json skipped = nlohmann::json::array();
        auto scan = [&](const std::map<std::string, DailySeries> &series, const AnomalyOptions &opt) {
            for (const auto &[entity, s] : series) {
                if (static_cast<int>(s.values.size()) < opt.min_days) {
                    skipped.push_back({{"what", s.entity_kind + " " + entity + " " + s.metric},
                                       {"reason", "too little history: " + std::to_string(s.values.size()) +
                                                      " days, need " + std::to_string(opt.min_days)}});
                    continue;
                }
                for (auto &a : detect_anomalies(s, opt))
                    found.push_back(std::move(a));
            }
        };
        const std::map<std::string, Span> none;
        // Revenue is scored as a count of pairs (revenue / the series' mean revenue per unit).
        auto per_unit = [](std::map<std::string, DailySeries> rev, const std::map<std::string, DailySeries> &units) {
            for (auto &[entity, s] : rev) {
                double r = 0, u = 0;
                for (double v : s.values)
                    r += v;
                for (double v : units.at(entity).values)
                    u += v;
                s.unit = u > 0 ? r / u : 1;
            }
            return rev;
        };
        const auto store_units = densify(store_rows, 3, "store", "units", first, last, store_limits);
        const auto store_revenue = densify(store_rows, 2, "store", "revenue", first, last, store_limits);
        const auto store_returns = densify(store_rows, 4, "store", "returns", first, last, store_limits);
        const auto store_orders = densify(store_rows, 5, "store", "orders", first, last, store_limits);
        const auto store_return_orders = densify(store_rows, 6, "store", "orders", first, last, store_limits);
        // The chain's orders per day (every store and the online warehouse follow one calendar).
        std::vector<double> chain(static_cast<size_t>(last - first + 1), 0.0);
        for (const auto &[entity, s] : store_orders)
            for (size_t t = 0; t < s.values.size(); ++t)
                chain[static_cast<size_t>(s.first_day - first) + t] += s.values[t];
        chain = chain_factor(chain);
        // Every store's windows first: the threshold depends on how many were tested in all.
        std::vector<StoreScan> scans;
        int64_t tests = 0;
        for (const auto &[entity, s] : store_orders) {
            if (static_cast<int>(s.values.size()) < count_opt.min_days) {
                skipped.push_back({{"what", "store " + entity},
                                   {"reason", "too little history: " + std::to_string(s.values.size()) +
                                                  " days, need " + std::to_string(count_opt.min_days)}});
                continue;
            }
            std::vector<double> own(s.values.size());
            for (size_t t = 0; t < own.size(); ++t)
                own[t] = chain[static_cast<size_t>(s.first_day - first) + t];
            const DailySeries &returns = store_return_orders.at(entity);
            scans.push_back({&s, &store_revenue.at(entity), "orders", std::move(own), &store_opt, {}});
            scans.push_back({&returns, &store_returns.at(entity), "orders with a return", s.values, &returns_opt, {}});
        }
        double store_z = 0;
        scan_all(scans, tests, store_z);
        for (const auto &sc : scans)
            report_hits(sc, found);
        const auto brand_units = densify(brand_rows, 3, "brand", "units", first, last, none);
        scan(per_unit(densify(brand_rows, 2, "brand", "revenue", first, last, none), brand_units), count_opt);
        scan(brand_units, count_opt);
        scan(densify(brand_rows, 4, "brand", "returns", first, last, none), count_opt);
        const auto store_brand_units = densify(sb_rows, 2, "store_brand", "units", first, last, sb_limits);
        // Stock-outs: silences in the orders with the brand, against the store's orders.
        std::vector<Anomaly> silences;
        int64_t zero_tests = 0;
        for (auto [entity, s] : densify(sb_rows, 3, "store_brand", "units", first, last, sb_limits)) {
            const double orders = total(s.values);
            s.unit = orders > 0 ? total(store_brand_units.at(entity).values) / orders : 1;
            const DailySeries &store = store_orders.at(entity.substr(0, entity.find('/')));
            std::vector<double> exposure(s.values.size(), 0.0);
            for (size_t t = 0; t < exposure.size(); ++t) {
                const int64_t i = static_cast<int64_t>(s.first_day) + static_cast<int64_t>(t) - store.first_day;
                if (i >= 0 && i < static_cast<int64_t>(store.values.size()))
                    exposure[t] = store.values[static_cast<size_t>(i)];
            }
            for (auto &a : detect_zero_runs(s, exposure, zero_opt, &zero_tests))
                silences.push_back(std::move(a));
        }
        const double silence_z = bonferroni_z(kFamilyAlpha, zero_tests);
        for (auto &a : silences)
            if (std::fabs(a.score) >= silence_z)
                found.push_back(std::move(a));
        nlohmann::json thresholds = {{"store_windows_tested", tests}, {"store_z", store_z},
                                     {"silences_tested", zero_tests}, {"silence_z", silence_z}};

        // Baseline for the benchmark: |z| >= 3 against each series' own mean and deviation.
        nlohmann::json baseline_events = nlohmann::json::array();
        auto baseline = [&](const std::map<std::string, DailySeries> &series, const std::string &family) {
            for (const auto &[entity, s] : series)
                for (const auto &a : detect_anomalies_zscore(s, 3.0))
                    baseline_events.push_back({{"entity", s.entity_kind + " " + entity + " " + family},
                                               {"day", iso_day(a.day)}, {"direction", a.direction}});
        };
        baseline(store_revenue, "sales");
        baseline(store_units, "sales");
        baseline(store_returns, "returns");
        baseline(store_brand_units, "units");

        pqxx::work tx(c);
        tx.exec("SET LOCAL synchronous_commit = on");
        pqxx::stream_to out(tx, "mining.anomalies",
                            std::vector<std::string>{"run_id", "entity_kind", "entity", "metric", "day", "end_day",
                                                     "actual", "expected", "score", "direction", "reason"});
        for (const auto &a : found)
            out << std::make_tuple(res.run_id, a.entity_kind, a.entity, a.metric, iso_day(a.day), iso_day(a.end_day),
                                   a.actual, a.expected, a.score, a.direction, a.reason);
        out.complete();
        RunSummary sum;
        sum.first_day = iso_day(first);
        sum.last_day = iso_day(last);
        sum.rows = static_cast<int64_t>(found.size());
        sum.skipped = skipped;
        std::map<std::string, int> by_kind;
        for (const auto &a : found)
            ++by_kind[a.entity_kind + ":" + a.metric + ":" + a.direction];
        sum.metrics = {{"anomalies", found.size()}, {"by_kind", by_kind}, {"thresholds", thresholds}};
        sum.baseline = {{"method", "|z| >= 3 against the series mean and standard deviation"},
                        {"anomalies", baseline_events.size()}, {"events", baseline_events}};
        finish_run(tx, res, job, "mining.anomalies", sum);
    });
}

std::string gold_sales_signature(pqxx::connection &c)
{
    if (!table_exists(c, "gold.fact_sales"))
        throw InputError("gold.fact_sales does not exist: run \"autopilot-etl run\" first");
    pqxx::nontransaction tx(c);
    const auto r = tx.exec("SELECT count(*), coalesce(max(etl_run_id), 0), max(order_date)::text FROM gold.fact_sales");
    if (r[0][0].as<int64_t>() == 0)
        throw InputError("gold.fact_sales is empty: nothing to mine (run \"autopilot-etl generate\" and \"run\" first)");
    return r[0][0].as<std::string>() + ":" + r[0][1].as<std::string>() + ":" + r[0][2].as<std::string>();
}

}  // namespace autopilot::mining
