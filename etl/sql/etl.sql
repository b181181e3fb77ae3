-- Schema etl: the ETL's own bookkeeping (runs and their steps, watermarks, quality results).
-- Idempotent: `autopilot-etl run` applies it before every run.
CREATE SCHEMA IF NOT EXISTS etl;

-- One row per `autopilot-etl run`; status running -> succeeded | failed.
CREATE TABLE IF NOT EXISTS etl.runs (
    run_id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    started_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    finished_at timestamptz,
    status      text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'succeeded', 'failed')),
    total_ms    double precision,
    error       text
);

-- One row per step of a run: rows read, written and rejected, and the time it took. A step's row
-- is written in the step's own transaction, so it exists only if the step's data was committed.
CREATE TABLE IF NOT EXISTS etl.run_steps (
    run_id        bigint NOT NULL REFERENCES etl.runs ON DELETE CASCADE,
    step_no       int NOT NULL,
    step          text NOT NULL,
    rows_in       bigint NOT NULL,
    rows_out      bigint NOT NULL,
    rows_rejected bigint NOT NULL,
    elapsed_ms    double precision NOT NULL,
    finished_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (run_id, step_no)
);

-- How far each step has read its source: bronze rows up to `high_water` (a bronze batch number or
-- a silver run id). Advanced in the same transaction as the data the step wrote.
CREATE TABLE IF NOT EXISTS etl.watermarks (
    step       text PRIMARY KEY,
    high_water bigint NOT NULL,
    run_id     bigint,
    updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- One row per check per `autopilot-etl check`.
CREATE TABLE IF NOT EXISTS etl.quality_runs (
    check_run_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    checked_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
    passed       int NOT NULL DEFAULT 0,
    failed       int NOT NULL DEFAULT 0,
    critical_failed int NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS etl.quality_results (
    check_run_id bigint NOT NULL REFERENCES etl.quality_runs ON DELETE CASCADE,
    check_name   text NOT NULL,
    category     text NOT NULL,  -- reconciliation | uniqueness | not_null | referential | range | scd2 | freshness
    severity     text NOT NULL CHECK (severity IN ('critical', 'warning')),
    passed       boolean NOT NULL,
    observed     numeric,        -- e.g. the number of offending rows
    expected     text,
    detail       text,
    checked_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (check_run_id, check_name)
);

-- The watermark of a step (0 before its first run) and how a step advances it; steps call these
-- inside their own transaction so data and watermark commit together.
CREATE OR REPLACE FUNCTION etl.watermark(p_step text) RETURNS bigint
LANGUAGE sql STABLE AS
$$ SELECT coalesce((SELECT high_water FROM etl.watermarks WHERE step = p_step), 0) $$;

CREATE OR REPLACE FUNCTION etl.advance(p_step text, p_high_water bigint) RETURNS void
LANGUAGE sql SET search_path = pg_catalog, pg_temp AS
$$ INSERT INTO etl.watermarks (step, high_water, run_id)
   VALUES (p_step, p_high_water, current_setting('etl.run_id')::bigint)
   ON CONFLICT (step) DO UPDATE
       SET high_water = greatest(etl.watermarks.high_water, excluded.high_water),
           run_id = excluded.run_id, updated_at = clock_timestamp()
   WHERE excluded.high_water > etl.watermarks.high_water $$;

-- The current run (set by autopilot-etl per session). Without SET clauses so the planner inlines
-- these; callers still wrap them in a scalar subquery so they are evaluated once per statement.
CREATE OR REPLACE FUNCTION etl.current_run() RETURNS bigint
LANGUAGE sql STABLE AS
$$ SELECT current_setting('etl.run_id')::bigint $$;

-- Validators for bronze text, so silver can reject malformed values instead of failing the cast.
-- PostgreSQL 15 has no pg_input_is_valid(); these are plain SQL expressions the planner inlines
-- (no PL/pgSQL exception blocks, which would cost a subtransaction per row).
-- Shapes are checked with translate() (every digit to 0) and fixed-position comparisons, not
-- regular expressions: on millions of clickstream rows a regex per row costs minutes, these cost
-- seconds. Days 29..31 get the exact calendar check, so no string that passes can fail the cast.
CREATE OR REPLACE FUNCTION etl.is_date(v text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN translate(substr(v, 1, 10), '0123456789', '0000000000') COLLATE "C" <> '0000-00-00'
                     OR substr(v, 6, 2) COLLATE "C" NOT BETWEEN '01' AND '12'
                     OR substr(v, 9, 2) COLLATE "C" NOT BETWEEN '01' AND '31' THEN false
                WHEN substr(v, 9, 2) COLLATE "C" <= '28' THEN true
                ELSE substr(v, 9, 2)::int <= extract(day FROM make_date(substr(v, 1, 4)::int, substr(v, 6, 2)::int, 1)
                                                          + interval '1 month - 1 day')
           END
$$;

-- 'YYYY-MM-DD HH:MM:SS' optionally followed by an offset '+HH:MM' / '-HH:MM' (what the source sends).
CREATE OR REPLACE FUNCTION etl.is_timestamp(v text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT translate(v, '0123456789', '0000000000') COLLATE "C"
               IN ('0000-00-00 00:00:00', '0000-00-00 00:00:00+00:00', '0000-00-00 00:00:00-00:00')
           AND substr(v, 12, 2) COLLATE "C" <= '23' AND substr(v, 15, 2) COLLATE "C" <= '59'
           AND substr(v, 18, 2) COLLATE "C" <= '59'
           AND etl.is_date(v)
$$;

-- Up to 12 integer digits, an optional sign and fraction.
CREATE OR REPLACE FUNCTION etl.is_numeric(v text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT length(v) BETWEEN 1 AND 20
           AND translate(v, '0123456789', '') COLLATE "C" IN ('', '.', '-', '-.')
           AND v COLLATE "C" NOT IN ('.', '-', '-.')
           AND left(v, 1) <> '.' AND right(v, 1) <> '.' AND strpos(substr(v, 2), '-') = 0
           AND (strpos(v, '.') = 0 OR strpos(v, '.') - (left(v, 1) = '-')::int <= 13)
           AND (strpos(v, '.') > 0 OR length(v) - (left(v, 1) = '-')::int <= 12)
$$;

CREATE OR REPLACE FUNCTION etl.is_int(v text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT length(v) BETWEEN 1 AND 10 AND translate(v, '0123456789', '') COLLATE "C" IN ('', '-')
           AND v <> '-' AND strpos(substr(v, 2), '-') = 0
$$;

CREATE OR REPLACE FUNCTION etl.is_email(v text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT v ~ '^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$' $$;

-- Indian mobile numbers as the source delivers them when well formed: '+91 98xxxxxxxx'.
CREATE OR REPLACE FUNCTION etl.is_phone(v text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT v ~ '^\+91 ?[6-9]\d{9}$' $$;

-- Local (IST) calendar day of an instant: the business day of the retailer.
CREATE OR REPLACE FUNCTION etl.business_day(ts timestamptz) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT (ts AT TIME ZONE 'Asia/Kolkata')::date $$;

-- Creates the missing daily partitions of silver.clickstream for [lo, hi]. Names are built from
-- dates only, never from input text.
CREATE OR REPLACE FUNCTION etl.ensure_clickstream_partitions(lo date, hi date) RETURNS int
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    d date;
    created int := 0;
BEGIN
    IF lo IS NULL OR hi IS NULL THEN
        RETURN 0;
    END IF;
    FOR d IN SELECT generate_series(lo, hi, interval '1 day')::date LOOP
        IF to_regclass(format('silver.%I', 'clickstream_' || to_char(d, 'YYYYMMDD'))) IS NULL THEN
            EXECUTE format('CREATE TABLE silver.%I PARTITION OF silver.clickstream FOR VALUES FROM (%L) TO (%L)',
                           'clickstream_' || to_char(d, 'YYYYMMDD'), d, d + 1);
            created := created + 1;
        END IF;
    END LOOP;
    RETURN created;
END
$$;
