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
    // `after`: the silver and gold tables each step's SQL reads (etl/sql/run/*.sql). Steps with
    // no path between them run concurrently when `run --jobs` allows: clickstream, the biggest,
    // beside the order chain.
    static const std::vector<PipelineStep> steps = {
        {"silver.stores", "run/silver_stores.sql", {"silver.stores"}, {}},
        {"silver.promotions", "run/silver_promotions.sql", {"silver.promotions"}, {}},
        {"silver.customers", "run/silver_customers.sql", {"silver.customers"}, {}},
        {"silver.products", "run/silver_products.sql", {"silver.products"}, {}},
        {"silver.orders", "run/silver_orders.sql", {"silver.orders"}, {"silver.customers"}},
        {"silver.order_items", "run/silver_order_items.sql", {"silver.order_items"},
         {"silver.orders", "silver.products"}},
        {"silver.inventory_movements", "run/silver_inventory_movements.sql", {"silver.inventory_movements"},
         {"silver.products"}},
        {"silver.reviews", "run/silver_reviews.sql", {"silver.reviews"}, {"silver.customers", "silver.products"}},
        {"silver.sessions", "run/silver_sessions.sql", {"silver.sessions"}, {"silver.customers"}},
        {"silver.clickstream", "run/silver_clickstream.sql", {"silver.clickstream"}, {"silver.sessions"}},
        {"gold.dimensions", "run/gold_dimensions.sql",
         {"gold.dim_date", "gold.dim_store", "gold.dim_product", "gold.dim_customer", "gold.dim_channel"},
         {"silver.stores", "silver.customers", "silver.products", "silver.orders", "silver.inventory_movements"}},
        {"gold.fact_sales", "run/gold_fact_sales.sql", {"gold.fact_sales"},
         {"gold.dimensions", "silver.customers", "silver.products", "silver.orders", "silver.order_items",
          "silver.inventory_movements"}},
        {"gold.aggregates", "run/gold_aggregates.sql",
         {"gold.daily_sales_summary", "gold.daily_brand_sales", "gold.city_daily_metrics", "gold.daily_store_sales",
          "gold.daily_product_sales", "gold.customer_360", "gold.product_performance", "gold.sku_popularity_rank"},
         {"gold.dimensions", "gold.fact_sales", "silver.customers", "silver.products", "silver.reviews",
          "silver.sessions"}},
    };
    return steps;
}

int next_ready_step(const std::vector<PipelineStep> &steps, const std::vector<StepState> &state)
{
    auto done = [&](const std::string &name) {
        for (size_t i = 0; i < steps.size(); i++)
            if (steps[i].name == name)
                return state[i] == StepState::done;
        return false;  // an unknown dependency never becomes ready (a test checks there is none)
    };
    for (size_t i = 0; i < steps.size(); i++) {
        if (state[i] != StepState::pending)
            continue;
        bool ready = true;
        for (const auto &dep : steps[i].after)
            ready = ready && done(dep);
        if (ready)
            return static_cast<int>(i);
    }
    return -1;
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
