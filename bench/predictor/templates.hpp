// The benchmark workload over bench/predictor/schema.sql: 36 statement templates with randomized
// parameters ({name} placeholders), from point lookups to multi-join aggregates, so that the model
// must generalize across plan shapes (the fingerprint split holds whole templates out).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace bench
{

inline const std::vector<std::string> kTemplates = {
    // point and small-range lookups
    "SELECT * FROM orders WHERE id = {order}",
    "SELECT * FROM customers WHERE id = {cust}",
    "SELECT * FROM orders WHERE customer_id = {cust}",
    "SELECT count(*) FROM orders WHERE customer_id = {cust} AND status = '{status}'",
    "SELECT * FROM order_items WHERE order_id = {order}",
    "SELECT sum(qty) FROM order_items WHERE product_id = {prod}",
    "SELECT * FROM events WHERE customer_id = {cust} ORDER BY ts DESC LIMIT 20",
    "SELECT * FROM orders WHERE ordered_at >= '{day}' AND ordered_at < '{day}'::timestamp + interval '{hours} hours'",
    "SELECT count(*) FROM events WHERE ts >= '{eday}' AND ts < '{eday}'::timestamp + interval '{days} days' AND kind = "
    "'{kind}'",
    "SELECT id, price FROM products WHERE category = {cat} ORDER BY price DESC LIMIT {lim}",
    // scans with filters
    "SELECT count(*) FROM orders WHERE status = '{status}'",
    "SELECT channel, count(*) FROM orders WHERE status = '{status}' GROUP BY channel",
    "SELECT count(*) FROM customers WHERE region = '{region}' AND age BETWEEN {age} AND {age} + 10",
    "SELECT * FROM events WHERE payload_len > {payload} ORDER BY payload_len DESC LIMIT {lim}",
    "SELECT kind, avg(payload_len) FROM events WHERE customer_id < {cust} GROUP BY kind",
    "SELECT store_id, count(*) FROM orders WHERE ordered_at >= '{day}' GROUP BY store_id ORDER BY 2 DESC LIMIT 10",
    // joins
    "SELECT c.region, count(*) FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.ordered_at >= '{day}' "
    "AND o.ordered_at < '{day}'::timestamp + interval '{days} days' GROUP BY c.region",
    "SELECT p.category, sum(oi.qty) FROM order_items oi JOIN products p ON p.id = oi.product_id WHERE oi.order_id "
    "BETWEEN {order} AND {order} + {span} GROUP BY p.category",
    "SELECT o.id, sum(oi.qty * p.price) FROM orders o JOIN order_items oi ON oi.order_id = o.id JOIN products p ON "
    "p.id = oi.product_id WHERE o.customer_id = {cust} GROUP BY o.id",
    "SELECT s.city, count(*) FROM orders o JOIN stores s ON s.id = o.store_id WHERE o.status = '{status}' GROUP BY "
    "s.city ORDER BY 2 DESC",
    "SELECT c.segment, count(DISTINCT o.customer_id) FROM customers c JOIN orders o ON o.customer_id = c.id WHERE "
    "c.region = '{region}' GROUP BY c.segment",
    "SELECT e.kind, count(*) FROM events e JOIN customers c ON c.id = e.customer_id WHERE c.age = {age} GROUP BY "
    "e.kind",
    "SELECT o.* FROM orders o WHERE EXISTS (SELECT 1 FROM order_items oi WHERE oi.order_id = o.id AND oi.product_id "
    "= {prod})",
    "SELECT c.id FROM customers c WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id) AND c.region "
    "= '{region}'",
    "SELECT p.brand, sum(oi.qty) FROM products p JOIN order_items oi ON oi.product_id = p.id WHERE p.brand = {brand} "
    "GROUP BY p.brand",
    "SELECT o.channel, avg(oi.discount) FROM orders o JOIN order_items oi ON oi.order_id = o.id WHERE o.store_id = "
    "{store} GROUP BY o.channel",
    "SELECT c.region, sum(oi.qty) FROM customers c JOIN orders o ON o.customer_id = c.id JOIN order_items oi ON "
    "oi.order_id = o.id WHERE c.id BETWEEN {cust} AND {cust} + {span} GROUP BY c.region",
    // aggregates, sorts, windows, set operations
    "SELECT customer_id, count(*) FROM orders GROUP BY customer_id ORDER BY 2 DESC LIMIT {lim}",
    "SELECT product_id, sum(qty) FROM order_items WHERE order_id > {order} GROUP BY product_id ORDER BY 2 DESC LIMIT "
    "{lim}",
    "SELECT date_trunc('day', ordered_at) d, count(*) FROM orders WHERE ordered_at >= '{day}' AND ordered_at < "
    "'{day}'::timestamp + interval '{days} days' GROUP BY d ORDER BY d",
    "SELECT id, customer_id, rank() OVER (PARTITION BY customer_id ORDER BY ordered_at) FROM orders WHERE "
    "customer_id BETWEEN {cust} AND {cust} + {span}",
    "SELECT DISTINCT kind FROM events WHERE customer_id = {cust}",
    "SELECT customer_id FROM orders WHERE store_id = {store} UNION SELECT customer_id FROM events WHERE kind = "
    "'{kind}' AND payload_len = {payload}",
    "SELECT count(*) FROM (SELECT customer_id FROM events WHERE ts >= '{eday}' GROUP BY customer_id HAVING count(*) "
    "> {few}) s",
    "SELECT * FROM orders WHERE customer_id IN (SELECT id FROM customers WHERE signup_date = '{sday}')",
    "SELECT o.id FROM orders o WHERE o.status = '{status}' AND o.customer_id IN (SELECT customer_id FROM events WHERE "
    "kind = '{kind}' AND payload_len > {payload}) ORDER BY o.id LIMIT {lim}",
};

// Index configurations the training workload runs under (so the model sees index plans), and
// the candidate indexes of the decision benchmark (applied on top of the primary keys only).
inline const std::vector<std::vector<std::string>> kTrainingConfigs = {
    {},
    {"CREATE INDEX ON orders (customer_id)", "CREATE INDEX ON order_items (product_id)",
     "CREATE INDEX ON events (customer_id)", "CREATE INDEX ON orders (ordered_at)"},
    {"CREATE INDEX ON orders (status)", "CREATE INDEX ON events (kind, ts)", "CREATE INDEX ON customers (region)",
     "CREATE INDEX ON products (category)", "CREATE INDEX ON orders (store_id)"},
};

inline const std::vector<std::string> kCandidates = {
    "CREATE INDEX ON orders (customer_id, ordered_at)",
    "CREATE INDEX ON order_items (product_id, qty)",
    "CREATE INDEX ON events (ts)",
    "CREATE INDEX ON events (customer_id, kind)",
    "CREATE INDEX ON customers (signup_date)",
    "CREATE INDEX ON orders (status, channel)",
    "CREATE INDEX ON products (brand)",
    "CREATE INDEX ON customers (age)",
    "CREATE INDEX ON events (payload_len)",
    "CREATE INDEX ON orders (store_id, channel)",
    "CREATE INDEX ON customers (region, segment)",
    "CREATE INDEX ON events (kind)",
};

}  // namespace bench
