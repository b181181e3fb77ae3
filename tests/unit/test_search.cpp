// The Extend-style search on fixed what-if cost tables (pure, no database).
#include "advisor_fixtures.hpp"
#include "search.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <set>

using namespace autopilot;
using namespace autopilot::test;

namespace {

IndexDef idx(const std::string &table, std::vector<std::string> keys)
{
    IndexDef d;
    d.schema = "public";
    d.table = table;
    d.keys = std::move(keys);
    return d;
}

// A fixed what-if table: for each statement, configurations (sets of IndexDef::describe()) with their
// predicted ms. A configuration costs as its cheapest listed subset, like a planner choosing among
// the indexes it has; unlisted statements keep their base time.
class TableOracle : public CostOracle {
public:
    std::map<size_t, double> base;
    std::map<size_t, std::vector<std::pair<std::set<std::string>, double>>> entries;
    std::map<std::string, int64_t> sizes;
    int calls = 0;

    void set(size_t s, std::set<std::string> config, double ms) { entries[s].emplace_back(std::move(config), ms); }

    PlanEstimate estimate(size_t stmt, const std::vector<IndexDef> &indexes) override
    {
        ++calls;
        std::set<std::string> have;
        std::map<std::string, std::string> keys;
        for (const auto &i : indexes) {
            have.insert(i.describe());
            keys[i.describe()] = i.key();
        }
        PlanEstimate e;
        e.ok = true;
        e.ms = base.count(stmt) ? base[stmt] : 100;
        e.cost = e.ms * 10;
        for (const auto &[cfg, ms] : entries[stmt]) {
            bool subset = true;
            for (const auto &c : cfg)
                subset = subset && have.count(c);
            if (subset && ms < e.ms) {
                e.ms = ms;
                e.cost = ms * 10;
                e.used.clear();
                for (const auto &c : cfg)
                    e.used.push_back(keys[c]);
            }
        }
        return e;
    }

    int64_t size_bytes(const IndexDef &i) override
    {
        auto it = sizes.find(i.describe());
        return it == sizes.end() ? 1'000'000 : it->second;
    }
};

std::vector<std::string> chosen(const SearchResult &r)
{
    std::vector<std::string> out;
    for (const auto &c : r.chosen)
        out.push_back(c.def.describe());
    return out;
}

struct Fixture {
    Catalog cat = shop_catalog();
    std::vector<WorkloadStatement> w{
        stmt("by_customer", {use("orders", "customer_id", UseKind::eq), use("orders", "status", UseKind::eq)}, 100, 100),
        stmt("by_region", {use("customers", "region", UseKind::eq)}, 10, 100),
    };
    std::vector<IndexDef> cands{idx("orders", {"customer_id"}), idx("orders", {"status"}), idx("customers", {"region"})};
    TableOracle oracle;
    SearchOptions opt;

    Fixture()
    {
        oracle.base = {{0, 100}, {1, 100}};
        oracle.set(0, {"public.orders (customer_id)"}, 10);
        oracle.set(0, {"public.orders (status)"}, 90);
        oracle.set(0, {"public.orders (customer_id, status)"}, 2);
        oracle.set(1, {"public.customers (region)"}, 20);
        oracle.sizes = {{"public.orders (customer_id)", 20'000'000},
                        {"public.orders (status)", 20'000'000},
                        {"public.orders (customer_id, status)", 24'000'000},
                        {"public.customers (region)", 1'000'000}};
        opt.budget_bytes = 100'000'000;
    }
};

} // namespace

TEST_CASE("a zero budget recommends nothing")
{
    Fixture f;
    f.opt.budget_bytes = 0;
    CostCache cache(f.oracle);
    auto r = search_indexes(f.w, f.cat, f.cands, cache, f.opt);
    CHECK(r.chosen.empty());
    CHECK(r.bytes == 0);
}

TEST_CASE("a budget smaller than any index recommends nothing")
{
    Fixture f;
    f.opt.budget_bytes = 999'999;
    CostCache cache(f.oracle);
    auto r = search_indexes(f.w, f.cat, f.cands, cache, f.opt);
    CHECK(r.chosen.empty());
}

TEST_CASE("the best benefit per byte comes first and the budget is never exceeded")
{
    Fixture f;
    f.opt.budget_bytes = 20'500'000;  // the customers index leaves too little for an orders one
    CostCache cache(f.oracle);
    auto r = search_indexes(f.w, f.cat, f.cands, cache, f.opt);
    REQUIRE(!r.steps.empty());
    // customers(region): 10 calls × 80 ms / 1 MB beats orders(customer_id): 100 × 90 ms / 20 MB.
    CHECK(r.steps.front().index == "public.customers (region)");
    CHECK(r.bytes <= f.opt.budget_bytes);
    CHECK(chosen(r) == std::vector<std::string>{"public.customers (region)"});
}

TEST_CASE("a chosen index is widened by one column when that pays best")
{
    Fixture f;
    CostCache cache(f.oracle);
    auto r = search_indexes(f.w, f.cat, f.cands, cache, f.opt);
    auto c = chosen(r);
    CHECK(std::find(c.begin(), c.end(), "public.orders (customer_id, status)") != c.end());
    CHECK(std::find(c.begin(), c.end(), "public.orders (customer_id)") == c.end());
    bool widened = false;
    for (const auto &s : r.steps)
        widened = widened || s.action == "widen";
    CHECK(widened);
    CHECK(r.outcomes[0].after_ms == Approx(2));
    CHECK(r.outcomes[0].before_ms == Approx(100));
}

TEST_CASE("an index that no final plan uses is not recommended")
{
    Fixture f;
    CostCache cache(f.oracle);
    auto r = search_indexes(f.w, f.cat, f.cands, cache, f.opt);
    auto c = chosen(r);
    CHECK(std::find(c.begin(), c.end(), "public.orders (status)") == c.end());
}

TEST_CASE("ties are broken by saving, then size, then name, deterministically")
{
    Catalog cat = shop_catalog();
    std::vector<WorkloadStatement> w{stmt("a", {use("orders", "status", UseKind::eq)}, 1, 100),
                                     stmt("b", {use("orders", "customer_id", UseKind::eq)}, 1, 100)};
    std::vector<IndexDef> cands{idx("orders", {"status"}), idx("orders", {"customer_id"})};
    TableOracle o;
    o.base = {{0, 100}, {1, 100}};
    o.set(0, {"public.orders (status)"}, 50);
    o.set(1, {"public.orders (customer_id)"}, 50);
    o.sizes = {{"public.orders (status)", 8'000'000}, {"public.orders (customer_id)", 8'000'000}};
    SearchOptions opt;
    opt.budget_bytes = 8'000'000;
    CostCache c1(o);
    auto r1 = search_indexes(w, cat, cands, c1, opt);
    std::reverse(cands.begin(), cands.end());
    CostCache c2(o);
    auto r2 = search_indexes(w, cat, cands, c2, opt);
    REQUIRE(chosen(r1).size() == 1);
    CHECK(chosen(r1) == chosen(r2));
    CHECK(chosen(r1).front() == "public.orders (customer_id)");  // same ratio, saving and size: by name
}

TEST_CASE("the write penalty keeps indexes off heavily written tables")
{
    Fixture f;
    f.cat.tables[1].writes_per_hour = 1e6;  // 1e6 rows/h × 0.01 ms = 10 s/h of maintenance
    CostCache cache(f.oracle);
    auto r = search_indexes(f.w, f.cat, f.cands, cache, f.opt);
    auto c = chosen(r);
    CHECK(std::find(c.begin(), c.end(), "public.customers (region)") == c.end());
    CHECK(std::find(c.begin(), c.end(), "public.orders (customer_id, status)") != c.end());
}

TEST_CASE("a candidate predicted to slow a statement beyond the threshold is vetoed")
{
    Fixture f;
    f.w.push_back(stmt("victim", {use("customers", "region", UseKind::range)}, 1, 100));
    f.oracle.base[2] = 100;
    f.oracle.entries[2].emplace_back(std::set<std::string>{"public.customers (region)"}, 150);
    // The table oracle picks the cheapest subset; make the regression unavoidable for this statement.
    struct Regressing : TableOracle {
        PlanEstimate estimate(size_t s, const std::vector<IndexDef> &ix) override
        {
            PlanEstimate e = TableOracle::estimate(s, ix);
            if (s == 2)
                for (const auto &i : ix)
                    if (i.describe() == "public.customers (region)")
                        e.ms = 150;
            return e;
        }
    } o;
    o.base = f.oracle.base;
    o.entries = f.oracle.entries;
    o.sizes = f.oracle.sizes;
    CostCache cache(o);
    auto r = search_indexes(f.w, f.cat, f.cands, cache, f.opt);
    auto c = chosen(r);
    CHECK(std::find(c.begin(), c.end(), "public.customers (region)") == c.end());
    REQUIRE_FALSE(r.vetoed.empty());
    CHECK(r.vetoed.front().find("victim") != std::string::npos);
}

TEST_CASE("a statement that cannot be costed is reported with its reason")
{
    Fixture f;
    f.w[1].uncostable_reason = "syntax error at or near \"$1\"";
    CostCache cache(f.oracle);
    auto r = search_indexes(f.w, f.cat, f.cands, cache, f.opt);
    CHECK_FALSE(r.outcomes[1].costed);
    CHECK(r.outcomes[1].error == "syntax error at or near \"$1\"");
}

TEST_CASE("each distinct what-if is asked once")
{
    Fixture f;
    CostCache cache(f.oracle);
    search_indexes(f.w, f.cat, f.cands, cache, f.opt);
    CHECK(cache.stats().calls == uint64_t(f.oracle.calls));
    CHECK(cache.stats().lookups > cache.stats().calls);
    CHECK(cache.stats().hits + cache.stats().calls == cache.stats().lookups);
}
