-- The C++/PostgreSQL boundary: every way out of C++ is a clean ERROR, and the session goes on.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS autopilot CASCADE;
RESET client_min_messages;

SELECT autopilot.version() ~ '^[0-9]+\.[0-9]+ \(build [^,]+, PostgreSQL 15\.[0-9]+\)$' AS version_has_build;
SELECT split_part(autopilot.version(), ' ', 1) = extversion AS library_matches_sql
  FROM pg_extension WHERE extname = 'autopilot';

SELECT autopilot.boundary_selftest('ok');
-- a C++ exception
SELECT autopilot.boundary_selftest('cpp');
-- our own error type: SQLSTATE, detail and hint reach the client
SELECT autopilot.boundary_selftest('error');
SELECT autopilot.boundary_selftest('bad_alloc');
-- a PostgreSQL error raised inside C++ keeps its own message and SQLSTATE
SELECT autopilot.boundary_selftest('pg');
-- the C++ objects alive at each error were destroyed (no longjmp skipped a destructor)
SELECT autopilot.boundary_selftest('live') AS live_objects;
SELECT autopilot.boundary_selftest(NULL);
SELECT autopilot.boundary_selftest('no such kind');

-- the SQLSTATEs, as a client handler sees them
DO $$
DECLARE
    kind text;
    state text;
BEGIN
    FOREACH kind IN ARRAY ARRAY['cpp', 'error', 'bad_alloc', 'pg'] LOOP
        BEGIN
            PERFORM autopilot.boundary_selftest(kind);
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE;
            RAISE NOTICE '% -> %', kind, state;
        END;
    END LOOP;
END
$$;

-- the transaction machinery is intact after errors
BEGIN;
SAVEPOINT before_error;
SELECT autopilot.boundary_selftest('cpp');
ROLLBACK TO SAVEPOINT before_error;
SELECT autopilot.boundary_selftest('ok') AS after_rollback_to_savepoint;
COMMIT;
SELECT autopilot.boundary_selftest('live') AS live_objects_at_end;

-- PUBLIC gets nothing: an ordinary role cannot use the schema
CREATE ROLE autopilot_regress_nobody LOGIN;
SET ROLE autopilot_regress_nobody;
SELECT autopilot.version();
RESET ROLE;
DROP ROLE autopilot_regress_nobody;
