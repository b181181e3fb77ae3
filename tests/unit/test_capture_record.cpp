// Encoding of captured samples (extension/sample_record.cpp) and JSON without allocation
// (extension/json_text.cpp).
#include "json_text.hpp"
#include "sample_record.hpp"

#include <catch2/catch.hpp>
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
