// Encoding of captured samples (extension/sample_record.cpp) and JSON without allocation
// (extension/json_text.cpp).
#include "json_text.hpp"
#include "sample_record.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

using namespace autopilot;

TEST_CASE("a sample decodes to the fields and texts it was encoded from")
{
    char blob[64];
    ParamBlobWriter params(blob, sizeof blob);
    REQUIRE(params.add("42", 2));
    REQUIRE(params.add(nullptr, 0));
    SampleFixed f;
    f.queryid = -7;
    f.total_ms = 1.5;
    f.status = SampleStatus::timeout;
    f.nparams = params.count();
    SampleTexts t{"SELECT 1", {blob, params.size()}, "{\"Node Type\":\"Result\"}", "[]"};
    std::vector<char> buf(encoded_size(t));
    encode_sample(f, t, buf.data());

    SampleFixed g;
    SampleTexts u;
    REQUIRE(decode_sample(buf.data(), buf.size(), &g, &u));
    CHECK(g.queryid == -7);
    CHECK(g.total_ms == 1.5);
    CHECK(g.status == SampleStatus::timeout);
    CHECK(u.query == "SELECT 1");
    CHECK(u.plan == t.plan);
    CHECK(u.predicates == "[]");
    ParamBlobReader reader(u.params);
    std::string_view v;
    bool is_null;
    REQUIRE(reader.next(&v, &is_null));
    CHECK((v == "42" && !is_null));
    REQUIRE(reader.next(&v, &is_null));
    CHECK(is_null);
    CHECK_FALSE(reader.next(&v, &is_null));
}

TEST_CASE("a truncated sample is rejected by the decoder")
{
    SampleTexts t{"SELECT 1", {}, {}, {}};
    std::vector<char> buf(encoded_size(t));
    encode_sample(SampleFixed{}, t, buf.data());
    SampleFixed g;
    SampleTexts u;
    CHECK_FALSE(decode_sample(buf.data(), buf.size() - 1, &g, &u));
}

TEST_CASE("the parameter blob refuses a value that does not fit")
{
    char blob[10];
    ParamBlobWriter w(blob, sizeof blob);
    CHECK(w.add("abc", 3));
    CHECK_FALSE(w.add("abc", 3));
    CHECK(w.count() == 1);
}

TEST_CASE("the JSON writer escapes strings and separates members")
{
    char buf[256];
    JsonWriter w(buf, sizeof buf);
    w.begin_object();
    w.key("a");
    w.string("x\"y\n");
    w.key("b");
    w.begin_array();
    w.integer(1);
    w.real(0.5);
    w.null();
    w.end_array();
    w.end_object();
    REQUIRE_FALSE(w.overflowed());
    CHECK(w.view() == "{\"a\":\"x\\\"y\\n\",\"b\":[1,0.5,null]}");
}

// The writer formats numbers without printf; its text must read back as printf's does.
static std::string written(void (*write)(JsonWriter &, double, int), double v, int decimals)
{
    char buf[512];
    JsonWriter w(buf, sizeof buf);
    write(w, v, decimals);
    REQUIRE_FALSE(w.overflowed());
    return std::string(w.view());
}

TEST_CASE("the JSON writer formats fixed-point numbers as printf does")
{
    auto fixed = [](JsonWriter &w, double v, int d) { w.number(v, d); };
    auto printf_fixed = [](double v, int d) {
        char b[512];
        std::snprintf(b, sizeof b, "%.*f", d, v);
        return std::string(b);
    };
    for (double v : {0.0, 1.0, -1.0, 0.005, 0.015, 1.5, 2.5, 12.345, 1234567.891, 4.44, 1e12, -0.001, 1e300})
        for (int d : {0, 2, 3})
            CHECK(written(fixed, v, d) == printf_fixed(v, d));
    std::mt19937_64 rng(7);
    std::uniform_real_distribution<double> exponent(-6, 12);
    int same = 0, n = 20000;
    for (int i = 0; i < n; i++) {
        const double v = std::pow(10.0, exponent(rng)) * (i % 2 ? 1 : -1);
        const int d = i % 4;
        const std::string ours = written(fixed, v, d), theirs = printf_fixed(v, d);
        same += ours == theirs;
        CHECK(std::fabs(std::stod(ours) - std::stod(theirs)) <= std::pow(10.0, -d) * 1.0001 + std::fabs(v) * 1e-15);
    }
    CHECK(same >= n * 999 / 1000);  // only last-digit ties may differ
}

TEST_CASE("the JSON writer formats six significant digits as printf's %g does")
{
    auto general = [](JsonWriter &w, double v, int) { w.real(v); };
    auto printf_general = [](double v) {
        char b[128];
        std::snprintf(b, sizeof b, "%.6g", v);
        return std::string(b);
    };
    for (double v : {0.0, 1.0, 0.5, 0.1, 0.001, 0.0001, 0.00001234, 9.999995, 99999.4, 99999.6, 123456.0, 1e-7,
                     0.333333333, 2.0 / 3.0, 1234.5678, -42.125, 1e-5, 2.5e-5, 999999.5, 1234567.0, 1e16, 1e-300,
                     1e300, 0.000099999951})
        CHECK(written(general, v, 0) == printf_general(v));
    std::mt19937_64 rng(11);
    std::uniform_real_distribution<double> exponent(-18, 18);
    int same = 0, n = 20000;
    for (int i = 0; i < n; i++) {
        const double v = std::pow(10.0, exponent(rng));
        const std::string ours = written(general, v, 0), theirs = printf_general(v);
        same += ours == theirs;
        CHECK(std::fabs(std::stod(ours) / std::stod(theirs) - 1) <= 1e-5);
    }
    CHECK(same >= n * 999 / 1000);
}

TEST_CASE("the JSON writer writes integers of every magnitude")
{
    char buf[128];
    JsonWriter w(buf, sizeof buf);
    w.begin_array();
    for (int64_t v : {int64_t{0}, int64_t{7}, int64_t{-7}, int64_t{1234567890123}, INT64_MAX, INT64_MIN})
        w.integer(v);
    w.end_array();
    CHECK(w.view() == "[0,7,-7,1234567890123,9223372036854775807,-9223372036854775808]");
}

TEST_CASE("the JSON writer reports overflow instead of writing past its buffer")
{
    char buf[8];
    JsonWriter w(buf, sizeof buf);
    w.string("a long string");
    CHECK(w.overflowed());
    CHECK(w.size() <= sizeof buf);
}

TEST_CASE("compaction removes whitespace outside strings only")
{
    std::string s = "[\n  {\n    \"Node Type\": \"Seq Scan\",\n    \"Plans\": [ 1, 2 ]\n  }\n]";
    const size_t n = compact_json(s, s.data());
    CHECK(s.substr(0, n) == "[{\"Node Type\":\"Seq Scan\",\"Plans\":[1,2]}]");
}

TEST_CASE("pruning a plan removes its deepest levels and keeps valid JSON")
{
    const std::string plan = "{\"Node Type\":\"Hash Join\",\"Plans\":[{\"Node Type\":\"Seq Scan\",\"Plans\":"
                             "[{\"Node Type\":\"X\"}]},{\"Node Type\":\"Hash\"}],\"Total Cost\":1}";
    CHECK(plan_depth(plan) == 2);
    std::string out(plan.size(), '\0');
    size_t n = prune_plans(plan, 1, out.data(), out.size());
    CHECK(out.substr(0, n) ==
          "{\"Node Type\":\"Hash Join\",\"Plans\":[{\"Node Type\":\"Seq Scan\"},{\"Node Type\":\"Hash\"}],"
          "\"Total Cost\":1}");
    n = prune_plans(plan, 0, out.data(), out.size());
    CHECK(out.substr(0, n) == "{\"Node Type\":\"Hash Join\",\"Total Cost\":1}");
}

TEST_CASE("pruning keeps a plan whose first key is Plans well-formed")
{
    const std::string plan = "{\"Plans\":[{\"Node Type\":\"A\"}],\"Node Type\":\"B\"}";
    std::string out(plan.size(), '\0');
    const size_t n = prune_plans(plan, 0, out.data(), out.size());
    CHECK(out.substr(0, n) == "{\"Node Type\":\"B\"}");
}

TEST_CASE("pruning never writes past the output capacity and reports the full length")
{
    const std::string plan = "{\"Node Type\":\"A\",\"Plans\":[{\"Node Type\":\"B\"}]}";
    std::string out(8, '#');
    out.append("GUARD");
    const size_t n = prune_plans(plan, 1, out.data(), 8);
    CHECK(n == plan.size());
    CHECK(out.substr(8) == "GUARD");
}
