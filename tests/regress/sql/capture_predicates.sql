-- Predicate columns of captured statements: for a fixed set of query shapes, which columns of which
-- tables are compared, joined, sorted and grouped, and with which operator.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS autopilot CASCADE;
RESET client_min_messages;
SET autopilot.sample_rate = 0;
SET autopilot.capture_nested = off;
SET max_parallel_workers_per_gather = 0;
SELECT autopilot.capture_reset();

CREATE TABLE pc_customer (id int PRIMARY KEY, name text NOT NULL, city text, segment text);
CREATE TABLE pc_sale (id int PRIMARY KEY, customer_id int NOT NULL, sold_on date NOT NULL, amount numeric, sku text);
INSERT INTO pc_customer SELECT g, 'customer ' || g, CASE WHEN g % 4 = 0 THEN NULL ELSE 'city ' || (g % 10) END,
       CASE WHEN g % 2 = 0 THEN 'retail' ELSE 'online' END FROM generate_series(1, 500) g;
INSERT INTO pc_sale SELECT g, 1 + g % 500, date '2024-01-01' + g % 365, g % 97, 'SKU-' || (g % 50)
  FROM generate_series(1, 5000) g;
CREATE INDEX pc_sale_customer ON pc_sale (customer_id);
ANALYZE pc_customer, pc_sale;

-- The last sample's predicates, one row each (table, column, kind, operator).
CREATE FUNCTION pc_predicates() RETURNS TABLE (tbl text, col text, kind text, op text)
LANGUAGE sql AS $$
    SELECT p."table", p."column", p.kind, p.op
      FROM autopilot.capture_drain() d,
           jsonb_to_recordset(d.predicates) AS p("table" text, "column" text, kind text, op text)
     ORDER BY 1, 2, 3, 4
$$;

-- equality and range
SET autopilot.sample_rate = 1;
SELECT count(*) FROM pc_sale WHERE sku = 'SKU-7' AND sold_on >= date '2024-03-01' AND amount < 50;
SET autopilot.sample_rate = 0;
SELECT * FROM pc_predicates();

-- a constant on the left is commuted: 10 > amount is amount < 10
SET autopilot.sample_rate = 1;
SELECT count(*) FROM pc_sale WHERE 10 > amount;
SET autopilot.sample_rate = 0;
SELECT * FROM pc_predicates();

-- IN, LIKE, IS NULL
SET autopilot.sample_rate = 1;
SELECT count(*) FROM pc_customer WHERE segment IN ('retail', 'b2b') AND name LIKE 'customer 1%' AND city IS NULL;
SET autopilot.sample_rate = 0;
SELECT * FROM pc_predicates();

-- an index scan's condition and a filter
SET autopilot.sample_rate = 1;
SELECT count(*) FROM pc_sale WHERE customer_id = 42 AND amount > 3;
SET autopilot.sample_rate = 0;
SELECT * FROM pc_predicates();

-- a hash join
SET enable_nestloop = off;
SET enable_mergejoin = off;
SET autopilot.sample_rate = 1;
SELECT count(*) FROM pc_sale s JOIN pc_customer c ON c.id = s.customer_id WHERE c.city = 'city 3';
SET autopilot.sample_rate = 0;
SELECT * FROM pc_predicates();
RESET enable_nestloop;
RESET enable_mergejoin;

-- a self-join: the same column on both sides is still a join column
SET autopilot.sample_rate = 1;
SELECT count(*) FROM pc_sale a JOIN pc_sale b ON a.sku = b.sku WHERE a.id = 1;
SET autopilot.sample_rate = 0;
SELECT * FROM pc_predicates();

-- a nested loop with a parameterized inner index scan: still a join
SET enable_hashjoin = off;
SET enable_mergejoin = off;
SET enable_seqscan = off;
SET autopilot.sample_rate = 1;
SELECT count(*) FROM pc_customer c JOIN pc_sale s ON s.customer_id = c.id WHERE c.id < 5;
SET autopilot.sample_rate = 0;
SELECT * FROM pc_predicates();
RESET enable_hashjoin;
RESET enable_mergejoin;
RESET enable_seqscan;

-- ORDER BY and GROUP BY
SET enable_hashagg = off;
SET autopilot.sample_rate = 1;
SELECT sku, sum(amount) FROM pc_sale WHERE amount > 90 GROUP BY sku ORDER BY sku DESC LIMIT 3;
SET autopilot.sample_rate = 0;
SELECT * FROM pc_predicates();
RESET enable_hashagg;

-- a subquery
SET autopilot.sample_rate = 1;
SELECT count(*) FROM pc_customer WHERE id IN (SELECT customer_id FROM pc_sale WHERE amount = 13) AND segment = 'online';
SET autopilot.sample_rate = 0;
SELECT * FROM pc_predicates();

-- a CTE (materialized, so it stays a separate plan)
SET autopilot.sample_rate = 1;
WITH big AS MATERIALIZED (SELECT customer_id, amount FROM pc_sale WHERE amount >= 95)
SELECT count(*) FROM big JOIN pc_customer c ON c.id = big.customer_id WHERE c.segment = 'retail';
SET autopilot.sample_rate = 0;
SELECT * FROM pc_predicates();

-- a subquery in FROM: its columns lead back to the table
SET autopilot.sample_rate = 1;
SELECT count(*) FROM (SELECT customer_id, sum(amount) AS total FROM pc_sale GROUP BY customer_id OFFSET 0) t
 WHERE t.customer_id > 250;
SET autopilot.sample_rate = 0;
SELECT * FROM pc_predicates();

-- the JSON shape, with estimated and actual selectivity for a scan's predicate
SET autopilot.sample_rate = 1;
SELECT count(*) FROM pc_sale WHERE amount < 10;
SET autopilot.sample_rate = 0;
SELECT p.schema, p.table, p.relid = 'pc_sale'::regclass::oid AS relid_ok, p.column, p.attnum, p.kind, p.op,
       round(p.est_sel::numeric, 2) AS est_sel, round(p.act_sel::numeric, 2) AS act_sel
  FROM autopilot.capture_drain() d,
       jsonb_to_recordset(d.predicates) AS p(schema text, "table" text, relid oid, "column" text, attnum int,
                                            kind text, op text, est_sel float8, act_sel float8);

DROP FUNCTION pc_predicates();
DROP TABLE pc_sale, pc_customer;
