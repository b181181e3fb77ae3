// The resale marketplace: listings of sneakers by third-party sellers, some of them counterfeit.
// Generated deterministically from the product catalogue with a known counterfeit rate and
// overlapping signals (price, seller history, photos, description wording, SKU code), so that no
// single rule separates fakes from genuine pairs. The truth goes to truth.listings; what the
// marketplace itself knows (its authenticators' verdicts on listings old enough to have been
// checked) goes to bronze.resale_listings.
#pragma once

#include <pqxx/pqxx>

#include <cstdint>
#include <string>
#include <vector>

namespace autopilot::gen {

struct CatalogueProduct {
    std::string product_id;  // 'P000001'
    std::string sku;         // 'NK-DZ5485-612'
    std::string brand;
    double msrp = 0;
    int32_t release_day = 0;  // days since 1970-01-01
    bool limited = false;
};

struct Listing {
    int64_t listing_id = 0;
    int32_t listed_day = 0;
    int64_t seller_id = 0;
    std::string product_id;
    std::string sku_code;  // as the seller typed it
    double size = 0;       // UK
    std::string condition;  // new | used
    double asking_price = 0;
    int photo_count = 0;
    std::string description;
    int32_t seller_joined_day = 0;
    int seller_sales = 0;        // completed sales before this listing
    double seller_rating = -1;   // 1..5, -1 when the seller has no rated sales (NULL)
    // Truth (truth.listings) and what drove it.
    bool counterfeit = false;
    std::string seller_type;     // casual | reseller | counterfeiter
    double market_price = 0;     // the resale market price for the SKU and size that day
};

struct ListingsOptions {
    uint64_t seed = 42;
    double scale = 1.0;
    int32_t first_day = 0, last_day = 0;  // listing days generated (inclusive)
    int64_t first_listing_id = 1;
    double listings_per_day_at_scale_1 = 60;
    // Sellers are drawn from a pool sized by the scale; the same seed gives the same pool, so an
    // append continues the same sellers' histories.
    double sellers_at_scale_1 = 6000;
};

// Listings for [first_day, last_day], ordered by listing id. Deterministic for (seed, days).
std::vector<Listing> generate_listings(const std::vector<CatalogueProduct> &catalogue,
                                       const ListingsOptions &options);

// True when `code` has the shape of a catalogue SKU ('XX-XX9999-999').
bool sku_code_well_formed(const std::string &code);

}  // namespace autopilot::gen

namespace autopilot::gen {

// Writes the listings of [options.first_day, options.last_day] into bronze.resale_listings and
// their truth into truth.listings (creating both tables if needed), in one transaction, and
// records the marketplace's authentication verdicts for every listing at least
// `kAuthenticationDelayDays` old by options.last_day. Listings of the same days are replaced, so
// a re-run of a batch is idempotent; `replace_all` (a fresh generation) empties both tables first.
// Returns the number of listings written.
constexpr int kAuthenticationDelayDays = 30;
int64_t load_listings(pqxx::connection &c, const std::vector<CatalogueProduct> &catalogue, ListingsOptions options,
                      int64_t batch_id, bool replace_all = false);

}  // namespace autopilot::gen

namespace autopilot::etl {
class World;
}

namespace autopilot::gen {

// `autopilot-etl generate`'s hook (generate.cpp): the listings of a batch's days, catalogue from
// the generator's world, on a connection of its own. `initial`: a fresh generation.
int64_t load_resale_listings(const std::string &conninfo, const etl::World &world, int64_t batch_id,
                             int32_t first_day, int32_t last_day, bool initial);

}  // namespace autopilot::gen
