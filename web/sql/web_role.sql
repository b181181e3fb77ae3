-- The dashboard's own role: read-only, least privilege. Run as a superuser (or the warehouse owner)
-- after the warehouse and the extension exist; idempotent. Approvals never use this role: they run
-- on the logged-in administrator's own connection.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'autopilot_web') THEN
        CREATE ROLE autopilot_web LOGIN;
    END IF;
END
$$;

DO $$
DECLARE
    s text;
    r text;
BEGIN
    -- The warehouse's read side (tables created later need this script again, or default privileges).
    FOREACH s IN ARRAY ARRAY['gold', 'mining', 'etl'] LOOP
        IF EXISTS (SELECT FROM pg_namespace WHERE nspname = s) THEN
            EXECUTE format('GRANT USAGE ON SCHEMA %I TO autopilot_web', s);
            EXECUTE format('GRANT SELECT ON ALL TABLES IN SCHEMA %I TO autopilot_web', s);
        END IF;
    END LOOP;
    IF EXISTS (SELECT FROM pg_namespace WHERE nspname = 'mining') THEN
        GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA mining TO autopilot_web;
    END IF;
    -- What the optimizer page shows; never the right to change it.
    IF EXISTS (SELECT FROM pg_namespace WHERE nspname = 'autopilot') THEN
        GRANT USAGE ON SCHEMA autopilot TO autopilot_web;
        IF to_regprocedure('autopilot.capture_status_info()') IS NOT NULL THEN
            GRANT EXECUTE ON FUNCTION autopilot.capture_status_info() TO autopilot_web;
        END IF;
        FOREACH r IN ARRAY ARRAY['autopilot.recommendations', 'autopilot.recommendation_events', 'autopilot.models',
                                 'autopilot.workload_clusters', 'autopilot.capture_status'] LOOP
            IF to_regclass(r) IS NOT NULL THEN
                EXECUTE format('GRANT SELECT ON %s TO autopilot_web', to_regclass(r));
            END IF;
        END LOOP;
    END IF;
END
$$;

-- pg_stat_statements' other users' query texts.
GRANT pg_read_all_stats TO autopilot_web;
