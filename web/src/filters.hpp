// The sales pages' filters: parsed from query parameters and validated before any SQL runs, so bad
// input gets a 400 with a clear message. Values reach SQL only as bind parameters.
#pragma once

#include <map>
#include <set>
#include <stdexcept>
#include <string>

namespace autopilot::web {

// A bad request: the message goes to the client with status 400.
class BadRequest : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// What the filters may name: loaded from the dimensions, refreshed now and then.
struct KnownValues {
    std::set<std::string> brands, categories, cities, channels, stores;
    std::string min_date, max_date;  // YYYY-MM-DD of the data, empty when there is none
};

struct SalesFilter {
    std::string from, to;  // inclusive, YYYY-MM-DD
    std::string brand, category, city, channel;  // empty: any
    std::string store;  // store id; empty: any
};

inline constexpr int kMaxRangeDays = 1100;  // about three years: wider ranges are refused

// Days since 1970-01-01 for a valid YYYY-MM-DD, or throws BadRequest naming the parameter.
long days_from_date(const std::string &param, const std::string &text);

// Builds the filter from query parameters; defaults to the last 90 days of data.
SalesFilter parse_sales_filter(const std::map<std::string, std::string> &params, const KnownValues &known);

// An integer parameter within [lo, hi], or the default when absent.
int int_param(const std::map<std::string, std::string> &params, const std::string &name, int dflt, int lo, int hi);

// One of the allowed words, or the default when absent.
std::string enum_param(const std::map<std::string, std::string> &params, const std::string &name,
                       const std::set<std::string> &allowed, const std::string &dflt);

std::string date_from_days(long days);

}  // namespace autopilot::web
