// The resale marketplace inside `autopilot-etl generate`: the catalogue comes from the generator's
// world, the listings cover the batch's days (gen_listings.hpp).
#include "catalog.hpp"
#include "gen_listings.hpp"
#include "world.hpp"

namespace autopilot::gen {

std::vector<CatalogueProduct> catalogue_from_world(const etl::World &world)
{
    std::vector<CatalogueProduct> out;
    out.reserve(world.products().size());
    for (const auto &p : world.products())
        out.push_back({p.id, p.sku, etl::brands()[static_cast<size_t>(p.brand)].name, double(p.msrp) / 100.0, p.release,
                       p.limited});
    return out;
}

int64_t load_resale_listings(const std::string &conninfo, const etl::World &world, int64_t batch_id,
                             int32_t first_day, int32_t last_day, bool initial)
{
    pqxx::connection c(conninfo);
    ListingsOptions o;
    o.seed = world.seed();
    o.scale = world.scale();
    o.first_day = first_day;
    o.last_day = last_day;
    return load_listings(c, catalogue_from_world(world), o, batch_id, initial);
}

}  // namespace autopilot::gen
