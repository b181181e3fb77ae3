// `autopilot-etl mine authenticity`: an XGBoost classifier of counterfeit resale listings,
// trained on the marketplace's labelled history (features from SQL, mining.listing_features),
// evaluated on a held-out time split beside a price-only rule, dumped into SQL
// (mining.authenticity_trees) and used there to score the listings not yet authenticated into
// mining.listing_checks, the same way mining.check_listing scores one listing on demand.
#include "mine_jobs.hpp"
#include "mine_metrics.hpp"
#include "mine_trees.hpp"
#include "xgb.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace autopilot::mining {

namespace {

constexpr double kReviewThreshold = 0.3, kCounterfeitThreshold = 0.7;
constexpr double kHoldoutShare = 0.2;  // the latest 20% of the labelled history

struct Row {
    int64_t id = 0;
    std::string listed_on;
    int label = -1;  // 1 counterfeit, 0 genuine, -1 not authenticated yet
    std::vector<float> x;
};

// '{1.5,NULL,2}' → floats, NULL → NaN.
std::vector<float> parse_array(const std::string &text)
{
    std::vector<float> out;
    size_t i = text.find('{');
    if (i == std::string::npos)
        return out;
    ++i;
    while (i < text.size() && text[i] != '}') {
        size_t j = text.find_first_of(",}", i);
        const std::string tok = text.substr(i, j - i);
        out.push_back(tok == "NULL" ? std::nanf("") : std::strtof(tok.c_str(), nullptr));
        i = j == std::string::npos ? text.size() : (text[j] == ',' ? j + 1 : j);
    }
    return out;
}

void insert_model(pqxx::work &tx, const std::string &version, int64_t run_id, const std::vector<std::string> &names)
{
    std::string arr = "{";
    for (size_t i = 0; i < names.size(); ++i)
        arr += (i ? "," : "") + names[i];
    arr += "}";
    tx.exec_params("INSERT INTO mining.authenticity_models (model_version, run_id, base_margin, feature_names, "
                   "review_threshold, counterfeit_threshold) VALUES ($1, $2, 0, $3::text[], $4, $5)",
                   version, run_id, arr, kReviewThreshold, kCounterfeitThreshold);
}

// Market medians from new-condition listings listed before `before` (all when empty).
void insert_reference(pqxx::work &tx, const std::string &version, const std::string &before)
{
    tx.exec_params(R"(
        INSERT INTO mining.listing_reference (model_version, product_id, size, median_price, listings)
        SELECT $1, product_id, size, percentile_cont(0.5) WITHIN GROUP (ORDER BY asking_price::float8), count(*)
        FROM bronze.resale_listings
        WHERE condition = 'new' AND ($2 = '' OR listed_on < $2::date)
        GROUP BY GROUPING SETS ((product_id, size), (product_id)))",
                   version, before);
}

std::vector<Row> feature_rows(pqxx::work &tx, const std::string &version)
{
    std::vector<Row> rows;
    for (const auto &r : tx.exec_params("SELECT listing_id, listed_on::text, authentication_result, features::text "
                                        "FROM mining.listing_feature_rows($1)",
                                        version)) {
        Row row;
        row.id = r[0].as<int64_t>();
        row.listed_on = r[1].as<std::string>();
        row.label = r[2].is_null() ? -1 : (r[2].as<std::string>() == "counterfeit" ? 1 : 0);
        row.x = parse_array(r[3].as<std::string>());
        rows.push_back(std::move(row));
    }
    return rows;
}

xgb::Booster train(const std::vector<const Row *> &rows, size_t cols, uint64_t seed)
{
    std::vector<float> x, y;
    for (const auto *r : rows) {
        x.insert(x.end(), r->x.begin(), r->x.end());
        y.push_back(float(r->label));
    }
    xgb::DMatrix d(x, rows.size(), cols);
    d.set_labels(y);
    return xgb::Booster::train(d,
                               {{"objective", "binary:logistic"}, {"max_depth", "4"}, {"eta", "0.1"},
                                {"subsample", "0.8"}, {"colsample_bytree", "0.9"}, {"min_child_weight", "2"},
                                {"base_score", "0.5"}, {"tree_method", "hist"}, {"nthread", "1"},
                                {"seed", std::to_string(seed % 2147483647)}},
                               150);
}

std::vector<float> predict(const xgb::Booster &b, const std::vector<const Row *> &rows, size_t cols)
{
    std::vector<float> x;
    for (const auto *r : rows)
        x.insert(x.end(), r->x.begin(), r->x.end());
    xgb::DMatrix d(x, rows.size(), cols);
    return b.predict(d);
}

}  // namespace

JobResult run_authenticity(pqxx::connection &c, const JobOptions &o)
{
    const std::string job = "authenticity";
    if (!table_exists(c, "bronze.resale_listings"))
        throw InputError("bronze.resale_listings does not exist: run \"autopilot-etl generate\" first");
    if (!table_exists(c, "gold.dim_product"))
        throw InputError("gold.dim_product does not exist: run \"autopilot-etl run\" first");
    std::string signature;
    {
        pqxx::nontransaction tx(c);
        const auto r = tx.exec("SELECT count(*), coalesce(max(listing_id), 0), count(authentication_result), "
                               "(SELECT count(*) FROM gold.dim_product WHERE is_current) FROM bronze.resale_listings");
        signature = r[0][0].as<std::string>() + ":" + r[0][1].as<std::string>() + ":" + r[0][2].as<std::string>() +
                    ":" + r[0][3].as<std::string>();
    }
    const nlohmann::json params = {{"review_threshold", kReviewThreshold}, {"counterfeit_threshold", kCounterfeitThreshold},
                                   {"holdout_share", kHoldoutShare}, {"max_depth", 4}, {"rounds", 150}};
    return run_job(c, o, job, signature, params, [&](JobResult &res) {
        pqxx::work tx(c);
        std::vector<std::string> names;
        for (const auto &r : tx.exec("SELECT unnest(mining.listing_feature_names())"))
            names.push_back(r[0].as<std::string>());
        const size_t cols = names.size();
        const std::string version = "authenticity-r" + std::to_string(res.run_id);

        // Held-out time split: the model and the market reference see only the earlier listings.
        std::vector<std::string> labelled_days;
        for (const auto &r : tx.exec("SELECT listed_on::text FROM bronze.resale_listings "
                                     "WHERE authentication_result IS NOT NULL ORDER BY listed_on"))
            labelled_days.push_back(r[0].as<std::string>());
        if (labelled_days.size() < 100)
            throw InputError("only " + std::to_string(labelled_days.size()) +
                             " authenticated listings in bronze.resale_listings: too few to learn from (need 100)");
        const std::string cutoff = labelled_days[size_t(double(labelled_days.size()) * (1 - kHoldoutShare))];
        const std::string eval_version = version + "-holdout";
        insert_model(tx, eval_version, res.run_id, names);
        insert_reference(tx, eval_version, cutoff);
        const auto eval_rows = feature_rows(tx, eval_version);
        std::vector<const Row *> train_rows, test_rows;
        for (const auto &r : eval_rows) {
            if (r.label < 0)
                continue;
            (r.listed_on < cutoff ? train_rows : test_rows).push_back(&r);
        }
        auto positives = [](const std::vector<const Row *> &v) {
            return std::count_if(v.begin(), v.end(), [](const Row *r) { return r->label == 1; });
        };
        if (positives(train_rows) < 5 || positives(test_rows) < 1)
            throw InputError("too few counterfeits in the labelled history to learn from (" +
                             std::to_string(positives(train_rows)) + " before " + cutoff + ", " +
                             std::to_string(positives(test_rows)) + " after)");
        const auto eval_model = train(train_rows, cols, o.seed);
        const auto p = predict(eval_model, test_rows, cols);
        std::vector<double> scores(p.begin(), p.end()), rule;
        std::vector<int> labels;
        for (const auto *r : test_rows) {
            labels.push_back(r->label);
            // The rule: the further below the market, the more suspicious (missing price: last).
            rule.push_back(std::isnan(r->x[0]) ? -1e9 : -double(r->x[0]));
        }
        double tp = 0, fp = 0, fn = 0;
        for (size_t i = 0; i < labels.size(); ++i) {
            const bool flagged = -rule[i] < 0.7;
            tp += flagged && labels[i];
            fp += flagged && !labels[i];
            fn += !flagged && labels[i];
        }
        RunSummary sum;
        sum.metrics = {{"pr_auc", pr_auc(scores, labels)},
                       {"recall_at_95_precision", recall_at_precision(scores, labels, 0.95)},
                       {"holdout_from", cutoff},
                       {"train_listings", train_rows.size()},
                       {"holdout_listings", test_rows.size()},
                       {"holdout_counterfeits", positives(test_rows)}};
        sum.baseline = {{"method", "asking price below the resale median (rank by price / market)"},
                        {"pr_auc", pr_auc(rule, labels)},
                        {"recall_at_95_precision", recall_at_precision(rule, labels, 0.95)},
                        {"rule_price_below_70pct_precision", tp + fp > 0 ? tp / (tp + fp) : 0.0},
                        {"rule_price_below_70pct_recall", tp + fn > 0 ? tp / (tp + fn) : 0.0}};
        tx.exec_params("DELETE FROM mining.authenticity_models WHERE model_version = $1", eval_version);

        // The production model: every labelled listing, the market reference from every listing.
        insert_model(tx, version, res.run_id, names);
        insert_reference(tx, version, "");
        const auto rows = feature_rows(tx, version);
        std::vector<const Row *> all_labelled;
        std::string first_day, last_day;
        for (const auto &r : rows) {
            if (r.label >= 0)
                all_labelled.push_back(&r);
            if (first_day.empty() || r.listed_on < first_day)
                first_day = r.listed_on;
            last_day = std::max(last_day, r.listed_on);
        }
        const auto model = train(all_labelled, cols, o.seed);
        const std::string json = model.to_json();
        const TreeModel trees = parse_tree_model(json);
        tx.exec_params("UPDATE mining.authenticity_models SET base_margin = $2 WHERE model_version = $1", version,
                       trees.base_margin);
        for (size_t t = 0; t < trees.trees.size(); ++t) {
            const auto &a = trees.trees[t];
            tx.exec_params("INSERT INTO mining.authenticity_trees VALUES ($1, $2, $3::int[], $4::real[], $5::int[], "
                           "$6::int[], $7::boolean[], $8::float8[], $9::float8[])",
                           version, static_cast<int>(t), pg_array(a.split_feature), pg_array(a.threshold),
                           pg_array(a.left), pg_array(a.right), pg_array(a.default_left), pg_array(a.leaf_value),
                           pg_array(a.mean_value));
        }
        tx.exec_params("UPDATE mining.authenticity_models SET active = false WHERE active AND model_version <> $1",
                       version);
        tx.exec_params("UPDATE mining.authenticity_models SET active = true WHERE model_version = $1", version);

        // Listings not authenticated yet: scored by SQL, exactly as the checker form would.
        const auto written = tx.exec_params(R"(
            INSERT INTO mining.listing_checks (run_id, listing_id, probability, verdict, reasons, model_version)
            SELECT $1, f.listing_id, s.probability, s.verdict, s.reasons, s.model_version
            FROM mining.listing_feature_rows($2) f, LATERAL mining.score_listing(f.features, $2) s
            WHERE f.authentication_result IS NULL)",
                                            res.run_id, version);
        // SQL and the library must agree (the dump is exact up to float rounding).
        std::vector<const Row *> sample;
        for (const auto &r : rows)
            if (r.label < 0 && sample.size() < 50)
                sample.push_back(&r);
        double max_diff = 0;
        if (!sample.empty()) {
            const auto lib = predict(model, sample, cols);
            for (size_t i = 0; i < sample.size(); ++i) {
                const auto r = tx.exec_params("SELECT probability FROM mining.listing_checks WHERE run_id = $1 "
                                              "AND listing_id = $2",
                                              res.run_id, sample[i]->id);
                max_diff = std::max(max_diff, std::fabs(r[0][0].as<double>() - double(lib[i])));
            }
        }
        if (max_diff > 1e-4)
            throw std::runtime_error("the SQL scoring of the dumped trees disagrees with XGBoost by " +
                                     std::to_string(max_diff));
        sum.metrics["sql_vs_xgboost_max_abs_diff"] = max_diff;
        tx.exec_params("DELETE FROM mining.authenticity_models WHERE NOT active AND model_version <> $1", version);
        sum.first_day = first_day;
        sum.last_day = last_day;
        sum.model_version = version;
        sum.rows = static_cast<int64_t>(written.affected_rows());
        sum.model_path = save_model(o.models_dir, version, json,
                                    {{"kind", "authenticity"}, {"version", version}, {"features", names},
                                     {"training_window", {first_day, last_day}},
                                     {"labelled_listings", all_labelled.size()},
                                     {"thresholds", {{"review", kReviewThreshold}, {"counterfeit", kCounterfeitThreshold}}},
                                     {"metrics", sum.metrics}, {"baseline", sum.baseline}, {"seed", o.seed}});
        finish_run(tx, res, job, "mining.listing_checks", sum);
    });
}

}  // namespace autopilot::mining
