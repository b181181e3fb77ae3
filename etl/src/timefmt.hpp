// Days and timestamps of the generator: days since 1970-01-01, times as seconds since 1970-01-01
// in India Standard Time (the retailer's local time), formatted without locale or libc calls.
#pragma once

#include <cstdint>
#include <string>

namespace autopilot::etl {

using Day = int32_t;     // days since 1970-01-01
using LocalTs = int64_t; // seconds since 1970-01-01 00:00 IST

struct Civil {
    int y;
    unsigned m, d;
};

// Howard Hinnant's days_from_civil / civil_from_days.
constexpr Day days_from_civil(int y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<int>(doe) - 719468;
}

constexpr Civil civil_from_days(Day z)
{
    z += 719468;
    const int era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int y = static_cast<int>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    return {y + (m <= 2), m, d};
}

// 0 = Monday .. 6 = Sunday (1970-01-01 was a Thursday).
constexpr int weekday(Day d) { return static_cast<int>(((d % 7) + 7 + 3) % 7); }
constexpr int day_of_year(Day d) { return d - days_from_civil(civil_from_days(d).y, 1, 1); }
inline Day day_of(LocalTs t) { return static_cast<Day>(t >= 0 ? t / 86400 : (t - 86399) / 86400); }

// Appends 'YYYY-MM-DD'.
void append_date(std::string &out, Day d);
// Appends 'YYYY-MM-DD HH:MM:SS+05:30'.
void append_timestamp(std::string &out, LocalTs t);
std::string format_date(Day d);
// Parses 'YYYY-MM-DD'; returns false when malformed.
bool parse_date(const std::string &s, Day &out);

}  // namespace autopilot::etl
