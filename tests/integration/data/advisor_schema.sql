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
-- Partitioned by month (the planner scans the partitions; PostgreSQL 15 builds no index
-- concurrently on the parent): the advisor must cost and recommend indexes for it all the same.
CREATE TABLE shop.visits (
    visited_at timestamp NOT NULL,
    customer_id int NOT NULL,
    page text NOT NULL
) PARTITION BY RANGE (visited_at);
CREATE TABLE shop.visits_2024_01 PARTITION OF shop.visits FOR VALUES FROM ('2024-01-01') TO ('2024-02-01');
CREATE TABLE shop.visits_2024_02 PARTITION OF shop.visits FOR VALUES FROM ('2024-02-01') TO ('2024-03-01');
CREATE TABLE shop.visits_2024_03 PARTITION OF shop.visits FOR VALUES FROM ('2024-03-01') TO ('2024-04-01');
INSERT INTO shop.visits
SELECT timestamp '2024-01-01' + i * interval '35 seconds', (1 + (i::bigint * 104729) % 20000)::int, 'page ' || i % 50
  FROM generate_series(0, 220000) i;
ANALYZE shop.customers, shop.orders, shop.visits;
