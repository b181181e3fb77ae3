// `autopilot-etl mine anomalies`: daily revenue, units and returns per store and per brand, and
// stock-outs per store and brand, scored robustly; results in mining.anomalies.
#include "mine_anomalies.hpp"
#include "mine_jobs.hpp"
#include "mine_poisson.hpp"

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

// Store-day anomalies judged on a count of events (orders, orders with a return: mine_poisson.hpp)
// and described in the metric a reader cares about (`shown`: revenue, returned units), which
// has the same days. `chain` covers the data's days from `data_first`.
void scan_store_counts(const DailySeries &counts, const DailySeries &shown, const char *events,
                       const std::vector<double> &chain, int32_t data_first, const CountScoreOptions &opt,
                       std::vector<Anomaly> &found)
{
    std::vector<double> own(counts.values.size());
    for (size_t t = 0; t < own.size(); ++t)
        own[t] = chain[static_cast<size_t>(counts.first_day - data_first) + t];
    const double n = total(counts.values);
    const double per_event = n > 0 ? total(shown.values) / n : 0;
    const auto scores = score_counts(counts.values, own, opt);
    for (size_t t = 0; t < scores.size(); ++t) {
        const auto &sc = scores[t];
        if (std::isnan(sc.rate) || std::fabs(sc.z) < opt.threshold)
            continue;
        const int32_t day = counts.first_day + static_cast<int32_t>(t);
        Anomaly a{shown.entity_kind, shown.entity, shown.metric, day, shown.values[t], sc.rate * per_event, sc.z,
                  sc.z > 0 ? "spike" : "drop", ""};
        a.end_day = day;
        char buf[128];
        std::snprintf(buf, sizeof buf, "; %.0f %s where about %.1f were expected", counts.values[t], events,
                      sc.rate);
        a.reason = anomaly_reason(shown.metric, day, a.actual, a.expected) + buf;
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
    CountScoreOptions store_opt;
    const nlohmann::json params = {
        {"store", {{"score", "Poisson tail z of orders (and orders with a return) against the chain-following rate"},
                   {"threshold", store_opt.threshold}, {"window_days", store_opt.window_days}}},
        {"brand", {{"score", "anscombe (counts; revenue in units) over the median and MAD"},
                   {"threshold", count_opt.threshold}, {"weeks_each_side", count_opt.weeks_each_side}}},
        {"min_days", count_opt.min_days},
        {"stockout_min_expected_orders", zero_opt.min_expected}};
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
        for (const auto &[entity, s] : store_orders) {
            if (static_cast<int>(s.values.size()) < count_opt.min_days) {
                skipped.push_back({{"what", "store " + entity},
                                   {"reason", "too little history: " + std::to_string(s.values.size()) +
                                                  " days, need " + std::to_string(count_opt.min_days)}});
                continue;
            }
            scan_store_counts(s, store_revenue.at(entity), "orders", chain, first, store_opt, found);
            scan_store_counts(store_return_orders.at(entity), store_returns.at(entity), "orders with a return",
                              chain, first, store_opt, found);
        }
        const auto brand_units = densify(brand_rows, 3, "brand", "units", first, last, none);
        scan(per_unit(densify(brand_rows, 2, "brand", "revenue", first, last, none), brand_units), count_opt);
        scan(brand_units, count_opt);
        scan(densify(brand_rows, 4, "brand", "returns", first, last, none), count_opt);
        const auto store_brand_units = densify(sb_rows, 2, "store_brand", "units", first, last, sb_limits);
        // Stock-outs: silences in the orders with the brand, reported in units.
        for (auto [entity, s] : densify(sb_rows, 3, "store_brand", "units", first, last, sb_limits)) {
            const double orders = total(s.values);
            s.unit = orders > 0 ? total(store_brand_units.at(entity).values) / orders : 1;
            for (auto &a : detect_zero_runs(s, zero_opt))
                found.push_back(std::move(a));
        }

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
        sum.metrics = {{"anomalies", found.size()}, {"by_kind", by_kind}};
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
