-- Bad input to the hypothetical-index and what-if functions: each a clear error, and the backend
-- survives every one.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS autopilot CASCADE;
RESET client_min_messages;
CREATE TABLE bad_t (a int, b text);
CREATE VIEW bad_v AS SELECT * FROM bad_t;
CREATE FOREIGN DATA WRAPPER bad_fdw;
CREATE SERVER bad_server FOREIGN DATA WRAPPER bad_fdw;
CREATE FOREIGN TABLE bad_ft (a int) SERVER bad_server;
CREATE TABLE bad_parted (a int) PARTITION BY RANGE (a);

-- NULL arguments
SELECT * FROM autopilot.hypo_create(NULL);
SELECT autopilot.hypo_drop(NULL);
SELECT autopilot.hypo_size(NULL);
SELECT autopilot.hypo_hide(NULL);
SELECT autopilot.hypo_unhide(NULL);
SELECT * FROM autopilot.hypo_estimate(NULL);
SELECT * FROM autopilot.whatif(NULL);
SELECT * FROM autopilot.whatif('SELECT 1', NULL);
SELECT * FROM autopilot.whatif('SELECT 1', ARRAY[NULL]);
SELECT * FROM autopilot.whatif_batch(NULL);
SELECT * FROM autopilot.whatif_batch(ARRAY['SELECT 1'], with_plan => NULL);
-- empty strings
SELECT * FROM autopilot.hypo_create('');
SELECT * FROM autopilot.hypo_create('   ');
SELECT * FROM autopilot.whatif('');
SELECT * FROM autopilot.whatif('SELECT 1', ARRAY['']);
-- not CREATE INDEX
SELECT * FROM autopilot.hypo_create('CREATE TABLE x (a int)');
SELECT * FROM autopilot.hypo_create('SELECT 1');
SELECT * FROM autopilot.hypo_create('CREATE INDEX ON');
-- several statements
SELECT * FROM autopilot.hypo_create('CREATE INDEX ON bad_t (a); CREATE INDEX ON bad_t (b)');
SELECT * FROM autopilot.whatif('SELECT 1; SELECT 2');
-- unknown table, column, operator class, access method
SELECT * FROM autopilot.hypo_create('CREATE INDEX ON no_such_table (a)');
SELECT * FROM autopilot.hypo_create('CREATE INDEX ON bad_t (no_such_column)');
SELECT * FROM autopilot.hypo_create('CREATE INDEX ON bad_t (a no_such_ops)');
SELECT * FROM autopilot.hypo_create('CREATE INDEX ON bad_t (a text_pattern_ops)');
SELECT * FROM autopilot.hypo_create('CREATE INDEX ON bad_t USING no_such_am (a)');
SELECT * FROM autopilot.hypo_create('CREATE INDEX ON bad_t USING gin (b)');
SELECT * FROM autopilot.hypo_create('CREATE INDEX ON bad_t (a) WITH (no_such_option = 1)');
SELECT * FROM autopilot.hypo_create('CREATE INDEX ON bad_t (a) WITH (fillfactor = 5)');
SELECT * FROM autopilot.hypo_create('CREATE INDEX ON bad_t (a) TABLESPACE no_such_space');
SELECT * FROM autopilot.hypo_create('CREATE INDEX ON bad_t (a COLLATE "C")');
-- system catalogs, views, foreign tables, unique on partitioned tables, system columns
SELECT * FROM autopilot.hypo_create('CREATE INDEX ON pg_class (relname)');
SELECT * FROM autopilot.hypo_create('CREATE INDEX ON bad_v (a)');
SELECT * FROM autopilot.hypo_create('CREATE INDEX ON bad_ft (a)');
SELECT * FROM autopilot.hypo_create('CREATE UNIQUE INDEX ON bad_parted (a)');
SELECT * FROM autopilot.hypo_create('CREATE INDEX ON bad_t (ctid)');
-- what an access method cannot do
SELECT * FROM autopilot.hypo_create('CREATE UNIQUE INDEX ON bad_t USING hash (a)');
SELECT * FROM autopilot.hypo_create('CREATE INDEX ON bad_t USING hash (a, b)');
SELECT * FROM autopilot.hypo_create('CREATE INDEX ON bad_t USING hash (a) INCLUDE (b)');
SELECT * FROM autopilot.hypo_create('CREATE INDEX ON bad_t USING brin (a DESC)');
SELECT * FROM autopilot.hypo_create('CREATE INDEX ON bad_t (a) INCLUDE (lower(b))');
SELECT * FROM autopilot.hypo_create('CREATE INDEX IF NOT EXISTS bad_i ON bad_t (a)');
-- mutable expressions and predicates
SELECT * FROM autopilot.hypo_create('CREATE INDEX ON bad_t ((a + random()))');
SELECT * FROM autopilot.hypo_create('CREATE INDEX ON bad_t (a) WHERE b = now()::text');
-- SQL injection attempts: the DDL is parsed, never executed
SELECT * FROM autopilot.hypo_create('CREATE INDEX ON bad_t (a); DROP TABLE bad_t');
SELECT * FROM autopilot.hypo_create('CREATE INDEX ON bad_t (a) WHERE a = 1 OR pg_sleep(0) IS NULL');
SELECT * FROM autopilot.hypo_create('CREATE INDEX ON bad_t ((pg_terminate_backend(pg_backend_pid())::int))');
SELECT name FROM autopilot.hypo_create('CREATE INDEX "x""; DROP TABLE bad_t; --" ON bad_t (a)');
SELECT * FROM autopilot.whatif('SELECT 1; DROP TABLE bad_t');
SELECT count(*) FROM bad_t;
-- 1 MB strings
SELECT * FROM autopilot.hypo_create(repeat('x', 1024 * 1024));
SELECT * FROM autopilot.hypo_create('CREATE INDEX ON bad_t (a) /*' || repeat('x', 1024 * 1024) || '*/');
SELECT plan_rows FROM autopilot.whatif('SELECT 1 /*' || repeat('x', 1024 * 1024) || '*/');
-- what-if: only statements that can be planned, with known parameter types
SELECT * FROM autopilot.whatif('VACUUM bad_t');
SELECT * FROM autopilot.whatif('EXPLAIN SELECT 1');
SELECT * FROM autopilot.whatif('SELECT * FROM bad_t WHERE $1 IS NULL');
SELECT * FROM autopilot.whatif('SELECT * FROM no_such_table');
SELECT * FROM autopilot.whatif('SELECT 1', ARRAY['CREATE INDEX ON bad_t (no_such_column)']);
SELECT * FROM autopilot.whatif('SELECT 1', ARRAY[['CREATE INDEX ON bad_t (a)']]);
SELECT * FROM autopilot.whatif_batch(ARRAY['SELECT 1'], '{}', '{"a": 1}');
SELECT * FROM autopilot.whatif_batch(ARRAY['SELECT 1'], '{}', '[1]');
SELECT * FROM autopilot.whatif_batch(ARRAY['SELECT 1'], '{}', '[[1]]');
SELECT * FROM autopilot.whatif_batch(ARRAY['SELECT 1'], '{}', '[[[1]]]');
SELECT * FROM autopilot.whatif_batch(ARRAY['SELECT 1'], ARRAY['CREATE INDEX ON bad_t (a)'], '[["1"]]');
-- hiding a non-index relation, dropping an unknown id
SELECT autopilot.hypo_hide('bad_t');
SELECT autopilot.hypo_hide(0);
SELECT autopilot.hypo_drop(12345);
SELECT autopilot.hypo_size(12345);
-- a failed call leaves nothing behind
SELECT count(*) FROM autopilot.hypo_list() WHERE name <> 'x"; DROP TABLE bad_t; --';
SELECT autopilot.hypo_reset();
-- the backend is alive
SELECT 1 AS alive;

DROP TABLE bad_t, bad_parted CASCADE;
DROP FOREIGN TABLE bad_ft;
DROP SERVER bad_server;
DROP FOREIGN DATA WRAPPER bad_fdw;
