-- Hypothetical indexes on partitioned tables: the planner sees them on every leaf partition (with
-- the partition's own column numbers and size), as a real index on the parent would be.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS autopilot CASCADE;
RESET client_min_messages;
SET max_parallel_workers_per_gather = 0;
SET jit = off;
SET enable_partitionwise_aggregate = off;

-- two levels; one partition with its columns in another order, one with a dropped column
CREATE TABLE hp_events (day date NOT NULL, session_id int, kind text, amount numeric) PARTITION BY RANGE (day);
CREATE TABLE hp_events_q1 PARTITION OF hp_events FOR VALUES FROM ('2024-01-01') TO ('2024-04-01');
CREATE TABLE hp_events_q2 (junk int, amount numeric, kind text, session_id int, day date NOT NULL);
ALTER TABLE hp_events_q2 DROP COLUMN junk;
ALTER TABLE hp_events ATTACH PARTITION hp_events_q2 FOR VALUES FROM ('2024-04-01') TO ('2024-07-01');
CREATE TABLE hp_events_h2 PARTITION OF hp_events FOR VALUES FROM ('2024-07-01') TO ('2025-01-01')
    PARTITION BY RANGE (day);
CREATE TABLE hp_events_q3 PARTITION OF hp_events_h2 FOR VALUES FROM ('2024-07-01') TO ('2024-10-01');
CREATE TABLE hp_events_q4 PARTITION OF hp_events_h2 FOR VALUES FROM ('2024-10-01') TO ('2025-01-01');
INSERT INTO hp_events
    SELECT date '2024-01-01' + (i % 366), i % 5000, CASE WHEN i % 10 = 0 THEN 'buy' ELSE 'view' END, i % 97
      FROM generate_series(1, 40000) i;
ANALYZE hp_events;

-- a plain column: every leaf scan, including the reordered and the second-level ones, uses it
SELECT name FROM autopilot.hypo_create('CREATE INDEX ON hp_events (session_id)');
EXPLAIN (COSTS OFF) SELECT * FROM hp_events WHERE session_id = 42;
-- pruning still applies: one leaf
EXPLAIN (COSTS OFF) SELECT * FROM hp_events WHERE session_id = 42 AND day = '2024-05-05';
-- real execution never uses it
SELECT count(*) FROM hp_events WHERE session_id = 42;

-- an expression and a partial predicate are mapped to each partition's columns
SELECT name FROM autopilot.hypo_create('CREATE INDEX ON hp_events (lower(kind), amount) WHERE kind = ''buy''');
EXPLAIN (COSTS OFF) SELECT amount FROM hp_events WHERE lower(kind) = 'buy' AND kind = 'buy' AND amount = 3;

-- the size is the sum over the leaves: close to a real partitioned index's
SELECT autopilot.hypo_reset();
CREATE INDEX hp_real ON hp_events (session_id);
SELECT abs(e.bytes::float8 / (SELECT sum(pg_relation_size(relid)) FROM pg_partition_tree('hp_real')) - 1) < 0.15 AS size_close
  FROM autopilot.hypo_estimate('CREATE INDEX ON hp_events (session_id)') e;

-- hiding the real partitioned index hides it on every partition
SELECT autopilot.hypo_hide('hp_real');
EXPLAIN (COSTS OFF) SELECT * FROM hp_events WHERE session_id = 42;
SELECT autopilot.hypo_unhide('hp_real');
EXPLAIN (COSTS OFF) SELECT * FROM hp_events WHERE session_id = 42 AND day < '2024-02-01';
DROP INDEX hp_real;

-- what-if on the parent
SELECT indexes_used, hypothetical_used
  FROM autopilot.whatif('SELECT * FROM hp_events WHERE session_id = 7 AND day >= ''2024-12-01''',
                        ARRAY['CREATE INDEX ON hp_events (session_id)']);
SELECT config_no, hypothetical_used
  FROM autopilot.whatif_batch(ARRAY['SELECT * FROM hp_events WHERE session_id = 7'],
                              ARRAY['CREATE INDEX ON hp_events (session_id)', 'CREATE INDEX ON hp_events (kind)'],
                              '[[], [1], [2]]')
 ORDER BY config_no;

-- unsupported: unique on a partitioned table
SELECT * FROM autopilot.hypo_create('CREATE UNIQUE INDEX ON hp_events (session_id, day)');

DROP TABLE hp_events;
