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

-- ===== lifecycle =====================================================================
-- The recommendation lifecycle (docs/lifecycle.md). Every status change goes through
-- autopilot._transition(), which accepts only the (from, to, actor) triples listed in
-- autopilot.transitions: that table is the state machine, and the diagram in the docs is
-- generated from it (autopilot.lifecycle_diagram()).

-- Roles are cluster-wide: another database may have created them already, possibly at the same
-- moment (concurrent CREATE EXTENSION), so create each only when missing and tolerate the race.
DO $roles$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT * FROM (VALUES ('autopilot_admin', 'NOLOGIN'), ('autopilot_daemon', 'LOGIN')) AS v(name, login) LOOP
        IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = r.name) THEN
            BEGIN
                EXECUTE format('CREATE ROLE %I %s', r.name, r.login);
            EXCEPTION WHEN duplicate_object OR unique_violation THEN
                NULL;
            END;
        END IF;
    END LOOP;
    -- Verify reads other users' statements in pg_stat_statements (query ids are hidden otherwise).
    IF NOT pg_catalog.pg_has_role('autopilot_daemon', 'pg_read_all_stats', 'MEMBER') THEN
        BEGIN
            GRANT pg_read_all_stats TO autopilot_daemon;
        EXCEPTION WHEN OTHERS THEN
            NULL;
        END;
    END IF;
END
$roles$;

CREATE TABLE @extschema@.lifecycle_statuses (
    status      text PRIMARY KEY,
    ord         int NOT NULL UNIQUE,
    terminal    boolean NOT NULL,
    description text NOT NULL
);
INSERT INTO @extschema@.lifecycle_statuses VALUES
    ('pending',  1, false, 'written by the advisor, waiting for an administrator'),
    ('approved',  2, false, 'approved; the daemon builds it at its next opportunity'),
    ('rejected',  3, true, 'rejected by an administrator; never built'),
    ('superseded',  4, true, 'replaced by a newer recommendation before a decision'),
    ('applying',  5, false, 'the daemon is building the index (CREATE INDEX CONCURRENTLY)'),
    ('applied',  6, false, 'built; the daemon measures its real effect over the verify window'),
    ('failed',  7, false, 'the build failed (see error); an administrator may approve it again'),
    ('verified',  8, false, 'built and measured (measured_benefit_pct)'),
    ('reverting',  9, false, 'revert requested; the daemon drops the index (DROP INDEX CONCURRENTLY)'),
    ('reverted', 10, true, 'the index was dropped');

-- The state machine: the only status changes _transition() accepts, and who may make them.
CREATE TABLE @extschema@.transitions (
    from_status text NOT NULL REFERENCES @extschema@.lifecycle_statuses,
    to_status   text NOT NULL REFERENCES @extschema@.lifecycle_statuses,
    actor       text NOT NULL CHECK (actor IN ('admin', 'daemon')),
    label       text NOT NULL,
    PRIMARY KEY (from_status, to_status, actor)
);
INSERT INTO @extschema@.transitions VALUES
    ('pending',   'approved',   'admin',  'approve'),
    ('pending',   'rejected',   'admin',  'reject'),
    ('approved',  'rejected',   'admin',  'reject'),
    ('failed',    'approved',   'admin',  'approve'),
    ('applied',   'reverting',  'admin',  'revert'),
    ('verified',  'reverting',  'admin',  'revert'),
    ('pending',   'superseded', 'daemon', 'superseded'),
    ('approved',  'applying',   'daemon', 'build'),
    ('applying',  'applied',    'daemon', 'built'),
    ('applying',  'failed',     'daemon', 'build failed'),
    ('applying',  'approved',   'daemon', 'interrupted, retry'),
    ('applied',   'verified',   'daemon', 'measured'),
    ('applied',   'reverting',  'daemon', 'regression'),
    ('reverting', 'reverted',   'daemon', 'dropped');

CREATE TABLE @extschema@.recommendations (
    id                            bigserial PRIMARY KEY,
    kind                          text NOT NULL DEFAULT 'create_index'
                                      CHECK (kind IN ('create_index', 'drop_index')),
    schema_name                   text NOT NULL,
    table_name                    text NOT NULL,
    columns                       text[] NOT NULL,
    index_name                    text NOT NULL,
    method                        text NOT NULL DEFAULT 'btree',
    ddl                           text NOT NULL,
    estimated_bytes               bigint,
    predicted_benefit_ms_per_hour float8,
    predicted_gain_pct            float8,
    affected_queries              jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(affected_queries) = 'array'),
    confidence                    float8 CHECK (confidence BETWEEN 0 AND 1),
    rationale                     text,
    status                        text NOT NULL DEFAULT 'pending' REFERENCES @extschema@.lifecycle_statuses,
    created_at                    timestamptz NOT NULL DEFAULT now(),
    decided_by                    text,
    decided_at                    timestamptz,
    decision_note                 text,
    applied_at                    timestamptz,
    measured_benefit_pct          float8,
    verified_at                   timestamptz,
    error                         text,
    superseded_by                 bigint REFERENCES @extschema@.recommendations,
    -- Who proposed it: 'advisor' (the daemon's advise step, which supersedes its own stale pending
    -- rows) or 'manual' (anyone else calling recommend(); the advisor never touches those).
    origin                        text NOT NULL DEFAULT 'manual' CHECK (origin IN ('advisor', 'manual')),
    attempts                      int NOT NULL DEFAULT 0,
    updated_at                    timestamptz NOT NULL DEFAULT now()
);
-- One live recommendation per index: the advisor refreshes a pending one instead of duplicating it.
CREATE UNIQUE INDEX recommendations_live_index_name
    ON @extschema@.recommendations (schema_name, index_name)
    WHERE status IN ('pending', 'approved', 'applying', 'applied', 'verified', 'reverting');
CREATE INDEX recommendations_status ON @extschema@.recommendations (status);

CREATE TABLE @extschema@.recommendation_events (
    id                bigserial PRIMARY KEY,
    recommendation_id bigint NOT NULL REFERENCES @extschema@.recommendations ON DELETE CASCADE,
    at                timestamptz NOT NULL DEFAULT clock_timestamp(),
    actor             text NOT NULL,
    from_status       text,
    to_status         text NOT NULL,
    detail            text
);
CREATE INDEX recommendation_events_recommendation ON @extschema@.recommendation_events (recommendation_id, id);

-- pg_stat_statements counters of the affected statements when the build started: the "before"
-- side of verification, kept in the database so a restarted daemon still has it.
CREATE TABLE @extschema@.verify_baselines (
    recommendation_id bigint NOT NULL REFERENCES @extschema@.recommendations ON DELETE CASCADE,
    queryid           bigint NOT NULL,
    calls             bigint NOT NULL,
    total_exec_ms     float8 NOT NULL,
    taken_at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (recommendation_id, queryid)
);

-- pg_dump keeps the decisions and their history.
SELECT pg_catalog.pg_extension_config_dump('@extschema@.recommendations', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.recommendations_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.recommendation_events', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.recommendation_events_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.verify_baselines', '');

CREATE VIEW @extschema@.pending AS
SELECT r.id,
       format('%I.%I', r.schema_name, r.table_name)              AS "table",
       array_to_string(r.columns, ', ')                           AS columns,
       pg_catalog.pg_size_pretty(r.estimated_bytes)               AS size,
       round(r.predicted_gain_pct::numeric, 1)                    AS gain_pct,
       round(r.predicted_benefit_ms_per_hour::numeric)            AS saved_ms_per_hour,
       jsonb_array_length(r.affected_queries)                     AS queries,
       round(r.confidence::numeric, 2)                            AS confidence,
       r.rationale,
       r.created_at
  FROM @extschema@.recommendations r
 WHERE r.status = 'pending'
 ORDER BY r.predicted_benefit_ms_per_hour DESC NULLS LAST, r.id;

-- Bytes on disk of a table or an index; of a partitioned one, of all its partitions (PostgreSQL's
-- size functions count a partitioned relation itself, which has no storage, as 0).
CREATE FUNCTION @extschema@.relation_bytes(rel regclass)
RETURNS bigint
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT CASE WHEN c.relkind IN ('p', 'I')
                THEN (SELECT coalesce(sum(pg_relation_size(t.relid)), 0) FROM pg_partition_tree(rel) t)::bigint
                ELSE pg_relation_size(rel) END
      FROM pg_class c WHERE c.oid = rel
$$;

-- The deterministic index name autopilot_<table>_<cols>_<hash>: ASCII, at most 63 bytes, the hash
-- (schema, table, method, columns) keeps truncated names distinct.
CREATE FUNCTION @extschema@.index_name_for(schema_name text, table_name text, columns text[], method text DEFAULT 'btree')
RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT left(regexp_replace(lower('autopilot_' || table_name || '_' || array_to_string(columns, '_')),
                               '[^a-z0-9_]+', '_', 'g'), 54)
           || '_' || left(md5(format('%I.%I|%s|%s', schema_name, table_name, method, columns::text)), 8)
$$;

-- Builds a CREATE INDEX CONCURRENTLY statement from the catalog: the relation must be a table, a
-- materialized view or a partitioned table, every column a live column of it, the method an index
-- access method. PostgreSQL 15 cannot build concurrently on a partitioned table: there the text is
-- the plain CREATE INDEX the result is equivalent to, and build_steps() says how the daemon builds
-- it without blocking writes (per partition, concurrently, then attached).
-- Every identifier comes from the catalog and is quoted with %I: no text from the caller reaches
-- the statement unquoted.
CREATE FUNCTION @extschema@.index_ddl(rel regclass, columns text[], method text DEFAULT 'btree')
RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    nsp text;
    relname text;
    kind "char";
    col text;
    cols text[] := '{}';
BEGIN
    IF rel IS NULL OR columns IS NULL OR method IS NULL THEN
        RAISE EXCEPTION 'table, columns and method must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    SELECT n.nspname, c.relname, c.relkind INTO nsp, relname, kind
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = rel;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'relation with OID % does not exist', rel::oid USING ERRCODE = 'undefined_table';
    END IF;
    IF kind NOT IN ('r', 'm', 'p') THEN
        RAISE EXCEPTION '"%.%" is not a table or materialized view', nsp, relname
            USING ERRCODE = 'wrong_object_type';
    END IF;
    IF kind = 'p' AND EXISTS (SELECT FROM pg_partition_tree(rel) t JOIN pg_class p ON p.oid = t.relid
                               WHERE t.isleaf AND p.relkind <> 'r') THEN
        RAISE EXCEPTION 'partitioned table "%.%" has partitions that cannot be indexed (foreign tables)', nsp, relname
            USING ERRCODE = 'feature_not_supported';
    END IF;
    IF cardinality(columns) NOT BETWEEN 1 AND 32 THEN
        RAISE EXCEPTION 'an index needs between 1 and 32 columns, got %', coalesce(cardinality(columns), 0)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    FOREACH col IN ARRAY columns LOOP
        IF NOT EXISTS (SELECT FROM pg_attribute
                        WHERE attrelid = rel AND attname = col AND attnum > 0 AND NOT attisdropped) THEN
            RAISE EXCEPTION 'column "%" of relation "%.%" does not exist', col, nsp, relname
                USING ERRCODE = 'undefined_column';
        END IF;
        IF col = ANY (cols) THEN
            RAISE EXCEPTION 'column "%" appears twice', col USING ERRCODE = 'duplicate_column';
        END IF;
        cols := cols || format('%I', col);
    END LOOP;
    IF NOT EXISTS (SELECT FROM pg_am WHERE amname = method AND amtype = 'i') THEN
        RAISE EXCEPTION 'access method "%" does not exist', method USING ERRCODE = 'undefined_object';
    END IF;
    RETURN format('CREATE INDEX %s%I ON %I.%I USING %I (%s)', CASE WHEN kind = 'p' THEN '' ELSE 'CONCURRENTLY ' END,
                  @extschema@.index_name_for(nsp, relname, columns, method), nsp, relname, method,
                  array_to_string(cols, ', '));
END
$$;

-- The index each partition of a recommendation's partitioned table gets (every level below the
-- table itself, parents before children), and the index of its parent it is attached to. Names
-- are index_name_for() of the partition, so a build can be resumed and its leftovers found.
CREATE FUNCTION @extschema@.partition_indexes(id bigint)
RETURNS TABLE (level int, is_leaf boolean, schema_name text, table_name text, index_name text,
               parent_schema text, parent_index text)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
    WITH r AS (SELECT x.schema_name, x.table_name, x.columns, x.method
                 FROM @extschema@.recommendations x WHERE x.id = partition_indexes.id),
         t AS (SELECT pt.relid, pt.parentrelid, pt.isleaf, pt.level
                 FROM r, pg_partition_tree(to_regclass(format('%I.%I', r.schema_name, r.table_name))) pt
                WHERE pt.level > 0),
         named AS (SELECT c.oid, n.nspname,
                          @extschema@.index_name_for(n.nspname, c.relname, r.columns, r.method) AS idx, c.relname
                     FROM r, pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE c.oid IN (SELECT relid FROM t UNION SELECT parentrelid FROM t))
    SELECT t.level, t.isleaf, me.nspname, me.relname, me.idx, up.nspname, up.idx
      FROM t JOIN named me ON me.oid = t.relid JOIN named up ON up.oid = t.parentrelid
     ORDER BY t.level, me.nspname, me.relname
$$;

-- The statements that build recommendation `id`'s index, in order, from the catalog as it is now
-- (validated like validated_ddl()). On a table: the one CREATE INDEX CONCURRENTLY. On a
-- partitioned table: CREATE INDEX ... ON ONLY the table (a catalog entry, invalid until complete),
-- then for each partition, parents first, its index (ON ONLY for a partitioned partition,
-- CONCURRENTLY for a leaf) and the ALTER INDEX ... ATTACH PARTITION that joins it to its parent's;
-- PostgreSQL marks the table's index valid when its last partition is attached.
CREATE FUNCTION @extschema@.build_steps(id bigint)
RETURNS TABLE (step int, schema_name text, index_name text, ddl text, attach text)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r @extschema@.recommendations;
    fresh text := @extschema@.validated_ddl(build_steps.id);
    cols text;
    p record;
    n int := 1;
BEGIN
    SELECT * INTO r FROM @extschema@.recommendations x WHERE x.id = build_steps.id;
    IF to_regclass(format('%I.%I', r.schema_name, r.table_name)) IN
           (SELECT c.oid FROM pg_class c WHERE c.relkind <> 'p') THEN
        RETURN QUERY SELECT 1, r.schema_name, r.index_name, fresh, NULL::text;
        RETURN;
    END IF;
    SELECT string_agg(format('%I', c), ', ' ORDER BY o) INTO cols FROM unnest(r.columns) WITH ORDINALITY u(c, o);
    RETURN QUERY SELECT 1, r.schema_name, r.index_name,
        format('CREATE INDEX %I ON ONLY %I.%I USING %I (%s)', r.index_name, r.schema_name, r.table_name, r.method, cols),
        NULL::text;
    FOR p IN SELECT * FROM @extschema@.partition_indexes(build_steps.id) LOOP
        n := n + 1;
        RETURN QUERY SELECT n, p.schema_name, p.index_name,
            format('CREATE INDEX %s%I ON %s%I.%I USING %I (%s)', CASE WHEN p.is_leaf THEN 'CONCURRENTLY ' ELSE '' END,
                   p.index_name, CASE WHEN p.is_leaf THEN '' ELSE 'ONLY ' END, p.schema_name, p.table_name, r.method, cols),
            format('ALTER INDEX %I.%I ATTACH PARTITION %I.%I', p.parent_schema, p.parent_index, p.schema_name, p.index_name);
    END LOOP;
END
$$;

-- Moves one recommendation to another status, if autopilot.transitions allows it for this actor.
-- The row lock serialises concurrent decisions: the second of two racing calls sees the first
-- one's status and fails with a message naming it.
CREATE FUNCTION @extschema@._transition(rec_id bigint, new_status text, actor text, detail text, verb text)
RETURNS @extschema@.recommendations
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r @extschema@.recommendations;
    old_status text;
    allowed text;
BEGIN
    IF rec_id IS NULL THEN
        RAISE EXCEPTION 'recommendation id must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    SELECT * INTO r FROM @extschema@.recommendations WHERE id = rec_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'recommendation % does not exist', rec_id USING ERRCODE = 'no_data_found';
    END IF;
    IF NOT EXISTS (SELECT FROM @extschema@.lifecycle_statuses s WHERE s.status = new_status) THEN
        RAISE EXCEPTION 'invalid recommendation status "%"', new_status USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF NOT EXISTS (SELECT FROM @extschema@.transitions t
                    WHERE t.from_status = r.status AND t.to_status = new_status AND t.actor = _transition.actor) THEN
        SELECT string_agg(format('"%s"', t.from_status), ' or ' ORDER BY t.from_status) INTO allowed
          FROM @extschema@.transitions t WHERE t.to_status = new_status AND t.actor = _transition.actor;
        RAISE EXCEPTION '%: its status is "%"',
              CASE WHEN verb IS NULL THEN format('cannot move recommendation %s to "%s"', rec_id, new_status)
                   ELSE format('cannot %s recommendation %s', verb, rec_id) END, r.status
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = CASE WHEN allowed IS NULL THEN format('The %s never moves a recommendation to "%s".', actor, new_status)
                                ELSE format('Only a recommendation whose status is %s can be moved to "%s".', allowed, new_status) END;
    END IF;
    old_status := r.status;
    UPDATE @extschema@.recommendations SET status = new_status, updated_at = now()
     WHERE id = rec_id RETURNING * INTO r;
    INSERT INTO @extschema@.recommendation_events (recommendation_id, actor, from_status, to_status, detail)
    VALUES (rec_id, session_user, old_status, new_status, detail);
    RETURN r;
END
$$;

-- Administrators --------------------------------------------------------------------------------
CREATE FUNCTION @extschema@.approve(id bigint, note text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM @extschema@._transition(approve.id, 'approved', 'admin', note, 'approve');
    UPDATE @extschema@.recommendations r
       SET decided_by = session_user, decided_at = now(), decision_note = note, error = NULL
     WHERE r.id = approve.id;
    -- Delivered at commit: the daemon never sees an approval that was rolled back.
    PERFORM pg_notify('autopilot_approved', approve.id::text);
END
$$;

CREATE FUNCTION @extschema@.reject(id bigint, reason text)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF reason IS NULL OR btrim(reason) = '' THEN
        RAISE EXCEPTION 'a rejection needs a reason' USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Say why, e.g. SELECT autopilot.reject(42, ''table is rewritten nightly'').';
    END IF;
    PERFORM @extschema@._transition(reject.id, 'rejected', 'admin', reason, 'reject');
    UPDATE @extschema@.recommendations r
       SET decided_by = session_user, decided_at = now(), decision_note = reason
     WHERE r.id = reject.id;
END
$$;

CREATE FUNCTION @extschema@.revert(id bigint)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    k text;
BEGIN
    SELECT r.kind INTO k FROM @extschema@.recommendations r WHERE r.id = revert.id;
    IF k = 'drop_index' THEN
        RAISE EXCEPTION 'cannot revert recommendation %: it dropped an index', revert.id
            USING ERRCODE = 'feature_not_supported', HINT = 'Recreate the index by hand if you need it back.';
    END IF;
    PERFORM @extschema@._transition(revert.id, 'reverting', 'admin', 'revert requested', 'revert');
    PERFORM pg_notify('autopilot_revert', revert.id::text);
END
$$;

-- The daemon -------------------------------------------------------------------------------------
-- Inserts a pending create_index recommendation on a table the catalog knows, with the DDL built
-- by index_ddl(). A live recommendation for the same index is refreshed (if still pending) or
-- left alone; its id is returned either way. `origin` says who proposes it: the advisor refreshes
-- only its own pending rows, a manual recommendation takes over a pending one of the advisor (so
-- the advisor no longer supersedes it).
CREATE FUNCTION @extschema@.recommend(
    rel regclass,
    columns text[],
    predicted_benefit_ms_per_hour float8 DEFAULT NULL,
    predicted_gain_pct float8 DEFAULT NULL,
    estimated_bytes bigint DEFAULT NULL,
    affected_queries jsonb DEFAULT '[]',
    confidence float8 DEFAULT NULL,
    rationale text DEFAULT NULL,
    method text DEFAULT 'btree',
    origin text DEFAULT 'manual')
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    ddl text := @extschema@.index_ddl(rel, columns, method);
    nsp text;
    relname text;
    idx text;
    existing @extschema@.recommendations;
    new_id bigint;
BEGIN
    IF affected_queries IS NULL OR jsonb_typeof(affected_queries) <> 'array' THEN
        RAISE EXCEPTION 'affected_queries must be a JSON array' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF confidence IS NOT NULL AND confidence NOT BETWEEN 0 AND 1 THEN
        RAISE EXCEPTION 'confidence must be between 0 and 1, got %', confidence USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF origin IS NULL OR origin NOT IN ('advisor', 'manual') THEN
        RAISE EXCEPTION 'invalid recommendation origin "%"', origin USING ERRCODE = 'invalid_parameter_value',
            HINT = 'The origin is "advisor" or "manual".';
    END IF;
    SELECT n.nspname, c.relname INTO nsp, relname
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = rel;
    idx := @extschema@.index_name_for(nsp, relname, columns, method);
    SELECT * INTO existing FROM @extschema@.recommendations r
     WHERE r.schema_name = nsp AND r.index_name = idx
       AND r.status IN ('pending', 'approved', 'applying', 'applied', 'verified', 'reverting')
       FOR UPDATE;
    IF FOUND THEN
        IF existing.status = 'pending' AND (existing.origin = recommend.origin OR recommend.origin = 'manual') THEN
            UPDATE @extschema@.recommendations r
               SET predicted_benefit_ms_per_hour = recommend.predicted_benefit_ms_per_hour,
                   predicted_gain_pct = recommend.predicted_gain_pct,
                   estimated_bytes = recommend.estimated_bytes,
                   affected_queries = recommend.affected_queries,
                   confidence = recommend.confidence,
                   rationale = recommend.rationale,
                   origin = recommend.origin,
                   updated_at = now()
             WHERE r.id = existing.id;
        END IF;
        RETURN existing.id;
    END IF;
    IF EXISTS (SELECT FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = nsp AND c.relname = idx) THEN
        RAISE EXCEPTION 'relation "%.%" already exists', nsp, idx USING ERRCODE = 'duplicate_table';
    END IF;
    INSERT INTO @extschema@.recommendations
        (kind, schema_name, table_name, columns, index_name, method, ddl, estimated_bytes,
         predicted_benefit_ms_per_hour, predicted_gain_pct, affected_queries, confidence, rationale, origin)
    VALUES ('create_index', nsp, relname, columns, idx, method, ddl, estimated_bytes,
            predicted_benefit_ms_per_hour, predicted_gain_pct, affected_queries, confidence, rationale, origin)
    RETURNING id INTO new_id;
    INSERT INTO @extschema@.recommendation_events (recommendation_id, actor, from_status, to_status, detail)
    VALUES (new_id, session_user, NULL, 'pending', 'recommended');
    RETURN new_id;
END
$$;

-- Daemon-side status changes (actor 'daemon' in autopilot.transitions).
CREATE FUNCTION @extschema@.advance(id bigint, to_status text, detail text DEFAULT NULL,
                                    measured_benefit_pct float8 DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM @extschema@._transition(advance.id, to_status, 'daemon', detail, NULL);
    UPDATE @extschema@.recommendations r
       SET attempts    = r.attempts + CASE WHEN to_status = 'applying' THEN 1 ELSE 0 END,
           applied_at  = CASE WHEN to_status = 'applied' THEN now() ELSE r.applied_at END,
           verified_at = CASE WHEN to_status IN ('verified', 'reverted') THEN now() ELSE r.verified_at END,
           error       = CASE WHEN to_status = 'failed' THEN detail
                              WHEN to_status = 'applied' THEN NULL ELSE r.error END,
           measured_benefit_pct = coalesce(advance.measured_benefit_pct, r.measured_benefit_pct)
     WHERE r.id = advance.id;
END
$$;

-- The DDL to run, re-derived from the catalog as it is now; refuses to return it when the table,
-- a column or the stored statement no longer match (the daemon runs only what this returns).
CREATE FUNCTION @extschema@.validated_ddl(id bigint)
RETURNS text
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r @extschema@.recommendations;
    rel regclass;
    fresh text;
BEGIN
    SELECT * INTO r FROM @extschema@.recommendations x WHERE x.id = validated_ddl.id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'recommendation % does not exist', validated_ddl.id USING ERRCODE = 'no_data_found';
    END IF;
    IF r.kind <> 'create_index' THEN
        RAISE EXCEPTION 'recommendation % is a %, not a create_index', r.id, r.kind USING ERRCODE = 'feature_not_supported';
    END IF;
    rel := to_regclass(format('%I.%I', r.schema_name, r.table_name));
    IF rel IS NULL THEN
        RAISE EXCEPTION 'relation "%.%" does not exist', r.schema_name, r.table_name USING ERRCODE = 'undefined_table';
    END IF;
    fresh := @extschema@.index_ddl(rel, r.columns, r.method);
    IF fresh IS DISTINCT FROM r.ddl THEN
        RAISE EXCEPTION 'the DDL of recommendation % no longer matches the catalog', r.id
            USING ERRCODE = 'data_corrupted', DETAIL = format('Stored: %s; from the catalog: %s.', r.ddl, fresh);
    END IF;
    RETURN fresh;
END
$$;

-- The lifecycle as a Mermaid state diagram, generated from autopilot.transitions
-- (docs/lifecycle.md embeds it; a test checks they agree).
CREATE FUNCTION @extschema@.lifecycle_diagram()
RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT 'stateDiagram-v2' || E'\n    [*] --> pending : recommend (daemon)\n'
           || string_agg(format('    %s --> %s : %s (%s)', t.from_status, t.to_status, t.label, t.actor), E'\n'
                         ORDER BY fs.ord, ts.ord, t.actor)
           || E'\n' || (SELECT string_agg(format('    %s --> [*]', s.status), E'\n' ORDER BY s.ord)
                          FROM @extschema@.lifecycle_statuses s WHERE s.terminal)
      FROM @extschema@.transitions t
      JOIN @extschema@.lifecycle_statuses fs ON fs.status = t.from_status
      JOIN @extschema@.lifecycle_statuses ts ON ts.status = t.to_status
$$;

-- Privileges: PUBLIC gets nothing; administrators decide and read; the daemon writes through
-- its functions only.
REVOKE ALL ON FUNCTION @extschema@.relation_bytes(regclass) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.index_name_for(text, text, text[], text) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.index_ddl(regclass, text[], text) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@._transition(bigint, text, text, text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.approve(bigint, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.reject(bigint, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.revert(bigint) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.recommend(regclass, text[], float8, float8, bigint, jsonb, float8, text, text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.advance(bigint, text, text, float8) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.validated_ddl(bigint) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.partition_indexes(bigint) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.build_steps(bigint) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.lifecycle_diagram() FROM PUBLIC;

GRANT USAGE ON SCHEMA @extschema@ TO autopilot_admin, autopilot_daemon;
GRANT SELECT ON @extschema@.recommendations, @extschema@.recommendation_events, @extschema@.pending,
                @extschema@.transitions, @extschema@.lifecycle_statuses, @extschema@.verify_baselines
   TO autopilot_admin, autopilot_daemon;
GRANT EXECUTE ON FUNCTION @extschema@.approve(bigint, text), @extschema@.reject(bigint, text),
                          @extschema@.revert(bigint), @extschema@.lifecycle_diagram()
   TO autopilot_admin;
GRANT EXECUTE ON FUNCTION @extschema@.recommend(regclass, text[], float8, float8, bigint, jsonb, float8, text, text, text),
                          @extschema@.advance(bigint, text, text, float8), @extschema@.validated_ddl(bigint),
                          @extschema@.partition_indexes(bigint), @extschema@.build_steps(bigint),
                          @extschema@.relation_bytes(regclass),
                          @extschema@.index_name_for(text, text, text[], text), @extschema@.lifecycle_diagram()
   TO autopilot_daemon;
GRANT INSERT, DELETE ON @extschema@.verify_baselines TO autopilot_daemon;
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

-- ===== grants ========================================================================
-- What the daemon needs from the other concerns (least privilege: nothing else). Kept here, after
-- every concern and the roles exist. The admin reads what the daemon learned.
GRANT EXECUTE ON FUNCTION @extschema@.hypo_create(text), @extschema@.hypo_list(), @extschema@.hypo_drop(int),
    @extschema@.hypo_reset(), @extschema@.hypo_size(int), @extschema@.hypo_estimate(text),
    @extschema@.hypo_hide(regclass), @extschema@.hypo_unhide(regclass), @extschema@.hypo_unhide_all(),
    @extschema@.hypo_hidden(), @extschema@.whatif(text, text[]),
    @extschema@.whatif_batch(text[], text[], jsonb, boolean),
    @extschema@.capture_drain(int), @extschema@.capture_collect(int), @extschema@.samples_prune(interval, bigint),
    @extschema@.capture_status_info()
    TO autopilot_daemon;
GRANT SELECT, INSERT, UPDATE, DELETE ON @extschema@.samples TO autopilot_daemon;
GRANT USAGE ON SEQUENCE @extschema@.samples_id_seq TO autopilot_daemon;
GRANT SELECT ON @extschema@.capture_status TO autopilot_daemon;
GRANT SELECT ON @extschema@.samples TO autopilot_admin;
GRANT EXECUTE ON FUNCTION @extschema@.capture_status_info() TO autopilot_admin;
GRANT SELECT ON @extschema@.capture_status TO autopilot_admin;
-- The learn step registers its models and writes the workload clustering (docs/predictor.md).
GRANT SELECT, INSERT, UPDATE ON @extschema@.models TO autopilot_daemon;
GRANT USAGE ON SEQUENCE @extschema@.models_id_seq TO autopilot_daemon;
GRANT SELECT, INSERT, DELETE ON @extschema@.workload_cluster_members TO autopilot_daemon;
GRANT SELECT ON @extschema@.models, @extschema@.workload_cluster_members, @extschema@.workload_clusters
    TO autopilot_admin;
