// The step table of `autopilot-etl run`. Order matters: dimensions before the facts that look
// them up (customers before orders, products before order lines, sessions before clickstream),
// silver before gold.
#include "pipeline.hpp"

#include <cstdio>

namespace autopilot::etl {

const std::vector<std::string> &pipeline_ddl()
{
    static const std::vector<std::string> files = {"etl.sql", "silver.sql", "gold.sql"};
    return files;
}

const std::vector<std::string> &bronze_tables()
{
    static const std::vector<std::string> tables = {
        "bronze.stores",      "bronze.promotions",          "bronze.customers", "bronze.products",
        "bronze.orders",      "bronze.order_items",         "bronze.reviews",   "bronze.sessions",
        "bronze.inventory_movements", "bronze.clickstream_events"};
    return tables;
}

const std::vector<PipelineStep> &pipeline_steps()
{
    static const std::vector<PipelineStep> steps = {
        {"silver.stores", "run/silver_stores.sql", {"silver.stores"}},
        {"silver.promotions", "run/silver_promotions.sql", {"silver.promotions"}},
        {"silver.customers", "run/silver_customers.sql", {"silver.customers"}},
        {"silver.products", "run/silver_products.sql", {"silver.products"}},
        {"silver.orders", "run/silver_orders.sql", {"silver.orders"}},
        {"silver.order_items", "run/silver_order_items.sql", {"silver.order_items"}},
        {"silver.inventory_movements", "run/silver_inventory_movements.sql", {"silver.inventory_movements"}},
        {"silver.reviews", "run/silver_reviews.sql", {"silver.reviews"}},
        {"silver.sessions", "run/silver_sessions.sql", {"silver.sessions"}},
        {"silver.clickstream", "run/silver_clickstream.sql", {"silver.clickstream"}},
        {"gold.dimensions", "run/gold_dimensions.sql",
         {"gold.dim_date", "gold.dim_store", "gold.dim_product", "gold.dim_customer", "gold.dim_channel"}},
        {"gold.fact_sales", "run/gold_fact_sales.sql", {"gold.fact_sales"}},
        {"gold.aggregates", "run/gold_aggregates.sql",
         {"gold.daily_sales_summary", "gold.daily_brand_sales", "gold.city_daily_metrics", "gold.customer_360",
          "gold.product_performance", "gold.sku_popularity_rank"}},
    };
    return steps;
}

std::string group_digits(long long n)
{
    std::string digits = std::to_string(n < 0 ? -n : n);
    std::string out;
    for (size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0)
            out += ',';
        out += digits[i];
    }
    return (n < 0 ? "-" : "") + out;
}

std::string format_step_line(const std::string &step, const StepFigures &f)
{
    char buf[256];
    std::snprintf(buf, sizeof buf, "%-28s in %11s  out %11s  rejected %9s  %8.2f s", step.c_str(),
                  group_digits(f.rows_in).c_str(), group_digits(f.rows_out).c_str(),
                  group_digits(f.rows_rejected).c_str(), f.elapsed_ms / 1000.0);
    return buf;
}

}  // namespace autopilot::etl
