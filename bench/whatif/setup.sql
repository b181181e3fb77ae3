-- Data for bench/whatif (120k rows): two identical tables; bw_real has the index for real (the EXPLAIN
-- baseline), bw_hypo gets it hypothetically.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS autopilot CASCADE;
CREATE EXTENSION IF NOT EXISTS hypopg;
DROP TABLE IF EXISTS bw_hypo, bw_real;
CREATE TABLE bw_hypo AS
SELECT i AS id, i % 1000 AS customer, date '2024-01-01' + (i % 365) AS day, (i % 97) * 1.25 AS amount,
       'sku_' || (i % 5000) AS sku, md5(i::text) AS code, i % 20 AS status
FROM generate_series(1, 120000) i;
CREATE TABLE bw_real AS SELECT * FROM bw_hypo;
CREATE INDEX bw_real_customer_day ON bw_real (customer, day);
ANALYZE bw_hypo;
ANALYZE bw_real;

