-- A small hand-made schema for the advisor's integration test (not the warehouse: the advisor must
-- work on schemas it has never seen). Primary keys only; deterministic data.
CREATE SCHEMA shop;
CREATE TABLE shop.customers (
    id int PRIMARY KEY,
    region int NOT NULL,
    name text NOT NULL,
    signup date NOT NULL
);
INSERT INTO shop.customers
SELECT i, i % 20, 'customer ' || i, date '2020-01-01' + (i % 1000)
  FROM generate_series(1, 20000) i;

CREATE TABLE shop.orders (
    id bigint PRIMARY KEY,
    customer_id int NOT NULL,
    status text NOT NULL,
    created_at timestamp NOT NULL,
    amount numeric(10, 2) NOT NULL,
    note text
);
-- Append-only: created_at follows the physical order (BRIN territory); 2% of orders are open.
INSERT INTO shop.orders
SELECT i, 1 + (i * 7919) % 20000, CASE WHEN i % 50 = 0 THEN 'open' WHEN i % 7 = 0 THEN 'returned' ELSE 'closed' END,
       timestamp '2024-01-01' + i * interval '1 minute', (i % 997) / 10.0, repeat('x', 40)
  FROM generate_series(1, 200000) i;
ANALYZE shop.customers, shop.orders;
