// Resale listings generator: sellers of three kinds, a resale market per SKU and size, and
// counterfeits whose every signal overlaps with some genuine listings.
#include "gen_listings.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <regex>

namespace autopilot::gen {
namespace {

// SplitMix64: tiny, fast, and the same on every platform (std:: distributions are not).
class Rng {
  public:
    explicit Rng(uint64_t seed) : s_(seed) {}
    uint64_t next()
    {
        uint64_t z = (s_ += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
    double uniform() { return double(next() >> 11) * 0x1.0p-53; }
    bool chance(double p) { return uniform() < p; }
    int below(int n) { return n <= 0 ? 0 : static_cast<int>(next() % uint64_t(n)); }
    double normal()
    {
        const double u1 = std::max(uniform(), 1e-300), u2 = uniform();
        return std::sqrt(-2 * std::log(u1)) * std::cos(6.283185307179586 * u2);
    }
    double lognormal(double mu, double sigma) { return std::exp(mu + sigma * normal()); }
    int poisson(double lambda)
    {
        const double l = std::exp(-lambda);
        int k = 0;
        double p = 1;
        do {
            ++k;
            p *= uniform();
        } while (p > l);
        return k - 1;
    }

  private:
    uint64_t s_;
};

uint64_t mix(uint64_t a, uint64_t b) { return Rng(a * 0x100000001B3ULL ^ b).next(); }

struct Seller {
    std::string type;
    int32_t joined_day = 0;
    int base_sales = 0;
    double rating = -1;
    double fake_rate = 0;
};

// Accounts are dated from a fixed day (2023-01-01), not from the generation's first day, so an
// append continues the same sellers with the same histories.
constexpr int32_t kMarketAnchorDay = 19358;

Seller make_seller(uint64_t seed, int64_t id)
{
    const int32_t first_day = kMarketAnchorDay;
    Rng r(mix(seed ^ 0x5E11E5ULL, uint64_t(id)));
    Seller s;
    const double u = r.uniform();
    if (u < 0.07) {
        s.type = "counterfeiter";
        s.joined_day = first_day - static_cast<int32_t>(r.lognormal(std::log(90), 1.0));
        s.base_sales = static_cast<int>(r.lognormal(std::log(8), 1.2));
        s.rating = std::clamp(4.1 + 0.5 * r.normal(), 1.0, 5.0);
        s.fake_rate = 0.8;
    } else if (u < 0.37) {
        s.type = "reseller";
        s.joined_day = first_day - static_cast<int32_t>(r.lognormal(std::log(700), 0.6));
        s.base_sales = static_cast<int>(r.lognormal(std::log(120), 0.9));
        s.rating = std::clamp(4.6 + 0.25 * r.normal(), 1.0, 5.0);
        s.fake_rate = 0.015;
    } else {
        s.type = "casual";
        s.joined_day = first_day - static_cast<int32_t>(r.lognormal(std::log(400), 1.0));
        s.base_sales = static_cast<int>(r.lognormal(std::log(3), 1.1)) - 1;
        s.rating = std::clamp(4.5 + 0.45 * r.normal(), 1.0, 5.0);
        s.fake_rate = 0.03;  // resold a fake they bought without knowing
    }
    s.base_sales = std::max(0, s.base_sales);
    if (s.base_sales == 0)
        s.rating = -1;
    s.rating = std::round(s.rating * 10) / 10;
    return s;
}

// The resale market's price for a product and size: hype lifts limited releases above MSRP,
// the price decays as the release ages, and rare sizes (small and very large) carry a premium.
double market_price(const CatalogueProduct &p, double size, int32_t day, uint64_t seed)
{
    Rng r(mix(seed ^ 0x3A4CE7ULL, std::hash<std::string>{}(p.product_id)));
    const double hype = p.limited ? 1.4 + 1.2 * r.uniform() : 0.85 + 0.3 * r.uniform();
    const double age_years = std::max(0, day - p.release_day) / 365.0;
    const double decay = p.limited ? std::exp(-0.25 * age_years) : std::exp(-0.1 * age_years);
    const double size_premium = 1.0 + 0.04 * std::fabs(size - 8.5);
    return std::max(0.5, hype * decay) * size_premium * p.msrp;
}

const char *const kGenuinePhrases[] = {"original box included", "receipt available", "worn once",
                                       "deadstock", "bought from the brand store", "tags attached",
                                       "100% authentic", "light creasing", "cleaned and ready",
                                       "can meet in person", "ships within 24 hours"};
const char *const kFakePhrases[] = {"1:1 quality", "UA pair", "mirror quality", "no box", "best quality",
                                    "factory pair", "same as original", "replica", "unbranded box"};
const char *const kNeutralPhrases[] = {"size as listed", "price slightly negotiable", "DM for more photos",
                                       "fast shipping", "great condition", "Chennai pickup possible"};

std::string describe(Rng &r, bool fake, const std::string &condition)
{
    std::vector<std::string> parts;
    const int genuine_n = fake ? r.poisson(0.9) : r.poisson(1.6);
    for (int i = 0; i < genuine_n; ++i)
        parts.push_back(kGenuinePhrases[r.below(std::size(kGenuinePhrases))]);
    // Red-flag wording: common in fakes, rare but real in genuine listings ("no box" on a used pair).
    if (fake ? r.chance(0.35) : r.chance(condition == "used" ? 0.05 : 0.015))
        parts.push_back(kFakePhrases[r.below(std::size(kFakePhrases))]);
    const int neutral_n = r.poisson(1.2);
    for (int i = 0; i < neutral_n; ++i)
        parts.push_back(kNeutralPhrases[r.below(std::size(kNeutralPhrases))]);
    // Shuffle, then join.
    for (size_t i = parts.size(); i > 1; --i)
        std::swap(parts[i - 1], parts[r.below(static_cast<int>(i))]);
    std::string out;
    for (const auto &p : parts)
        out += (out.empty() ? "" : ", ") + p;
    if (out.empty())
        out = "as pictured";
    out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
    return out;
}

// A counterfeiter's idea of the SKU code: often copied right, sometimes off by a character or in
// the wrong shape.
std::string mangle_sku(Rng &r, const std::string &sku)
{
    std::string s = sku;
    switch (r.below(4)) {
    case 0:  // lower case and no dashes
        s.erase(std::remove(s.begin(), s.end(), '-'), s.end());
        for (auto &c : s)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return s;
    case 1:  // wrong colour suffix
        if (s.size() > 3)
            s.replace(s.size() - 3, 3, std::to_string(100 + r.below(900)));
        return s;
    case 2:  // a digit swapped in the style number
        for (size_t i = 0; i < s.size(); ++i)
            if (std::isdigit(static_cast<unsigned char>(s[i])) && r.chance(0.5)) {
                s[i] = static_cast<char>('0' + r.below(10));
                break;
            }
        return s;
    default:  // a made-up code
        return "SKU" + std::to_string(100000 + r.below(900000));
    }
}

}  // namespace

bool sku_code_well_formed(const std::string &code)
{
    static const std::regex shape("^[A-Z]{2}-[A-Z0-9]{2,8}-[0-9]{3}$");
    return std::regex_match(code, shape);
}

std::vector<Listing> generate_listings(const std::vector<CatalogueProduct> &catalogue,
                                       const ListingsOptions &o)
{
    std::vector<Listing> out;
    if (catalogue.empty() || o.last_day < o.first_day || o.scale <= 0)
        return out;
    // Resellers list what is hyped: limited releases weigh 6x, popularity falls off with the
    // catalogue position (the catalogue is ordered by product id, ids follow popularity loosely).
    std::vector<double> cumulative;
    double total = 0;
    for (size_t i = 0; i < catalogue.size(); ++i) {
        total += (catalogue[i].limited ? 6.0 : 1.0) / std::pow(double(i % 500) + 10.0, 0.6);
        cumulative.push_back(total);
    }
    const int64_t sellers = std::max<int64_t>(50, std::llround(o.sellers_at_scale_1 * o.scale));
    int64_t id = o.first_listing_id;
    for (int32_t day = o.first_day; day <= o.last_day; ++day) {
        Rng r(mix(o.seed ^ 0x11571A6ULL, uint64_t(day)));
        const int n = r.poisson(o.listings_per_day_at_scale_1 * o.scale);
        for (int i = 0; i < n; ++i) {
            // Sellers list at very different rates: a Zipf-like pick of the seller index.
            const int64_t seller_id = 1 + static_cast<int64_t>(std::floor(std::pow(r.uniform(), 2.0) * double(sellers)));
            const Seller s = make_seller(o.seed, seller_id);
            const double pick = r.uniform() * total;
            size_t pi = std::lower_bound(cumulative.begin(), cumulative.end(), pick) - cumulative.begin();
            pi = std::min(pi, catalogue.size() - 1);
            const CatalogueProduct &p = catalogue[pi];
            if (p.release_day > day)
                continue;  // not out yet: nobody lists it
            Listing l;
            l.listing_id = id++;
            l.listed_day = day;
            l.seller_id = seller_id;
            l.product_id = p.product_id;
            l.seller_type = s.type;
            l.counterfeit = r.chance(s.fake_rate * (p.limited ? 1.3 : 0.8));
            l.size = std::clamp(std::round((8.5 + 1.4 * r.normal()) * 2) / 2, 5.0, 13.0);
            l.condition = r.chance(l.counterfeit ? 0.1 : 0.35) ? "used" : "new";
            l.market_price = market_price(p, l.size, day, o.seed);
            // Genuine pairs ask around the market; some sellers need cash fast. Fakes ask less,
            // but the better fakes ask nearly full price.
            double ratio;
            if (!l.counterfeit)
                ratio = r.chance(0.06) ? 0.55 + 0.25 * r.uniform() : r.lognormal(0.0, 0.15);
            else
                ratio = r.chance(0.3) ? r.lognormal(-0.08, 0.12) : r.lognormal(std::log(0.6), 0.22);
            if (l.condition == "used")
                ratio *= 0.75;
            l.asking_price = std::max(199.0, std::round(l.market_price * ratio / 10) * 10);
            l.photo_count = std::clamp(l.counterfeit ? r.poisson(3.2) + (r.chance(0.25) ? 4 : 0)
                                                     : r.poisson(5.5) + 1,
                                       0, 12);
            l.description = describe(r, l.counterfeit, l.condition);
            if (l.counterfeit)
                l.sku_code = r.chance(0.5) ? p.sku : mangle_sku(r, p.sku);
            else
                l.sku_code = r.chance(0.03) ? mangle_sku(r, p.sku) : p.sku;
            // The seller's history grows with time on the platform. Counterfeiters are banned and
            // come back under a new account every few months, so their accounts stay young.
            double months;
            if (s.type == "counterfeiter") {
                const int32_t period = day / 120;
                Rng acct(mix(o.seed ^ 0xACC7ULL, uint64_t(seller_id) * 1000003ULL + uint64_t(period)));
                l.seller_joined_day = std::min(day, period * 120 - static_cast<int32_t>(acct.lognormal(std::log(25), 1.0)));
                months = (day - l.seller_joined_day) / 30.0;
                l.seller_sales = static_cast<int>(months * 2.5 * acct.uniform());
            } else {
                l.seller_joined_day = std::min(day, s.joined_day);
                months = std::max(0.0, (day - kMarketAnchorDay) / 30.0);
                l.seller_sales = s.base_sales + static_cast<int>(months * (s.type == "reseller" ? 6 : 0.3));
            }
            l.seller_rating = l.seller_sales > 0 ? (s.rating > 0 ? s.rating : 4.0) : -1;
            out.push_back(std::move(l));
        }
    }
    return out;
}

}  // namespace autopilot::gen
