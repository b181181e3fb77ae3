// Fingerprints and column references from libpg_query's parse tree.
#include "fingerprint.hpp"

#include <catch2/catch.hpp>

using namespace autopilot;

namespace {

bool has_use(const ParsedStatement &st, const std::string &rel, const std::string &col, UseKind kind)
{
    for (const auto &u : st.uses)
        if (u.column == col && u.kind == kind)
            for (const auto &r : u.relations)
                if (r.name == rel)
                    return true;
    return false;
}

Catalog two_tables()
{
    Catalog c;
    TableInfo t;
    t.schema = "public";
    t.name = "orders";
    for (const char *n : {"id", "customer_id", "status", "created"})
        t.columns.push_back({n, "integer", 4, 0, 0, false});
    c.tables.push_back(t);
    TableInfo u;
    u.schema = "shop";
    u.name = "customers";
    for (const char *n : {"id", "region"})
        u.columns.push_back({n, "integer", 4, 0, 0, false});
    c.tables.push_back(u);
    return c;
}

} // namespace

TEST_CASE("statements differing only in literals share a fingerprint")
{
    CHECK(fingerprint("SELECT * FROM t WHERE a = 1") == fingerprint("select * from t where a = 42"));
    CHECK(fingerprint("SELECT * FROM t WHERE a = 1") != fingerprint("SELECT * FROM t WHERE b = 1"));
    CHECK_FALSE(fingerprint("SELECT 1").empty());
}

TEST_CASE("a syntax error is reported, not thrown")
{
    ParsedStatement st = parse_statement("SELEC * FROM t");
    CHECK_FALSE(st.ok);
    CHECK_FALSE(st.error.empty());
}

TEST_CASE("normalization replaces literals with parameters")
{
    ParsedStatement st = parse_statement("SELECT * FROM t WHERE a = 5 AND b = 'x'");
    REQUIRE(st.ok);
    CHECK(st.normalized == "SELECT * FROM t WHERE a = $1 AND b = $2");
    CHECK(st.command == "select");
    CHECK(st.select_star);
}

TEST_CASE("equality, range, IN, BETWEEN, IS NULL and LIKE predicates are classified")
{
    ParsedStatement st = parse_statement(
        "SELECT o.id FROM orders o WHERE o.status = 'open' AND o.created >= $1 AND o.customer_id IN (1, 2) "
        "AND o.x BETWEEN 1 AND 5 AND o.y IS NULL AND o.z LIKE 'ab%'");
    REQUIRE(st.ok);
    CHECK(has_use(st, "orders", "status", UseKind::eq));
    CHECK(has_use(st, "orders", "created", UseKind::range));
    CHECK(has_use(st, "orders", "customer_id", UseKind::in));
    CHECK(has_use(st, "orders", "x", UseKind::range));
    CHECK(has_use(st, "orders", "y", UseKind::null));
    CHECK(has_use(st, "orders", "z", UseKind::like));
    CHECK(has_use(st, "orders", "id", UseKind::output));
}

TEST_CASE("a literal compared by equality is kept for partial indexes")
{
    ParsedStatement st = parse_statement("SELECT 1 FROM orders WHERE status = 'it''s' AND customer_id = 7");
    REQUIRE(st.ok);
    int seen = 0;
    for (const auto &u : st.uses) {
        if (u.column == "status") {
            REQUIRE(u.constant);
            CHECK(*u.constant == "'it''s'");
            ++seen;
        }
        if (u.column == "customer_id") {
            REQUIRE(u.constant);
            CHECK(*u.constant == "7");
            ++seen;
        }
    }
    CHECK(seen == 2);
}

TEST_CASE("join conditions resolve aliases to both relations")
{
    ParsedStatement st = parse_statement("SELECT c.region, count(*) FROM orders o JOIN shop.customers c "
                                         "ON o.customer_id = c.id GROUP BY c.region ORDER BY 2 DESC");
    REQUIRE(st.ok);
    CHECK(has_use(st, "orders", "customer_id", UseKind::join));
    CHECK(has_use(st, "customers", "id", UseKind::join));
    CHECK(has_use(st, "customers", "region", UseKind::group));
    REQUIRE(st.relations.size() == 2);
    CHECK(st.relations[1].schema == "shop");
}

TEST_CASE("correlated subqueries, CTEs and set operations are walked")
{
    ParsedStatement st = parse_statement(
        "WITH recent AS (SELECT customer_id FROM orders WHERE created > now() - interval '1 day') "
        "SELECT * FROM shop.customers c WHERE EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id "
        "AND o.status = $1) AND c.id IN (SELECT customer_id FROM recent) "
        "UNION ALL SELECT * FROM shop.customers WHERE region = 3");
    REQUIRE(st.ok);
    CHECK(has_use(st, "orders", "created", UseKind::range));
    CHECK(has_use(st, "orders", "customer_id", UseKind::join));
    CHECK(has_use(st, "customers", "id", UseKind::join));
    CHECK(has_use(st, "orders", "status", UseKind::eq));
    CHECK(has_use(st, "customers", "region", UseKind::eq));
    for (const auto &r : st.relations)
        CHECK(r.name != "recent");
}

TEST_CASE("UPDATE and DELETE predicates are found")
{
    ParsedStatement up = parse_statement("UPDATE orders SET status = 'x' WHERE customer_id = $1");
    REQUIRE(up.ok);
    CHECK(up.command == "update");
    CHECK(has_use(up, "orders", "customer_id", UseKind::eq));
    ParsedStatement del = parse_statement("DELETE FROM orders o USING shop.customers c WHERE o.customer_id = c.id AND c.region = 2");
    REQUIRE(del.ok);
    CHECK(del.command == "delete");
    CHECK(has_use(del, "customers", "region", UseKind::eq));
}

TEST_CASE("unqualified columns resolve to the catalog table that has them")
{
    Catalog c = two_tables();
    ParsedStatement st = parse_statement("SELECT 1 FROM orders, shop.customers WHERE region = 1 AND status = 2");
    REQUIRE(st.ok);
    auto uses = resolve_uses(st, c);
    bool region = false, status = false;
    for (const auto &u : uses) {
        if (u.column == "region")
            region = u.table == "shop.customers";
        if (u.column == "status")
            status = u.table == "public.orders";
    }
    CHECK(region);
    CHECK(status);
    CHECK(resolve_tables(st, c) == std::vector<std::string>{"public.orders", "shop.customers"});
}
