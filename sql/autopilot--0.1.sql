-- autopilot 0.1: schema, version, boundary self-test.
-- Sections are owned by concern; keep each concern's objects together under its heading.
\echo Use "CREATE EXTENSION autopilot CASCADE" to load this file. \quit

-- ===== core ==========================================================================
CREATE FUNCTION @extschema@.version() RETURNS text
    LANGUAGE c STRICT STABLE PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'autopilot_version';

-- Not STRICT: the NULL check is part of what it tests.
CREATE FUNCTION @extschema@.boundary_selftest(kind text) RETURNS text
    LANGUAGE c VOLATILE
    AS 'MODULE_PATHNAME', 'autopilot_boundary_selftest';

REVOKE ALL ON SCHEMA @extschema@ FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.boundary_selftest(text) FROM PUBLIC;

-- ===== hypo ==========================================================================
-- Hypothetical indexes: per backend, never shared, never used by real execution.
-- Not STRICT: a NULL argument is an error, not a silent NULL.
CREATE FUNCTION @extschema@.hypo_create(ddl text, OUT id int, OUT name text) RETURNS SETOF record
    LANGUAGE c VOLATILE PARALLEL UNSAFE ROWS 1
    AS 'MODULE_PATHNAME', 'autopilot_hypo_create';

CREATE FUNCTION @extschema@.hypo_list(OUT id int, OUT name text, OUT table_name regclass,
                                      OUT access_method text, OUT ddl text) RETURNS SETOF record
    LANGUAGE c VOLATILE PARALLEL UNSAFE
    AS 'MODULE_PATHNAME', 'autopilot_hypo_list';

CREATE FUNCTION @extschema@.hypo_drop(id int) RETURNS boolean
    LANGUAGE c VOLATILE PARALLEL UNSAFE
    AS 'MODULE_PATHNAME', 'autopilot_hypo_drop';

CREATE FUNCTION @extschema@.hypo_reset() RETURNS int
    LANGUAGE c VOLATILE PARALLEL UNSAFE
    AS 'MODULE_PATHNAME', 'autopilot_hypo_reset';

CREATE FUNCTION @extschema@.hypo_size(id int) RETURNS bigint
    LANGUAGE c VOLATILE PARALLEL UNSAFE
    AS 'MODULE_PATHNAME', 'autopilot_hypo_size';

-- The size model for a CREATE INDEX statement without registering anything (the advisor's budget).
CREATE FUNCTION @extschema@.hypo_estimate(ddl text, OUT bytes bigint, OUT pages bigint,
                                          OUT tree_height int, OUT tuples float8) RETURNS SETOF record
    LANGUAGE c VOLATILE PARALLEL UNSAFE ROWS 1
    AS 'MODULE_PATHNAME', 'autopilot_hypo_estimate';

CREATE FUNCTION @extschema@.hypo_hide(index regclass) RETURNS boolean
    LANGUAGE c VOLATILE PARALLEL UNSAFE
    AS 'MODULE_PATHNAME', 'autopilot_hypo_hide';

CREATE FUNCTION @extschema@.hypo_unhide(index regclass) RETURNS boolean
    LANGUAGE c VOLATILE PARALLEL UNSAFE
    AS 'MODULE_PATHNAME', 'autopilot_hypo_unhide';

CREATE FUNCTION @extschema@.hypo_unhide_all() RETURNS int
    LANGUAGE c VOLATILE PARALLEL UNSAFE
    AS 'MODULE_PATHNAME', 'autopilot_hypo_unhide_all';

CREATE FUNCTION @extschema@.hypo_hidden() RETURNS SETOF regclass
    LANGUAGE c VOLATILE PARALLEL UNSAFE
    AS 'MODULE_PATHNAME', 'autopilot_hypo_hidden';

REVOKE ALL ON FUNCTION @extschema@.hypo_create(text), @extschema@.hypo_list(), @extschema@.hypo_drop(int),
    @extschema@.hypo_reset(), @extschema@.hypo_size(int), @extschema@.hypo_estimate(text),
    @extschema@.hypo_hide(regclass), @extschema@.hypo_unhide(regclass), @extschema@.hypo_unhide_all(),
    @extschema@.hypo_hidden() FROM PUBLIC;

-- ===== whatif ========================================================================
-- Plans without executing; see docs/hypothetical-indexes.md and docs/contracts.md ("What-if").
CREATE FUNCTION @extschema@.whatif(query text, indexes text[] DEFAULT '{}',
                                   OUT total_cost float8, OUT startup_cost float8, OUT plan_rows float8,
                                   OUT plan jsonb, OUT indexes_used text[], OUT hypothetical_used int[])
    RETURNS SETOF record
    LANGUAGE c VOLATILE PARALLEL UNSAFE ROWS 1
    AS 'MODULE_PATHNAME', 'autopilot_whatif';

-- Every query planned once per configuration (a JSON array of arrays of 1-based positions into
-- indexes; NULL: one configuration with all of them). Each DDL and each query is analysed once.
CREATE FUNCTION @extschema@.whatif_batch(queries text[], indexes text[] DEFAULT '{}',
                                         configurations jsonb DEFAULT NULL, with_plan boolean DEFAULT false,
                                         OUT query_no int, OUT config_no int,
                                         OUT total_cost float8, OUT startup_cost float8, OUT plan_rows float8,
                                         OUT plan jsonb, OUT indexes_used text[], OUT hypothetical_used int[])
    RETURNS SETOF record
    LANGUAGE c VOLATILE PARALLEL UNSAFE
    AS 'MODULE_PATHNAME', 'autopilot_whatif_batch';

REVOKE ALL ON FUNCTION @extschema@.whatif(text, text[]),
    @extschema@.whatif_batch(text[], text[], jsonb, boolean) FROM PUBLIC;

-- ===== capture =======================================================================
-- Sampled statements recorded by the executor hooks (needs the preload; see docs/capture.md).
CREATE FUNCTION @extschema@.capture_drain(max_samples int DEFAULT NULL)
    RETURNS TABLE (queryid bigint, dbid oid, userid oid, captured_at timestamptz,
                   total_ms float8, planning_ms float8, rows bigint,
                   status text, sqlstate text, nested_level int,
                   query text, params text[], plan jsonb, predicates jsonb,
                   truncated boolean)
    LANGUAGE c VOLATILE PARALLEL UNSAFE
    AS 'MODULE_PATHNAME', 'autopilot_capture_drain';

CREATE FUNCTION @extschema@.capture_status_info(
        OUT capture boolean, OUT sample_rate float8,
        OUT capacity_bytes bigint, OUT used_bytes bigint, OUT samples bigint,
        OUT sampled bigint, OUT dropped bigint, OUT drained bigint,
        OUT truncated bigint, OUT failed bigint, OUT max_sample_bytes bigint)
    RETURNS record
    LANGUAGE c VOLATILE PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'autopilot_capture_status_info';

CREATE VIEW @extschema@.capture_status AS
    SELECT * FROM @extschema@.capture_status_info();

CREATE FUNCTION @extschema@.capture_reset() RETURNS void
    LANGUAGE c VOLATILE PARALLEL UNSAFE
    AS 'MODULE_PATHNAME', 'autopilot_capture_reset';

REVOKE ALL ON FUNCTION @extschema@.capture_drain(int) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.capture_status_info() FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.capture_reset() FROM PUBLIC;
REVOKE ALL ON @extschema@.capture_status FROM PUBLIC;

-- ===== samples =======================================================================
-- The drained samples the daemon keeps (fingerprint: libpg_query's, filled by the daemon).
CREATE TABLE @extschema@.samples (
    id bigserial PRIMARY KEY,
    fingerprint text,
    queryid bigint NOT NULL,
    dbid oid NOT NULL,
    userid oid NOT NULL,
    captured_at timestamptz NOT NULL,
    total_ms float8 NOT NULL,
    planning_ms float8 NOT NULL,
    rows bigint NOT NULL,
    status text NOT NULL CHECK (status IN ('ok', 'error', 'timeout', 'cancelled')),
    sqlstate text,
    nested_level int NOT NULL,
    query text NOT NULL,
    params text[],
    plan jsonb,
    predicates jsonb NOT NULL DEFAULT '[]',
    truncated boolean NOT NULL DEFAULT false
);
CREATE INDEX samples_queryid_idx ON @extschema@.samples (queryid, captured_at);
CREATE INDEX samples_captured_at_idx ON @extschema@.samples (captured_at);
SELECT pg_catalog.pg_extension_config_dump('@extschema@.samples', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.samples_id_seq', '');

-- Drains the ring into autopilot.samples in one statement; returns the number of samples stored.
CREATE FUNCTION @extschema@.capture_collect(max_samples int DEFAULT NULL) RETURNS bigint
    LANGUAGE sql VOLATILE
    SET search_path = pg_catalog, pg_temp
    BEGIN ATOMIC
        WITH stored AS (
            INSERT INTO @extschema@.samples (queryid, dbid, userid, captured_at, total_ms, planning_ms,
                                             rows, status, sqlstate, nested_level, query, params,
                                             plan, predicates, truncated)
            SELECT d.queryid, d.dbid, d.userid, d.captured_at, d.total_ms, d.planning_ms, d.rows,
                   d.status, d.sqlstate, d.nested_level, d.query, d.params, d.plan, d.predicates,
                   d.truncated
              FROM @extschema@.capture_drain(max_samples) AS d
            RETURNING 1)
        SELECT count(*) FROM stored;
    END;

-- Retention: deletes samples older than keep, then the oldest beyond max_rows; returns how many.
CREATE FUNCTION @extschema@.samples_prune(keep interval DEFAULT '7 days', max_rows bigint DEFAULT 1000000)
    RETURNS bigint
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    old_rows bigint;
    extra_rows bigint;
BEGIN
    IF keep IS NULL OR max_rows IS NULL OR max_rows < 0 THEN
        RAISE EXCEPTION 'keep and max_rows must be given, max_rows not negative'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    DELETE FROM @extschema@.samples WHERE captured_at < now() - keep;
    GET DIAGNOSTICS old_rows = ROW_COUNT;
    DELETE FROM @extschema@.samples
     WHERE id <= (SELECT id FROM @extschema@.samples ORDER BY id DESC OFFSET max_rows LIMIT 1);
    GET DIAGNOSTICS extra_rows = ROW_COUNT;
    RETURN old_rows + extra_rows;
END
$$;

REVOKE ALL ON @extschema@.samples FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.capture_collect(int) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.samples_prune(interval, bigint) FROM PUBLIC;

-- ===== models ========================================================================
-- Latency models the daemon trained: files (XGBoost JSON members + metadata JSON) live in its
-- models directory, this table registers them; at most one active model per kind
-- (docs/predictor.md).
CREATE TABLE @extschema@.models (
    id              bigserial PRIMARY KEY,
    kind            text NOT NULL DEFAULT 'latency' CHECK (kind IN ('latency')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    feature_version int NOT NULL CHECK (feature_version > 0),
    path            text NOT NULL CHECK (path <> ''),
    metadata        jsonb NOT NULL DEFAULT '{}',
    metrics         jsonb NOT NULL DEFAULT '{}',
    active          boolean NOT NULL DEFAULT false
);
CREATE UNIQUE INDEX models_one_active ON @extschema@.models (kind) WHERE active;
COMMENT ON TABLE @extschema@.models IS 'latency models trained by autopilotd; the active one judges index candidates';

-- The latest workload clustering, one row per statement (written by the daemon's learn step).
CREATE TABLE @extschema@.workload_cluster_members (
    computed_at timestamptz NOT NULL,
    cluster     int NOT NULL CHECK (cluster >= 0),
    fingerprint text NOT NULL,
    query       text,
    calls       float8 NOT NULL DEFAULT 0,
    total_ms    float8 NOT NULL DEFAULT 0,
    tables      text[] NOT NULL DEFAULT '{}',
    silhouette  float8,
    PRIMARY KEY (computed_at, fingerprint)
);

-- Each cluster of the latest run: its share of the workload's time, its main statements (by
-- time) and the tables it touches.
CREATE VIEW @extschema@.workload_clusters AS
WITH latest AS (
    SELECT * FROM @extschema@.workload_cluster_members
     WHERE computed_at = (SELECT max(computed_at) FROM @extschema@.workload_cluster_members)
)
SELECT l.cluster,
       count(*)::int AS statements,
       sum(l.calls) AS calls,
       sum(l.total_ms) AS total_ms,
       round((sum(l.total_ms) / nullif(sum(sum(l.total_ms)) OVER (), 0))::numeric, 4) AS share_of_time,
       (array_agg(l.query ORDER BY l.total_ms DESC, l.fingerprint))[1:3] AS main_statements,
       (SELECT array_agg(DISTINCT t ORDER BY t)
          FROM latest l2, unnest(l2.tables) AS t WHERE l2.cluster = l.cluster) AS tables,
       max(l.silhouette) AS silhouette,
       max(l.computed_at) AS computed_at
  FROM latest l
 GROUP BY l.cluster
 ORDER BY l.cluster;
