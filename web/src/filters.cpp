// Validation of the dashboard's query parameters.
#include "filters.hpp"

#include <charconv>
#include <cstdio>

namespace autopilot::web {

namespace {

// Howard Hinnant's days_from_civil: exact for the proleptic Gregorian calendar.
long civil_to_days(int y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const long era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<long>(doe) - 719468;
}

bool to_int(const std::string &s, size_t pos, size_t len, int &out)
{
    auto b = s.data() + pos;
    auto [p, ec] = std::from_chars(b, b + len, out);
    return ec == std::errc() && p == b + len;
}

std::string get(const std::map<std::string, std::string> &params, const std::string &name)
{
    auto it = params.find(name);
    return it == params.end() ? std::string() : it->second;
}

void check_known(const std::string &param, const std::string &value, const std::set<std::string> &known)
{
    if (value.size() > 100)
        throw BadRequest(param + " is too long");
    if (!value.empty() && known.count(value) == 0)
        throw BadRequest("unknown " + param + " \"" + value + "\"");
}

}  // namespace

long days_from_date(const std::string &param, const std::string &text)
{
    int y = 0, m = 0, d = 0;
    if (text.size() != 10 || text[4] != '-' || text[7] != '-' || !to_int(text, 0, 4, y) || !to_int(text, 5, 2, m) ||
        !to_int(text, 8, 2, d))
        throw BadRequest(param + " must be a date as YYYY-MM-DD, not \"" + text.substr(0, 40) + "\"");
    static constexpr int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1] || (m == 2 && d == 29 && !leap))
        throw BadRequest(param + " is not a valid date: \"" + text + "\"");
    return civil_to_days(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
}

std::string date_from_days(long z)
{
    z += 719468;
    const long era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const long y = static_cast<long>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    char buf[40];
    std::snprintf(buf, sizeof buf, "%04ld-%02u-%02u", y + (m <= 2), m, d);
    return buf;
}

SalesFilter parse_sales_filter(const std::map<std::string, std::string> &params, const KnownValues &known)
{
    SalesFilter f;
    const std::string max_date = known.max_date.empty() ? "2000-01-01" : known.max_date;
    f.to = get(params, "to");
    if (f.to.empty())
        f.to = max_date;
    const long to_days = days_from_date("to", f.to);
    f.from = get(params, "from");
    if (f.from.empty())
        f.from = date_from_days(to_days - 89);
    const long from_days = days_from_date("from", f.from);
    if (from_days > to_days)
        throw BadRequest("from (" + f.from + ") must not be after to (" + f.to + ")");
    if (to_days - from_days + 1 > kMaxRangeDays)
        throw BadRequest("the date range is too large: at most " + std::to_string(kMaxRangeDays) + " days");

    f.brand = get(params, "brand");
    check_known("brand", f.brand, known.brands);
    f.category = get(params, "category");
    check_known("category", f.category, known.categories);
    f.city = get(params, "city");
    check_known("city", f.city, known.cities);
    f.channel = get(params, "channel");
    check_known("channel", f.channel, known.channels);
    f.store = get(params, "store");
    check_known("store", f.store, known.stores);
    return f;
}

int int_param(const std::map<std::string, std::string> &params, const std::string &name, int dflt, int lo, int hi)
{
    const std::string s = get(params, name);
    if (s.empty())
        return dflt;
    int v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size() || v < lo || v > hi)
        throw BadRequest(name + " must be an integer between " + std::to_string(lo) + " and " + std::to_string(hi));
    return v;
}

std::string enum_param(const std::map<std::string, std::string> &params, const std::string &name,
                       const std::set<std::string> &allowed, const std::string &dflt)
{
    const std::string s = get(params, name);
    if (s.empty())
        return dflt;
    if (allowed.count(s) == 0) {
        std::string list;
        for (const auto &a : allowed)
            list += (list.empty() ? "" : ", ") + a;
        throw BadRequest(name + " must be one of " + list);
    }
    return s;
}

}  // namespace autopilot::web
