SELECT * FROM shop.orders WHERE customer_id = 4242
SELECT id, amount FROM shop.orders WHERE status = 'open' AND created_at >= timestamp '2024-03-01' ORDER BY created_at LIMIT 20
SELECT c.name, sum(o.amount) FROM shop.customers c JOIN shop.orders o ON o.customer_id = c.id WHERE c.region = 3 AND c.signup = date '2021-01-05' GROUP BY c.name
SELECT * FROM shop.customers WHERE name = 'customer 77'
SELECT count(*) FROM shop.orders WHERE created_at > date '2024-03-01' - interval '3' day AND created_at < date '2024-03-02'
SELECT * FROM shop.visits WHERE customer_id = 4242
