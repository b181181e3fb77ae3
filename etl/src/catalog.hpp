// Reference data of the sneaker retailer: Tamil Nadu cities (real coordinates and populations),
// brands and their models, colourways, names, festivals. Constant tables, no randomness.
#pragma once

#include "timefmt.hpp"

#include <string>
#include <vector>

namespace autopilot::etl {

struct CityInfo {
    const char *name;
    const char *district;
    double lat, lon;
    long population;  // census 2011 urban agglomeration, rounded
    int stores;       // physical stores of the chain in this city
    const char *pincode_prefix;
};

struct ModelInfo {
    const char *name;
    const char *category;
    int base_price;  // INR MSRP of the model's standard colourway
};

struct BrandInfo {
    const char *name;
    const char *code;   // SKU prefix
    double weight;      // share of the catalogue
    std::vector<ModelInfo> models;
};

struct FestivalInfo {
    const char *name;
    Day day;            // the festival day
    int lead_days;      // shopping builds up over these days before it
    double peak;        // demand multiplier on the peak day
};

const std::vector<CityInfo> &cities();
const std::vector<BrandInfo> &brands();
const std::vector<const char *> &colourways();
const std::vector<const char *> &materials();
const std::vector<const char *> &first_names_male();
const std::vector<const char *> &first_names_female();
const std::vector<const char *> &last_names();
const std::vector<const char *> &store_localities();  // neighbourhoods for multi-store cities
const std::vector<const char *> &categories();
// Festivals of the years the generator covers (2024-2028), by day.
const std::vector<FestivalInfo> &festivals();

}  // namespace autopilot::etl
