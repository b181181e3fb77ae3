// Where a sales request is answered from: the smallest gold aggregate that has every dimension the
// request filters on, else gold.fact_sales. Both give the same numbers (the aggregates are sums of
// the same fact rows); the aggregates read a few hundred rows per quarter instead of 100k.
#pragma once

#include "filters.hpp"

#include <string>

namespace autopilot::web {

enum class SalesView { kpis, trend, top_skus, top_brands, store_map };

struct SalesSource {
    std::string relation;  // what it reads, e.g. "gold.daily_brand_sales" (the response names it)
    const char *sql;       // binds from, to, brand, category, city, channel, store (+ grain or limit)
};

// facts_only: answer from fact_sales whatever the filters (the API's source=facts, to compare).
SalesSource choose_sales_source(SalesView view, const SalesFilter &filter, bool facts_only);

}  // namespace autopilot::web
