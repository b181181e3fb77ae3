-- Workload capture (with the preload): sampling, the drained columns, query ids, parameters,
-- failed statements, truncation and the ring's counters.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS autopilot CASCADE;
RESET client_min_messages;
-- only the statements a test samples on purpose are captured (the default rate is 0.01)
SET autopilot.sample_rate = 0;
SET autopilot.capture_nested = off;
SELECT autopilot.capture_reset();

CREATE TABLE cap_orders (id int PRIMARY KEY, customer int NOT NULL, status text, amount numeric, note text);
INSERT INTO cap_orders SELECT g, g % 100, CASE WHEN g % 3 = 0 THEN 'shipped' ELSE 'open' END, g * 1.5, NULL
  FROM generate_series(1, 2000) g;
ANALYZE cap_orders;

-- nothing is sampled at rate 0
SELECT count(*) FROM cap_orders WHERE customer = 7;
SELECT count(*) AS samples FROM autopilot.capture_drain();

-- every statement is sampled at rate 1, and drained once
SET autopilot.sample_rate = 1;
SELECT count(*) FROM cap_orders WHERE customer = 7;
SET autopilot.sample_rate = 0;
SELECT query, status, sqlstate, rows, nested_level, params IS NULL AS no_params, truncated,
       total_ms >= 0 AS timed, planning_ms >= 0 AS planned, dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AS our_db,
       userid = current_user::regrole::oid AS our_user, captured_at <= now() AS captured_before_now
  FROM autopilot.capture_drain();
SELECT count(*) AS drained_twice FROM autopilot.capture_drain();

-- the plan has the keys of EXPLAIN (ANALYZE, FORMAT JSON)'s "Plan" object
SET autopilot.sample_rate = 1;
SELECT id FROM cap_orders WHERE id = 42;
SET autopilot.sample_rate = 0;
SELECT plan->>'Node Type' AS node, plan->>'Relation Name' AS relation, plan->>'Index Name' AS index,
       (plan->>'Actual Rows')::int AS actual_rows, (plan->>'Actual Loops')::int AS loops,
       plan ? 'Actual Total Time' AS has_time, plan ? 'Shared Hit Blocks' AS has_buffers, plan ? 'Plan Rows' AS has_estimate
  FROM autopilot.capture_drain();

-- the compact plan (the default) has EXPLAIN's keys with conditions counted; the explain format has
-- them as text; both describe the same plan
SET autopilot.sample_rate = 1;
SELECT c.status, count(*) FROM cap_orders c JOIN cap_orders d ON d.id = c.customer
 WHERE c.amount > 100 AND c.status <> 'x' GROUP BY c.status ORDER BY 1;
SET autopilot.capture_plan_format = explain;
SELECT c.status, count(*) FROM cap_orders c JOIN cap_orders d ON d.id = c.customer
 WHERE c.amount > 100 AND c.status <> 'x' GROUP BY c.status ORDER BY 1;
RESET autopilot.capture_plan_format;
SET autopilot.sample_rate = 0;
CREATE TEMP TABLE two_plans AS SELECT row_number() OVER () AS n, plan FROM autopilot.capture_drain();
CREATE TEMP TABLE nodes AS
WITH RECURSIVE walk(n, path, node) AS (
    SELECT n, '0', plan FROM two_plans
    UNION ALL
    SELECT w.n, w.path || '.' || c.i, c.node
      FROM walk w, jsonb_array_elements(w.node->'Plans') WITH ORDINALITY AS c(node, i)
)
SELECT n, path, node->>'Node Type' AS node_type, node->>'Parent Relationship' AS parent,
       node->>'Join Type' AS join_type, node->>'Strategy' AS strategy, node->>'Relation Name' AS relation,
       node->>'Plan Rows' AS plan_rows, node->>'Actual Rows' AS actual_rows, node->>'Actual Loops' AS loops,
       jsonb_typeof(node->'Filter') AS filter, jsonb_typeof(node->'Hash Cond') AS hash_cond,
       node->'Filter' AS filter_value
  FROM walk;
SELECT path, node_type, parent, join_type, strategy, relation, filter AS compact_filter, filter_value,
       hash_cond AS compact_hash_cond
  FROM nodes WHERE n = 1 ORDER BY path;
-- the same nodes, estimates and actuals in both formats; conditions are text in the explain format
SELECT count(*) AS nodes,
       count(*) FILTER (WHERE (c.node_type, c.parent, c.join_type, c.strategy, c.relation, c.plan_rows, c.actual_rows, c.loops)
                              IS NOT DISTINCT FROM (e.node_type, e.parent, e.join_type, e.strategy, e.relation, e.plan_rows, e.actual_rows, e.loops)) AS same,
       count(*) FILTER (WHERE (c.filter IS NULL) = (e.filter IS NULL) AND (c.hash_cond IS NULL) = (e.hash_cond IS NULL)) AS same_conditions,
       bool_and(e.filter IS NULL OR e.filter = 'string') AS explain_text
  FROM nodes c JOIN nodes e ON e.n = 2 AND e.path = c.path WHERE c.n = 1;
DROP TABLE nodes, two_plans;
SET autopilot.capture_plan_format = 'yaml';

-- the query id is pg_stat_statements'
SELECT pg_stat_statements_reset() IS NOT NULL AS reset;
SET autopilot.sample_rate = 1;
SELECT status FROM cap_orders WHERE id = 43;
SET autopilot.sample_rate = 0;
CREATE TEMP TABLE drained AS SELECT * FROM autopilot.capture_drain();
SELECT d.query, s.query AS normalized, d.queryid <> 0 AS has_id
  FROM drained d JOIN pg_stat_statements s USING (queryid)
 WHERE d.query LIKE '%id = 43%';
DROP TABLE drained;

-- a prepared statement's bound parameters, as text
PREPARE by_customer(int, text) AS SELECT count(*) FROM cap_orders WHERE customer = $1 AND status = $2;
SET autopilot.sample_rate = 1;
EXECUTE by_customer(5, 'open');
SET autopilot.sample_rate = 0;
SELECT query, params FROM autopilot.capture_drain();
DEALLOCATE by_customer;

-- several statements in one string: each sample carries its own text
SET autopilot.sample_rate = 1;
SELECT 1 AS a \; SELECT 2 AS b;
SET autopilot.sample_rate = 0;
SELECT query FROM autopilot.capture_drain() ORDER BY query;

-- a failed statement is recorded with its SQLSTATE, and the error reaches the client unchanged
SET autopilot.sample_rate = 1;
SELECT id / (customer - customer) FROM cap_orders WHERE id = 10;
SET autopilot.sample_rate = 0;
SELECT status, sqlstate, query, plan->>'Node Type' AS node, total_ms >= 0 AS timed FROM autopilot.capture_drain();

-- statement_timeout: flagged timeout, with the time it ran until the error
SET autopilot.sample_rate = 1;
SET statement_timeout = '200ms';
SELECT pg_sleep(30);
RESET statement_timeout;
SET autopilot.sample_rate = 0;
SELECT status, sqlstate, total_ms > 0 AS ran_until_timeout, total_ms < 30000 AS stopped_early
  FROM autopilot.capture_drain();
-- the session goes on
SELECT count(*) FROM cap_orders;

-- nested statements follow autopilot.capture_nested
CREATE FUNCTION cap_count(c int) RETURNS bigint LANGUAGE plpgsql AS
  $$ BEGIN RETURN (SELECT count(*) FROM cap_orders WHERE customer = c); END $$;
SET autopilot.sample_rate = 1;
SELECT cap_count(3);
SET autopilot.sample_rate = 0;
SELECT nested_level, query FROM autopilot.capture_drain() ORDER BY nested_level;
SET autopilot.capture_nested = on;
SET autopilot.sample_rate = 1;
SELECT cap_count(3);
SET autopilot.sample_rate = 0;
SELECT nested_level, query FROM autopilot.capture_drain() ORDER BY nested_level;
SET autopilot.capture_nested = off;

-- capture_min_duration keeps only slower sampled statements
SET autopilot.capture_min_duration = '1s';
SET autopilot.sample_rate = 1;
SELECT count(*) FROM cap_orders;
SET autopilot.sample_rate = 0;
RESET autopilot.capture_min_duration;
SELECT count(*) AS fast_statements_kept FROM autopilot.capture_drain();

-- autopilot.capture = off stops sampling
SET autopilot.capture = off;
SET autopilot.sample_rate = 1;
SELECT count(*) FROM cap_orders;
SET autopilot.sample_rate = 0;
RESET autopilot.capture;
SELECT count(*) AS captured_while_off FROM autopilot.capture_drain();

-- long texts are cut and flagged
SET autopilot.capture_max_text = 256;
SET autopilot.sample_rate = 1;
SELECT length(repeat('x', 10)) AS long_statement /* padding padding padding padding padding padding padding padding padding padding padding padding padding padding padding padding padding padding padding padding padding padding padding padding padding padding padding padding */;
SET autopilot.sample_rate = 0;
RESET autopilot.capture_max_text;
SELECT length(query) <= 256 AS cut, truncated FROM autopilot.capture_drain();

-- max_samples takes the oldest first and leaves the rest
SET autopilot.sample_rate = 1;
SELECT 'first' AS s;
SELECT 'second' AS s;
SELECT 'third' AS s;
SET autopilot.sample_rate = 0;
SELECT query FROM autopilot.capture_drain(2);
SELECT query FROM autopilot.capture_drain(0);
SELECT query FROM autopilot.capture_drain();
SELECT autopilot.capture_drain(-1);

-- the counters: sampled = drained + dropped + still in the ring
SELECT capture, sample_rate, capacity_bytes > 0 AS has_capacity, samples, sampled = drained + dropped + samples AS balanced,
       failed >= 2 AS failures_counted, truncated >= 1 AS truncations_counted
  FROM autopilot.capture_status;

-- bad settings are refused
SET autopilot.sample_rate = 1.5;
SET autopilot.sample_rate = -0.1;
SET autopilot.sample_rate = 'NaN';
SET autopilot.capture_max_text = 10;
SET autopilot.capture_buffer_size = '64MB';

-- drained samples fit autopilot.samples
SET autopilot.sample_rate = 1;
SELECT count(*) FROM cap_orders WHERE customer = 9;
SET autopilot.sample_rate = 0;
SELECT autopilot.capture_collect() AS stored;
SELECT status, fingerprint IS NULL AS no_fingerprint, query FROM autopilot.samples;
SELECT autopilot.samples_prune('7 days', 0) AS pruned;
SELECT count(*) AS left_over FROM autopilot.samples;

DROP FUNCTION cap_count(int);
DROP TABLE cap_orders;
