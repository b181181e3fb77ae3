// The table of which gold aggregate answers which view under which filters.
#include "sales_source.hpp"

#include "queries.hpp"

#include <vector>

namespace autopilot::web {

namespace {

// The filters' dimensions as bits.
constexpr unsigned brand = 1, category = 2, city = 4, channel = 8, store = 16;

unsigned used_dimensions(const SalesFilter &f)
{
    return (f.brand.empty() ? 0u : brand) | (f.category.empty() ? 0u : category) | (f.city.empty() ? 0u : city) |
           (f.channel.empty() ? 0u : channel) | (f.store.empty() ? 0u : store);
}

struct Aggregate {
    const char *relation;
    unsigned dimensions;  // the filters it can apply
    unsigned required;    // the filters it needs (see below)
    const char *sql;
};

// Per view, smallest table first. Orders are summed over the aggregate's rows, which counts each
// order once only when no order spans two of them: true for days, cities, stores and channels
// (one per order), not for brands (an order may hold several), so the brand table answers totals
// only for one brand, and the per-brand view.
const std::vector<Aggregate> &aggregates(SalesView view)
{
    static const std::vector<Aggregate> kpis = {
        {"gold.daily_sales_summary", 0, 0, sql::kKpisFromDays},
        {"gold.daily_brand_sales", brand, brand, sql::kKpisFromBrands},
        {"gold.city_daily_metrics", city, 0, sql::kKpisFromCities},
        {"gold.daily_store_sales", city | channel | store, 0, sql::kKpisFromStores},
    };
    static const std::vector<Aggregate> trend = {
        {"gold.daily_sales_summary", 0, 0, sql::kTrendFromDays},
        {"gold.daily_brand_sales", brand, brand, sql::kTrendFromBrands},
        {"gold.city_daily_metrics", city, 0, sql::kTrendFromCities},
        {"gold.daily_store_sales", city | channel | store, 0, sql::kTrendFromStores},
    };
    static const std::vector<Aggregate> top_skus = {
        {"gold.daily_product_sales", brand | category, 0, sql::kTopSkusFromProducts}};
    static const std::vector<Aggregate> top_brands = {{"gold.daily_brand_sales", brand, 0, sql::kTopBrandsFromBrands}};
    static const std::vector<Aggregate> store_map = {
        {"gold.daily_store_sales", city | channel | store, 0, sql::kStoreMapFromStores}};
    static const std::vector<Aggregate> none;
    switch (view) {
    case SalesView::kpis:
        return kpis;
    case SalesView::trend:
        return trend;
    case SalesView::top_brands:
        return top_brands;
    case SalesView::store_map:
        return store_map;
    case SalesView::top_skus:
        return top_skus;
    }
    return none;
}

const char *fact_query(SalesView view)
{
    switch (view) {
    case SalesView::kpis:
        return sql::kKpis;
    case SalesView::trend:
        return sql::kTrend;
    case SalesView::top_skus:
        return sql::kTopSkus;
    case SalesView::top_brands:
        return sql::kTopBrands;
    case SalesView::store_map:
        break;
    }
    return sql::kStoreMap;
}

}  // namespace

SalesSource choose_sales_source(SalesView view, const SalesFilter &filter, bool facts_only)
{
    const unsigned used = used_dimensions(filter);
    if (!facts_only)
        for (const auto &a : aggregates(view))
            if ((used & ~a.dimensions) == 0 && (used & a.required) == a.required)
                return {a.relation, a.sql};
    return {"gold.fact_sales", fact_query(view)};
}

}  // namespace autopilot::web
