// Candidate index generation from column uses (pure, no database).
#include "advisor_fixtures.hpp"
#include "candidates.hpp"

#include <catch2/catch.hpp>

using namespace autopilot;
using namespace autopilot::test;

namespace {

bool has(const std::vector<IndexDef> &c, const std::string &describe)
{
    for (const auto &d : c)
        if (d.describe() == describe)
            return true;
    return false;
}

std::string all(const std::vector<IndexDef> &c)
{
    std::string s;
    for (const auto &d : c)
        s += d.describe() + "\n";
    return s;
}

} // namespace

TEST_CASE("equality columns come first, most selective first, then one range column")
{
    Catalog cat = shop_catalog();
    auto cands = generate_candidates({stmt("q", {use("orders", "status", UseKind::eq), use("orders", "customer_id", UseKind::eq),
                                               use("orders", "created", UseKind::range), use("orders", "note", UseKind::output)})},
                                     cat);
    INFO(all(cands));
    CHECK(has(cands, "public.orders (customer_id)"));
    CHECK(has(cands, "public.orders (status)"));
    CHECK(has(cands, "public.orders (created)"));
    CHECK(has(cands, "public.orders (customer_id, status)"));
    CHECK(has(cands, "public.orders (customer_id, status, created)"));
    CHECK_FALSE(has(cands, "public.orders (created, customer_id)"));
    CHECK_FALSE(has(cands, "public.orders (status, customer_id)"));
}

TEST_CASE("sort and group columns follow the equality columns when there is no range")
{
    Catalog cat = shop_catalog();
    auto cands = generate_candidates({stmt("q", {use("orders", "customer_id", UseKind::eq), use("orders", "created", UseKind::sort)})}, cat);
    INFO(all(cands));
    CHECK(has(cands, "public.orders (customer_id, created)"));
}

TEST_CASE("a covering INCLUDE variant is generated only for few narrow columns")
{
    Catalog cat = shop_catalog();
    auto narrow = generate_candidates({stmt("q", {use("orders", "customer_id", UseKind::eq), use("orders", "amount", UseKind::output)})}, cat);
    INFO(all(narrow));
    CHECK(has(narrow, "public.orders (customer_id) INCLUDE (amount)"));
    auto wide = generate_candidates({stmt("q", {use("orders", "customer_id", UseKind::eq), use("orders", "note", UseKind::output)})}, cat);
    CHECK_FALSE(has(wide, "public.orders (customer_id) INCLUDE (note)"));
    auto star = stmt("q", {use("orders", "customer_id", UseKind::eq), use("orders", "amount", UseKind::output)});
    star.all_columns = true;
    CHECK_FALSE(has(generate_candidates({star}, cat), "public.orders (customer_id) INCLUDE (amount)"));
}

TEST_CASE("a constant filter on a low-cardinality column gives a partial index")
{
    Catalog cat = shop_catalog();
    auto cands = generate_candidates({stmt("q", {use("orders", "status", UseKind::eq, std::string("'open'")),
                                               use("orders", "created", UseKind::range)})},
                                     cat);
    INFO(all(cands));
    CHECK(has(cands, "public.orders (created) WHERE status = 'open'"));
    // A constant on a high-cardinality column is a lookup, not a subset worth its own index.
    auto none = generate_candidates({stmt("q", {use("orders", "customer_id", UseKind::eq, std::string("7")),
                                              use("orders", "created", UseKind::range)})},
                                    cat);
    for (const auto &d : none)
        CHECK_FALSE(d.partial());
}

TEST_CASE("BRIN is proposed for range filters on physically correlated columns of large tables")
{
    Catalog cat = shop_catalog();
    auto cands = generate_candidates({stmt("q", {use("orders", "created", UseKind::range), use("orders", "amount", UseKind::range)})}, cat);
    INFO(all(cands));
    CHECK(has(cands, "public.orders USING brin (created)"));
    CHECK_FALSE(has(cands, "public.orders USING brin (amount)"));
}

TEST_CASE("what an existing index already serves is skipped")
{
    Catalog cat = shop_catalog();
    IndexInfo e;
    e.schema = "public";
    e.name = "orders_cust_status";
    e.keys = {"customer_id", "status"};
    cat.tables[0].indexes.push_back(e);
    auto cands = generate_candidates({stmt("q", {use("orders", "customer_id", UseKind::eq), use("orders", "status", UseKind::eq),
                                               use("orders", "id", UseKind::eq)})},
                                     cat);
    INFO(all(cands));
    CHECK_FALSE(has(cands, "public.orders (customer_id)"));
    CHECK_FALSE(has(cands, "public.orders (customer_id, status)"));
    CHECK_FALSE(has(cands, "public.orders (id)"));  // the primary key
    CHECK(has(cands, "public.orders (status)"));
}

TEST_CASE("small tables get no candidates")
{
    Catalog cat = shop_catalog();
    CHECK(generate_candidates({stmt("q", {use("tiny", "k", UseKind::eq)})}, cat).empty());
}

TEST_CASE("candidates are de-duplicated across statements")
{
    Catalog cat = shop_catalog();
    auto cands = generate_candidates({stmt("a", {use("orders", "status", UseKind::eq)}), stmt("b", {use("orders", "status", UseKind::eq)})}, cat);
    CHECK(cands.size() == 1);
}

TEST_CASE("an index is relevant to a statement that filters on its leading column")
{
    IndexDef d;
    d.schema = "public";
    d.table = "orders";
    d.keys = {"status", "created"};
    CHECK(index_relevant(d, stmt("q", {use("orders", "status", UseKind::eq)})));
    CHECK_FALSE(index_relevant(d, stmt("q", {use("orders", "created", UseKind::range)})));
    CHECK_FALSE(index_relevant(d, stmt("q", {use("orders", "status", UseKind::output)})));
}

TEST_CASE("index names are deterministic, prefixed and fit NAMEDATALEN")
{
    IndexDef d;
    d.schema = "public";
    d.table = "a_rather_long_table_name_for_testing_purposes";
    d.keys = {"first_column_name", "second_column_name"};
    CHECK(d.name() == d.name());
    CHECK(d.name().rfind("autopilot_", 0) == 0);
    CHECK(d.name().size() <= 63);
    IndexDef e = d;
    e.keys = {"second_column_name", "first_column_name"};
    CHECK(d.name() != e.name());
}

TEST_CASE("DDL quotes identifiers that need it and the partial literal")
{
    IndexDef d;
    d.schema = "Sales";
    d.table = "order";
    d.keys = {"user", "created"};
    d.include = {"amount"};
    d.predicate_column = "status";
    d.predicate_literal = "'open'";
    const std::string ddl = d.ddl();
    CHECK(ddl.find("ON \"Sales\".\"order\" (\"user\", created) INCLUDE (amount) WHERE status = 'open'") != std::string::npos);
}
