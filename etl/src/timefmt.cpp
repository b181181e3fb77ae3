// Locale-free, allocation-light date and timestamp formatting for COPY text.
#include "timefmt.hpp"

namespace autopilot::etl {

namespace {

inline void put2(std::string &out, unsigned v)
{
    out.push_back(static_cast<char>('0' + v / 10));
    out.push_back(static_cast<char>('0' + v % 10));
}

}  // namespace

void append_date(std::string &out, Day d)
{
    const Civil c = civil_from_days(d);
    const unsigned y = static_cast<unsigned>(c.y);
    put2(out, y / 100);
    put2(out, y % 100);
    out.push_back('-');
    put2(out, c.m);
    out.push_back('-');
    put2(out, c.d);
}

void append_timestamp(std::string &out, LocalTs t)
{
    const Day d = day_of(t);
    const unsigned secs = static_cast<unsigned>(t - static_cast<LocalTs>(d) * 86400);
    append_date(out, d);
    out.push_back(' ');
    put2(out, secs / 3600);
    out.push_back(':');
    put2(out, secs / 60 % 60);
    out.push_back(':');
    put2(out, secs % 60);
    out.append("+05:30");
}

std::string format_date(Day d)
{
    std::string s;
    append_date(s, d);
    return s;
}

bool parse_date(const std::string &s, Day &out)
{
    if (s.size() != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
        if (s[i] < '0' || s[i] > '9')
            return false;
    const int y = std::stoi(s.substr(0, 4));
    const unsigned m = static_cast<unsigned>(std::stoi(s.substr(5, 2)));
    const unsigned d = static_cast<unsigned>(std::stoi(s.substr(8, 2)));
    if (m < 1 || m > 12 || d < 1 || d > 31)
        return false;
    out = days_from_civil(y, m, d);
    const Civil back = civil_from_days(out);
    return back.m == m && back.d == d;
}

}  // namespace autopilot::etl
