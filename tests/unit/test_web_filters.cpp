// The dashboard's parameter validation (bad input is refused before any SQL runs) and the choice of
// the table a sales request reads.
#include "filters.hpp"
#include "options.hpp"
#include "sales_source.hpp"
#include "prometheus.hpp"
#include "admin_sessions.hpp"

#include <catch2/catch.hpp>

using namespace autopilot::web;

namespace {
KnownValues known()
{
    KnownValues k;
    k.brands = {"Nike", "Adidas"};
    k.categories = {"Running"};
    k.cities = {"Chennai", "Madurai"};
    k.channels = {"online", "store"};
    k.stores = {"S000", "S001", "S002"};
    k.min_date = "2024-01-01";
    k.max_date = "2025-06-30";
    return k;
}
}  // namespace

TEST_CASE("a filter without dates covers the last 90 days of data")
{
    auto f = parse_sales_filter({}, known());
    CHECK(f.to == "2025-06-30");
    CHECK(f.from == "2025-04-02");
    CHECK(f.store.empty());
}

TEST_CASE("known filter values are accepted")
{
    auto f = parse_sales_filter({{"brand", "Nike"}, {"city", "Madurai"}, {"store", "S002"}, {"channel", "online"}}, known());
    CHECK(f.brand == "Nike");
    CHECK(f.city == "Madurai");
    CHECK(f.store == "S002");
}

TEST_CASE("an unknown brand, city or store is a bad request naming it")
{
    CHECK_THROWS_WITH(parse_sales_filter({{"brand", "Nikey"}}, known()), "unknown brand \"Nikey\"");
    CHECK_THROWS_WITH(parse_sales_filter({{"city", "Paris"}}, known()), "unknown city \"Paris\"");
    CHECK_THROWS_WITH(parse_sales_filter({{"store", "S099"}}, known()), "unknown store \"S099\"");
    CHECK_THROWS_AS(parse_sales_filter({{"store", "1 OR 1=1"}}, known()), BadRequest);
}

TEST_CASE("injection strings in filters are refused as unknown values")
{
    CHECK_THROWS_AS(parse_sales_filter({{"brand", "Nike' OR '1'='1"}}, known()), BadRequest);
    CHECK_THROWS_AS(parse_sales_filter({{"category", "x'); DROP TABLE gold.fact_sales; --"}}, known()), BadRequest);
}

TEST_CASE("inverted, malformed, impossible and huge date ranges are bad requests")
{
    CHECK_THROWS_WITH(parse_sales_filter({{"from", "2025-05-01"}, {"to", "2025-04-01"}}, known()),
                      "from (2025-05-01) must not be after to (2025-04-01)");
    CHECK_THROWS_AS(parse_sales_filter({{"from", "yesterday"}}, known()), BadRequest);
    CHECK_THROWS_AS(parse_sales_filter({{"to", "2025-02-30"}}, known()), BadRequest);
    CHECK_THROWS_AS(parse_sales_filter({{"to", "2023-02-29"}}, known()), BadRequest);
    CHECK_THROWS_WITH(parse_sales_filter({{"from", "1990-01-01"}, {"to", "2025-01-01"}}, known()),
                      Catch::Contains("too large"));
    CHECK_NOTHROW(parse_sales_filter({{"from", "2024-02-29"}, {"to", "2024-03-01"}}, known()));
}

TEST_CASE("dates convert to days and back")
{
    CHECK(days_from_date("d", "1970-01-01") == 0);
    CHECK(date_from_days(days_from_date("d", "2024-02-29")) == "2024-02-29");
    CHECK(days_from_date("d", "2025-01-01") - days_from_date("d", "2024-01-01") == 366);
}

TEST_CASE("integer and enum parameters are range-checked")
{
    CHECK(int_param({}, "limit", 10, 1, 100) == 10);
    CHECK(int_param({{"limit", "5"}}, "limit", 10, 1, 100) == 5);
    CHECK_THROWS_AS(int_param({{"limit", "500"}}, "limit", 10, 1, 100), BadRequest);
    CHECK_THROWS_AS(int_param({{"limit", "5x"}}, "limit", 10, 1, 100), BadRequest);
    CHECK(enum_param({{"grain", "week"}}, "grain", {"day", "week"}, "day") == "week");
    CHECK_THROWS_WITH(enum_param({{"grain", "year"}}, "grain", {"day", "week"}, "day"), "grain must be one of day, week");
}

TEST_CASE("the web command line defaults to loopback and refuses bad options")
{
    std::string error;
    auto o = parse_options({}, error);
    CHECK(error.empty());
    CHECK(o.listen == "127.0.0.1");
    CHECK(o.port == 8080);
    parse_options({"--port", "0"}, error);
    CHECK_THAT(error, Catch::Contains("--port"));
    error.clear();
    parse_options({"--bogus"}, error);
    CHECK(error == "unknown option \"--bogus\"");
    error.clear();
    parse_options({"--port"}, error);
    CHECK(error == "option --port needs a value");
}

TEST_CASE("cookies are found by exact name")
{
    CHECK(cookie_value("a=1; autopilot_session=abc; b=2", "autopilot_session") == "abc");
    CHECK(cookie_value("xautopilot_session=evil", "autopilot_session").empty());
    CHECK(cookie_value("", "autopilot_session").empty());
}

TEST_CASE("tokens are random, long, and compared exactly")
{
    const auto a = random_token(), b = random_token();
    CHECK(a.size() == 64);
    CHECK(a != b);
    CHECK(tokens_equal(a, a));
    CHECK_FALSE(tokens_equal(a, b));
    CHECK_FALSE(tokens_equal("", ""));
}

TEST_CASE("sessions expire and can be ended")
{
    SessionStore store(std::chrono::minutes(30));
    auto s = store.create("alice", nullptr);
    REQUIRE(store.find(s.id));
    CHECK(store.find(s.id)->user == "alice");
    CHECK_FALSE(store.find("not-a-session"));
    store.erase(s.id);
    CHECK_FALSE(store.find(s.id));
}

TEST_CASE("the prometheus registry renders counters and cumulative histograms")
{
    autopilot::prometheus::Registry r;
    r.declare("x_total", "counter", "things");
    r.declare_histogram("lat_seconds", "latency", {0.1, 1});
    r.inc("x_total", {{"route", "a\"b"}});
    r.observe("lat_seconds", {{"route", "r"}}, 0.05);
    r.observe("lat_seconds", {{"route", "r"}}, 0.5);
    const auto text = r.render();
    CHECK_THAT(text, Catch::Contains("# TYPE x_total counter"));
    CHECK_THAT(text, Catch::Contains("x_total{route=\"a\\\"b\"} 1"));
    CHECK_THAT(text, Catch::Contains("lat_seconds_bucket{route=\"r\",le=\"0.1\"} 1"));
    CHECK_THAT(text, Catch::Contains("lat_seconds_bucket{route=\"r\",le=\"+Inf\"} 2"));
    CHECK_THAT(text, Catch::Contains("lat_seconds_count{route=\"r\"} 2"));
}

namespace {
SalesFilter quarter()
{
    SalesFilter f;
    f.from = "2025-04-02";
    f.to = "2025-06-30";
    return f;
}
}  // namespace

TEST_CASE("unfiltered sales totals and trends come from the daily summary")
{
    CHECK(choose_sales_source(SalesView::kpis, quarter(), false).relation == "gold.daily_sales_summary");
    CHECK(choose_sales_source(SalesView::trend, quarter(), false).relation == "gold.daily_sales_summary");
}

TEST_CASE("a request filtered on one dimension reads the aggregate that has that dimension")
{
    auto f = quarter();
    f.brand = "Nike";
    CHECK(choose_sales_source(SalesView::kpis, f, false).relation == "gold.daily_brand_sales");
    CHECK(choose_sales_source(SalesView::top_brands, f, false).relation == "gold.daily_brand_sales");
    f = quarter();
    f.city = "Chennai";
    CHECK(choose_sales_source(SalesView::trend, f, false).relation == "gold.city_daily_metrics");
    CHECK(choose_sales_source(SalesView::store_map, f, false).relation == "gold.daily_store_sales");
    f.channel = "online";
    f.store = "S001";
    CHECK(choose_sales_source(SalesView::kpis, f, false).relation == "gold.daily_store_sales");
}

TEST_CASE("the brand aggregate answers totals only for one brand, since an order may hold several")
{
    CHECK(choose_sales_source(SalesView::top_brands, quarter(), false).relation == "gold.daily_brand_sales");
    CHECK(choose_sales_source(SalesView::kpis, quarter(), false).relation != "gold.daily_brand_sales");
}

TEST_CASE("filters no aggregate has fall back to fact_sales")
{
    auto f = quarter();
    f.category = "Running";
    CHECK(choose_sales_source(SalesView::kpis, f, false).relation == "gold.fact_sales");
    f = quarter();
    f.brand = "Nike";
    f.city = "Chennai";
    CHECK(choose_sales_source(SalesView::kpis, f, false).relation == "gold.fact_sales");
    CHECK(choose_sales_source(SalesView::store_map, f, false).relation == "gold.fact_sales");
    f = quarter();
    f.channel = "online";
    CHECK(choose_sales_source(SalesView::top_brands, f, false).relation == "gold.fact_sales");
    CHECK(choose_sales_source(SalesView::top_skus, f, false).relation == "gold.fact_sales");
}

TEST_CASE("top SKUs come from the daily product aggregate, also for one brand or category")
{
    CHECK(choose_sales_source(SalesView::top_skus, quarter(), false).relation == "gold.daily_product_sales");
    auto f = quarter();
    f.category = "Running";
    f.brand = "Nike";
    CHECK(choose_sales_source(SalesView::top_skus, f, false).relation == "gold.daily_product_sales");
}

TEST_CASE("source=facts reads fact_sales whatever the filters")
{
    for (auto v : {SalesView::kpis, SalesView::trend, SalesView::top_skus, SalesView::top_brands, SalesView::store_map})
        CHECK(choose_sales_source(v, quarter(), true).relation == "gold.fact_sales");
}
