-- autopilot.whatif and autopilot.whatif_batch: plans without executing.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS autopilot CASCADE;
RESET client_min_messages;
SET max_parallel_workers_per_gather = 0;
SET jit = off;

CREATE TABLE wi_t AS
    SELECT i AS id, i % 100 AS grp, 'n' || i AS name FROM generate_series(1, 10000) i;
ANALYZE wi_t;
CREATE INDEX wi_t_grp ON wi_t (grp);

-- the plan is EXPLAIN (FORMAT JSON)'s "Plan" object
CREATE FUNCTION wi_explain(q text) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE j json;
BEGIN
    EXECUTE 'EXPLAIN (FORMAT JSON) ' || q INTO j;
    RETURN (j::jsonb) -> 0 -> 'Plan';
END $$;
SELECT w.plan = wi_explain('SELECT * FROM wi_t WHERE grp = 3') AS same_plan,
       round(w.total_cost::numeric, 2) = (w.plan ->> 'Total Cost')::numeric AS same_cost,
       round(w.startup_cost::numeric, 2) = (w.plan ->> 'Startup Cost')::numeric AS same_startup,
       w.plan_rows = (w.plan ->> 'Plan Rows')::float8 AS same_rows,
       w.indexes_used, w.hypothetical_used
FROM autopilot.whatif('SELECT * FROM wi_t WHERE grp = 3') w;

-- hypothetical indexes for this call only; positions of those the plan uses
SELECT plan ->> 'Node Type' AS node, plan ->> 'Index Name' AS index_name, indexes_used, hypothetical_used
FROM autopilot.whatif('SELECT * FROM wi_t WHERE id = 42',
                      ARRAY['CREATE INDEX ON wi_t (name)', 'CREATE INDEX ON wi_t (id)']);
SELECT count(*) FROM autopilot.hypo_list();
EXPLAIN (COSTS OFF) SELECT * FROM wi_t WHERE id = 42;

-- with a session's hypothetical index too, and a real one in the same plan
SELECT name FROM autopilot.hypo_create('CREATE INDEX ON wi_t (name)');
SELECT indexes_used, hypothetical_used
FROM autopilot.whatif('SELECT * FROM wi_t a JOIN wi_t b ON a.id = b.grp WHERE a.name = $1 AND b.grp = 5',
                      ARRAY['CREATE INDEX ON wi_t (id)']);
SELECT autopilot.hypo_reset();

-- generic plans for $n, with types resolved by the server
SELECT plan ->> 'Node Type' AS node, indexes_used
FROM autopilot.whatif('SELECT * FROM wi_t WHERE id = $1 AND name LIKE $2', ARRAY['CREATE INDEX ON wi_t (id)']);

-- nothing is executed: DML is planned only, a volatile function is never called
CREATE TABLE wi_calls (n int);
CREATE FUNCTION wi_side_effect() RETURNS int LANGUAGE plpgsql VOLATILE AS $$
BEGIN INSERT INTO wi_calls VALUES (1); RETURN 1; END $$;
SELECT plan ->> 'Node Type' AS node FROM autopilot.whatif('SELECT wi_side_effect() FROM wi_t WHERE id = 1');
SELECT plan ->> 'Node Type' AS node, plan ->> 'Operation' AS operation, indexes_used
FROM autopilot.whatif('DELETE FROM wi_t WHERE id = 7 AND wi_side_effect() = 1', ARRAY['CREATE INDEX ON wi_t (id)']);
SELECT plan ->> 'Operation' AS operation FROM autopilot.whatif('UPDATE wi_t SET name = ''x'' WHERE grp = 1');
SELECT plan ->> 'Operation' AS operation FROM autopilot.whatif('INSERT INTO wi_t SELECT wi_side_effect(), 1, ''y''');
SELECT plan ->> 'Operation' AS operation
FROM autopilot.whatif('MERGE INTO wi_t USING (SELECT 1 AS id) s ON wi_t.id = s.id WHEN MATCHED THEN DELETE');
SELECT count(*) AS calls FROM wi_calls;
SELECT count(*) AS rows, count(*) FILTER (WHERE name = 'x') AS updated FROM wi_t;

-- views are planned through their definition
CREATE VIEW wi_v AS SELECT id, name FROM wi_t WHERE grp < 50;
SELECT indexes_used FROM autopilot.whatif('SELECT * FROM wi_v WHERE id = 3', ARRAY['CREATE INDEX ON wi_t (id)']);

-- subplans and initplans are searched for indexes too
SELECT indexes_used FROM autopilot.whatif(
    'SELECT (SELECT max(name) FROM wi_t WHERE id = 9), * FROM wi_t WHERE grp = 1',
    ARRAY['CREATE INDEX ON wi_t (id)']);

-- batch: each query once per configuration
SELECT query_no, config_no, plan IS NULL AS no_plan, indexes_used, hypothetical_used
FROM autopilot.whatif_batch(
    ARRAY['SELECT * FROM wi_t WHERE id = 1', 'SELECT * FROM wi_t WHERE name = ''n5'' AND id < 10'],
    ARRAY['CREATE INDEX ON wi_t (id)', 'CREATE INDEX ON wi_t (name)'],
    '[[], [1], [2], [1, 2]]')
ORDER BY 1, 2;
-- NULL configurations: one configuration with every index; with_plan gives the JSON plan
SELECT query_no, config_no, plan ->> 'Node Type' AS node, hypothetical_used
FROM autopilot.whatif_batch(ARRAY['SELECT * FROM wi_t WHERE id = 1'], ARRAY['CREATE INDEX ON wi_t (id)'],
                            with_plan => true);
-- the batch's costs are the single form's costs
SELECT b.total_cost = w.total_cost AS same_cost
FROM autopilot.whatif_batch(ARRAY['SELECT * FROM wi_t WHERE id = 1'], ARRAY['CREATE INDEX ON wi_t (id)']) b,
     autopilot.whatif('SELECT * FROM wi_t WHERE id = 1', ARRAY['CREATE INDEX ON wi_t (id)']) w;
SELECT count(*) FROM autopilot.whatif_batch(ARRAY['SELECT 1'], '{}', '[]');

-- a DDL analysed once is reused, but not after its table changed, nor under another search_path
SELECT indexes_used FROM autopilot.whatif('SELECT * FROM wi_t WHERE grp = 1', ARRAY['CREATE INDEX ON wi_t (grp, id)']);
ALTER TABLE wi_t RENAME COLUMN grp TO grp2;
SELECT indexes_used FROM autopilot.whatif('SELECT * FROM wi_t WHERE grp2 = 1', ARRAY['CREATE INDEX ON wi_t (grp, id)']);
ALTER TABLE wi_t RENAME COLUMN grp2 TO grp;
SELECT indexes_used FROM autopilot.whatif('SELECT * FROM wi_t WHERE grp = 1', ARRAY['CREATE INDEX ON wi_t (grp, id)']);
CREATE SCHEMA wi_s;
CREATE TABLE wi_s.wi_t (id int);
SET search_path = wi_s, public;
SELECT indexes_used FROM autopilot.whatif('SELECT * FROM wi_t', ARRAY['CREATE INDEX ON wi_t (grp, id)']);
RESET search_path;
DROP SCHEMA wi_s CASCADE;

-- privileges: what-if needs what EXPLAIN needs
CREATE ROLE wi_reader;
GRANT USAGE ON SCHEMA autopilot TO wi_reader;
GRANT EXECUTE ON FUNCTION autopilot.whatif(text, text[]), autopilot.whatif_batch(text[], text[], jsonb, boolean) TO wi_reader;
SET ROLE wi_reader;
SELECT total_cost FROM autopilot.whatif('SELECT * FROM wi_t');
SELECT total_cost FROM autopilot.whatif_batch(ARRAY['SELECT * FROM wi_t']);
SELECT total_cost FROM autopilot.whatif('SELECT 1', ARRAY['CREATE INDEX ON wi_t (id)']);
RESET ROLE;
REVOKE ALL ON SCHEMA autopilot FROM wi_reader;
REVOKE ALL ON FUNCTION autopilot.whatif(text, text[]), autopilot.whatif_batch(text[], text[], jsonb, boolean) FROM wi_reader;
DROP ROLE wi_reader;

DROP VIEW wi_v;
DROP TABLE wi_t, wi_calls;
DROP FUNCTION wi_side_effect(), wi_explain(text);
