// Unit tests of the resale listings generator.
#include "gen_listings.hpp"

#include <catch2/catch.hpp>

using namespace autopilot::gen;

namespace {
std::vector<CatalogueProduct> catalogue()
{
    std::vector<CatalogueProduct> c;
    for (int i = 0; i < 200; ++i)
        c.push_back({"P" + std::to_string(100000 + i), "NK-DZ" + std::to_string(1000 + i) + "-612", "Nike",
                     8000.0 + 50 * i, 19000 + i, i % 10 == 0});
    return c;
}
ListingsOptions options()
{
    ListingsOptions o;
    o.seed = 7;
    o.first_day = 19723;
    o.last_day = 19723 + 179;
    return o;
}
}  // namespace

TEST_CASE("the same seed gives the same listings")
{
    const auto a = generate_listings(catalogue(), options());
    const auto b = generate_listings(catalogue(), options());
    REQUIRE(a.size() == b.size());
    REQUIRE(a.size() > 5000);
    for (size_t i = 0; i < a.size(); ++i) {
        CHECK(a[i].asking_price == b[i].asking_price);
        CHECK(a[i].description == b[i].description);
    }
}

TEST_CASE("counterfeits appear at a rate between 5 and 15 percent")
{
    const auto l = generate_listings(catalogue(), options());
    double fakes = 0;
    for (const auto &x : l)
        fakes += x.counterfeit;
    CHECK(fakes / l.size() > 0.05);
    CHECK(fakes / l.size() < 0.15);
}

TEST_CASE("no single signal separates counterfeits: each occurs on both sides")
{
    const auto l = generate_listings(catalogue(), options());
    int cheap_genuine = 0, full_price_fake = 0, bad_code_genuine = 0, good_code_fake = 0;
    for (const auto &x : l) {
        const double ratio = x.asking_price / x.market_price;
        if (!x.counterfeit && ratio < 0.7)
            ++cheap_genuine;
        if (x.counterfeit && ratio > 0.9)
            ++full_price_fake;
        if (!x.counterfeit && !sku_code_well_formed(x.sku_code))
            ++bad_code_genuine;
        if (x.counterfeit && sku_code_well_formed(x.sku_code))
            ++good_code_fake;
    }
    CHECK(cheap_genuine > 20);
    CHECK(full_price_fake > 20);
    CHECK(bad_code_genuine > 5);
    CHECK(good_code_fake > 20);
}

TEST_CASE("an append of later days continues the listing ids and keeps seller accounts")
{
    auto o = options();
    const auto first = generate_listings(catalogue(), o);
    o.first_listing_id = first.back().listing_id + 1;
    o.first_day = o.last_day + 1;
    o.last_day = o.first_day + 9;
    const auto more = generate_listings(catalogue(), o);
    REQUIRE(!more.empty());
    CHECK(more.front().listing_id == first.back().listing_id + 1);
}

TEST_CASE("SKU codes are well formed only in the catalogue's shape")
{
    CHECK(sku_code_well_formed("NK-DZ5485-612"));
    CHECK_FALSE(sku_code_well_formed("nkdz5485612"));
    CHECK_FALSE(sku_code_well_formed("SKU123456"));
}
