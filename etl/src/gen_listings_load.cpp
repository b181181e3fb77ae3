// Loads generated resale listings and their truth (gen_listings.hpp) into the database.
#include "gen_listings.hpp"

#include <pqxx/pqxx>

#include "autopilot/etl_sql.hpp"
#include "timefmt.hpp"

#include <cstdio>
#include <optional>


namespace autopilot::gen {

namespace {
std::string iso(int32_t day) { return etl::format_date(day); }
}  // namespace

int64_t load_listings(pqxx::connection &c, const std::vector<CatalogueProduct> &catalogue, ListingsOptions o,
                      int64_t batch_id, bool replace_all)
{
    pqxx::work tx(c);
    tx.exec("SET LOCAL client_min_messages = warning");
    tx.exec(etl::sql::kListings);
    if (replace_all)
        tx.exec("TRUNCATE bronze.resale_listings, truth.listings");
    // Same days again (a re-run): replace them; ids continue after what stays.
    tx.exec_params("DELETE FROM truth.listings WHERE listing_id IN (SELECT listing_id FROM bronze.resale_listings "
                   "WHERE listed_on BETWEEN $1::date AND $2::date)",
                   iso(o.first_day), iso(o.last_day));
    tx.exec_params("DELETE FROM bronze.resale_listings WHERE listed_on BETWEEN $1::date AND $2::date",
                   iso(o.first_day), iso(o.last_day));
    o.first_listing_id = tx.exec("SELECT coalesce(max(listing_id), 0) + 1 FROM bronze.resale_listings")[0][0].as<int64_t>();
    const auto listings = generate_listings(catalogue, o);
    {
        pqxx::stream_to out(tx, "bronze.resale_listings",
                            std::vector<std::string>{"listing_id", "listed_on", "seller_id", "product_id", "sku_code",
                                                     "size", "condition", "asking_price", "photo_count",
                                                     "description", "seller_joined_on", "seller_sales",
                                                     "seller_rating", "_batch_id"});
        for (const auto &l : listings) {
            char size[16], price[32], rating[16];
            std::snprintf(size, sizeof size, "%.1f", l.size);
            std::snprintf(price, sizeof price, "%.2f", l.asking_price);
            std::snprintf(rating, sizeof rating, "%.1f", l.seller_rating);
            out << std::make_tuple(l.listing_id, iso(l.listed_day), l.seller_id, l.product_id, l.sku_code,
                                   std::string(size), l.condition, std::string(price), l.photo_count, l.description,
                                   iso(l.seller_joined_day), l.seller_sales,
                                   l.seller_rating > 0 ? std::optional<std::string>(rating) : std::nullopt, batch_id);
        }
        out.complete();
    }
    {
        pqxx::stream_to out(tx, "truth.listings",
                            std::vector<std::string>{"listing_id", "counterfeit", "seller_type", "market_price",
                                                     "batch_id"});
        for (const auto &l : listings) {
            char market[32];
            std::snprintf(market, sizeof market, "%.2f", l.market_price);
            out << std::make_tuple(l.listing_id, l.counterfeit, l.seller_type, std::string(market), batch_id);
        }
        out.complete();
    }
    // The marketplace's authenticators have caught up with everything a month old.
    tx.exec_params("UPDATE bronze.resale_listings l SET authentication_result = "
                   "CASE WHEN t.counterfeit THEN 'counterfeit' ELSE 'genuine' END "
                   "FROM truth.listings t WHERE t.listing_id = l.listing_id AND l.authentication_result IS NULL "
                   "AND l.listed_on <= $1::date - $2::int",
                   iso(o.last_day), kAuthenticationDelayDays);
    tx.commit();
    return static_cast<int64_t>(listings.size());
}

}  // namespace autopilot::gen
