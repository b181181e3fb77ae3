// `autopilot-etl mine segments`: RFM plus channel and brand preferences per customer from gold,
// k-means with k chosen by prediction strength (the shared common/kmeans), readable labels per cluster;
// results in mining.customer_segments and mining.segment_profiles.
#include "kmeans.hpp"
#include "mine_jobs.hpp"
#include "mine_segments.hpp"

namespace autopilot::mining {

namespace {
const char *const kCustomerActivity = R"(
    WITH asof AS (SELECT max(order_date) AS d FROM gold.fact_sales),
    lines AS (
        SELECT f.customer_id, f.order_id, f.order_date, f.revenue, f.quantity, f.discount, f.unit_price,
               coalesce(ch.is_online, false) AS is_online, p.brand
        FROM gold.fact_sales f
        LEFT JOIN gold.dim_channel ch ON ch.channel_key = f.channel_key
        JOIN gold.dim_product p ON p.product_sk = f.product_sk),
    brand AS (SELECT customer_id, brand, sum(quantity) AS q FROM lines GROUP BY 1, 2),
    top AS (SELECT DISTINCT ON (customer_id) customer_id, brand, q FROM brand ORDER BY customer_id, q DESC, brand)
    SELECT l.customer_id,
           ((SELECT d FROM asof) - max(l.order_date))::float8 AS recency,
           ((SELECT d FROM asof) - min(l.order_date))::float8 AS tenure,
           count(DISTINCT l.order_id)::float8 AS orders,
           sum(l.revenue)::float8 AS monetary,
           (count(DISTINCT l.order_id) FILTER (WHERE l.is_online))::float8 / count(DISTINCT l.order_id) AS online_share,
           max(t.q)::float8 / nullif(sum(l.quantity), 0) AS top_brand_share,
           coalesce(sum(l.discount)::float8 / nullif(sum(l.quantity * l.unit_price), 0), 0) AS avg_discount,
           max(t.brand) AS favourite_brand,
           (SELECT d FROM asof)::text, min(l.order_date)::text
    FROM lines l JOIN top t USING (customer_id)
    GROUP BY l.customer_id
    ORDER BY l.customer_id)";
}  // namespace

JobResult run_segments(pqxx::connection &c, const JobOptions &o)
{
    const std::string job = "segments";
    const std::string signature = gold_sales_signature(c);
    const int k_min = 3, k_max = 8;
    const double min_strength = 0.8;
    const nlohmann::json params = {{"k_min", k_min}, {"k_max", k_max},
                                   {"criterion", "largest k with prediction strength >= 0.8"},
                                   {"features", segment_feature_names()}};
    return run_job(c, o, job, signature, params, [&](JobResult &res) {
        pqxx::result rows;
        int64_t customers_total = 0;
        const bool has_customers = table_exists(c, "gold.dim_customer");
        {
            pqxx::read_transaction tx(c);
            rows = tx.exec(kCustomerActivity);
            if (has_customers)
                customers_total =
                    tx.exec("SELECT count(DISTINCT customer_id) FROM gold.dim_customer")[0][0].as<int64_t>();
        }
        std::vector<CustomerActivity> cs;
        std::vector<std::string> ids, brands;
        std::string first_day, last_day;
        for (const auto &r : rows) {
            CustomerActivity a;
            ids.push_back(r[0].as<std::string>());
            a.recency_days = r[1].as<double>();
            a.tenure_days = r[2].as<double>();
            a.orders = r[3].as<double>();
            a.monetary = r[4].as<double>();
            a.online_share = r[5].as<double>();
            a.top_brand_share = r[6].is_null() ? 0 : r[6].as<double>();
            a.avg_discount = r[7].as<double>();
            brands.push_back(r[8].is_null() ? "" : r[8].as<std::string>());
            last_day = r[9].as<std::string>();
            if (first_day.empty() || r[10].as<std::string>() < first_day)
                first_day = r[10].as<std::string>();
            cs.push_back(a);
        }
        if (cs.size() < 10)
            throw InputError("only " + std::to_string(cs.size()) +
                             " customers with purchases in gold.fact_sales: too few to segment (need 10)");
        const auto x = segment_features(cs);
        kmeans::Options ko;
        ko.seed = o.seed;
        std::vector<double> strengths;
        const auto fit = kmeans::fit_stable_k(x, k_min, k_max, min_strength, ko, &strengths);
        const auto profiles = profile_segments(cs, fit.labels, fit.k);
        const auto rule = rfm_rule_segments(cs);
        const double rule_silhouette = kmeans::silhouette(x, rule, ko);

        pqxx::work tx(c);
        pqxx::stream_to out(tx, "mining.customer_segments",
                            std::vector<std::string>{"run_id", "customer_id", "cluster", "label", "recency_days",
                                                     "tenure_days", "orders", "monetary", "online_share",
                                                     "favourite_brand", "rule_segment"});
        for (size_t i = 0; i < cs.size(); ++i)
            out << std::make_tuple(res.run_id, ids[i], fit.labels[i], profiles[fit.labels[i]].label, cs[i].recency_days,
                                   cs[i].tenure_days, cs[i].orders, cs[i].monetary, cs[i].online_share, brands[i],
                                   rule[i]);
        out.complete();
        tx.exec_params("DELETE FROM mining.segment_profiles WHERE run_id IN "
                       "(SELECT run_id FROM mining.model_runs WHERE job = 'segments' AND run_id <> $1)",
                       res.run_id);
        for (const auto &p : profiles)
            tx.exec_params("INSERT INTO mining.segment_profiles VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                           res.run_id, p.cluster, p.label, p.customers, p.recency_days, p.tenure_days, p.orders,
                           p.monetary, p.online_share, p.top_brand_share, p.avg_discount);
        RunSummary sum;
        sum.first_day = first_day;
        sum.last_day = last_day;
        sum.rows = static_cast<int64_t>(cs.size());
        nlohmann::json labels = nlohmann::json::object();
        for (const auto &p : profiles)
            labels[p.label] = p.customers;
        nlohmann::json by_k = nlohmann::json::object();
        for (size_t i = 0; i < strengths.size(); ++i)
            by_k[std::to_string(k_min + static_cast<int>(i))] = strengths[i];
        sum.metrics = {{"k", fit.k},         {"prediction_strength", by_k}, {"silhouette", fit.silhouette},
                       {"inertia", fit.inertia}, {"segments", labels}};
        sum.baseline = {{"method", "RFM tertile rules"}, {"silhouette", rule_silhouette}};
        if (customers_total > static_cast<int64_t>(cs.size()))
            sum.skipped.push_back({{"what", std::to_string(customers_total - static_cast<int64_t>(cs.size())) + " customers"},
                                   {"reason", "no purchase in gold.fact_sales: no RFM profile"}});
        finish_run(tx, res, job, "mining.customer_segments", sum);
    });
}

}  // namespace autopilot::mining
