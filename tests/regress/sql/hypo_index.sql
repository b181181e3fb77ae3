-- Hypothetical indexes: every supported shape is seen by plain EXPLAIN, never by real execution.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS autopilot CASCADE;
RESET client_min_messages;
SET max_parallel_workers_per_gather = 0;
SET jit = off;

CREATE TABLE hypo_t AS
    SELECT i AS id, i % 50 AS grp, 'name_' || i AS name, date '2024-01-01' + (i % 365) AS day,
           (i * 1.5)::numeric AS amount
    FROM generate_series(1, 10000) i;
ANALYZE hypo_t;

-- single column B-tree
SELECT * FROM autopilot.hypo_create('CREATE INDEX ON hypo_t (id)');
EXPLAIN (COSTS OFF) SELECT * FROM hypo_t WHERE id = 5;
-- real execution and EXPLAIN ANALYZE never use it
EXPLAIN (COSTS OFF, ANALYZE, TIMING OFF, SUMMARY OFF) SELECT * FROM hypo_t WHERE id = 5;
SELECT id, grp FROM hypo_t WHERE id = 5;
-- a merge join can use its order
EXPLAIN (COSTS OFF) SELECT a.id FROM hypo_t a JOIN hypo_t b ON a.id = b.id ORDER BY a.id LIMIT 5;

-- multi-column with DESC NULLS LAST: an ORDER BY that matches needs no sort
SELECT name FROM autopilot.hypo_create('CREATE INDEX ON hypo_t (grp DESC NULLS LAST, day)');
EXPLAIN (COSTS OFF) SELECT * FROM hypo_t WHERE grp = 3 ORDER BY grp DESC NULLS LAST, day LIMIT 3;

-- INCLUDE: an index-only scan
SELECT name FROM autopilot.hypo_create('CREATE INDEX ON hypo_t (name) INCLUDE (amount)');
EXPLAIN (COSTS OFF) SELECT name, amount FROM hypo_t WHERE name = 'name_7';

-- partial: used only when the query implies the predicate
SELECT name FROM autopilot.hypo_create('CREATE INDEX ON hypo_t (day) WHERE grp = 7');
EXPLAIN (COSTS OFF) SELECT * FROM hypo_t WHERE grp = 7 AND day = '2024-02-01';
EXPLAIN (COSTS OFF) SELECT * FROM hypo_t WHERE grp = 8 AND day = '2024-02-01';

-- expression
SELECT name FROM autopilot.hypo_create('CREATE INDEX ON hypo_t (lower(name))');
EXPLAIN (COSTS OFF) SELECT * FROM hypo_t WHERE lower(name) = 'name_9';

-- hash
SELECT name FROM autopilot.hypo_create('CREATE INDEX ON hypo_t USING hash (amount)');
EXPLAIN (COSTS OFF) SELECT * FROM hypo_t WHERE amount = 15;

-- unique, a given name, CONCURRENTLY and a tablespace are accepted
SELECT name FROM autopilot.hypo_create('CREATE UNIQUE INDEX CONCURRENTLY my_hypo ON hypo_t (id, grp) TABLESPACE pg_default');

SELECT id, name, table_name, access_method, ddl FROM autopilot.hypo_list() ORDER BY id;

-- sizes are plausible: a few pages to a few hundred kB for 10000 rows, B-trees with a height
SELECT id, autopilot.hypo_size(id) BETWEEN 8192 AND 1024 * 1024 AS plausible FROM autopilot.hypo_list() ORDER BY id;
SELECT bytes, pages, tree_height FROM autopilot.hypo_estimate('CREATE INDEX ON hypo_t (id)');
SELECT bytes > 0 AS has_bytes, tree_height IS NULL AS no_height FROM autopilot.hypo_estimate('CREATE INDEX ON hypo_t USING hash (id)');

-- drop one, then all
SELECT autopilot.hypo_drop(1);
EXPLAIN (COSTS OFF) SELECT * FROM hypo_t WHERE id = 5;
SELECT autopilot.hypo_reset();
SELECT count(*) FROM autopilot.hypo_list();
EXPLAIN (COSTS OFF) SELECT * FROM hypo_t WHERE lower(name) = 'name_9';

-- BRIN on a correlated column
SELECT name FROM autopilot.hypo_create('CREATE INDEX ON hypo_t USING brin (id) WITH (pages_per_range = 8)');
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT * FROM hypo_t WHERE id BETWEEN 100 AND 1500;
RESET enable_seqscan;
SELECT autopilot.hypo_reset();

-- hiding a real index: the planner of this backend ignores it
CREATE INDEX hypo_t_id ON hypo_t (id);
EXPLAIN (COSTS OFF) SELECT * FROM hypo_t WHERE id = 5;
SELECT autopilot.hypo_hide('hypo_t_id');
SELECT autopilot.hypo_hide('hypo_t_id');
SELECT * FROM autopilot.hypo_hidden();
EXPLAIN (COSTS OFF) SELECT * FROM hypo_t WHERE id = 5;
SELECT autopilot.hypo_unhide('hypo_t_id');
SELECT autopilot.hypo_unhide('hypo_t_id');
EXPLAIN (COSTS OFF) SELECT * FROM hypo_t WHERE id = 5;
SELECT autopilot.hypo_hide('hypo_t_id');
SELECT autopilot.hypo_unhide_all();
DROP INDEX hypo_t_id;

-- create/drop cycles do not grow the backend's memory
SELECT autopilot.hypo_drop(id) FROM autopilot.hypo_create('CREATE INDEX ON hypo_t (grp)');
CREATE TEMP TABLE hypo_mem AS
    SELECT total_bytes FROM pg_backend_memory_contexts WHERE name = 'autopilot hypothetical indexes';
DO $$
BEGIN
    FOR i IN 1..300 LOOP
        PERFORM autopilot.hypo_drop(id) FROM autopilot.hypo_create('CREATE INDEX ON hypo_t (grp, day) WHERE id > 5');
    END LOOP;
END $$;
SELECT m.total_bytes = c.total_bytes AS no_growth, c.total_bytes < 16384 AS small
FROM hypo_mem m, pg_backend_memory_contexts c WHERE c.name = 'autopilot hypothetical indexes';
SELECT count(*) FROM pg_backend_memory_contexts WHERE name = 'autopilot hypothetical index';

DROP TABLE hypo_t;
