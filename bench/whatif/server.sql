-- One round of server-side timings (µs per call), each statement sent as dynamic SQL so every call
-- is parsed and planned like a client's: whatif, EXPLAIN, HypoPG create+EXPLAIN+reset, batch/plan.
-- PGOPTIONS='-c bw.n=N' psql -f server.sql prints lines "what wall_us cpu_us" (batch: per plan).
SET client_min_messages = warning;
-- CPU time of this backend in µs (utime + stime from /proc, 10 ms ticks): on a loaded machine,
-- wall-clock time mostly measures waiting for a CPU. Needs superuser (pg_read_file).
CREATE FUNCTION pg_temp.bw_cpu_us() RETURNS float8 LANGUAGE sql AS $f$
    SELECT (f[12]::float8 + f[13]::float8) * 10000
    FROM (SELECT string_to_array(split_part(pg_read_file('/proc/self/stat'), ') ', 2), ' ') AS f) s
$f$;
CREATE TEMP TABLE bw_round (what text, wall float8, cpu float8);
DO $$
DECLARE
    n int := current_setting('bw.n')::int;
    t0 timestamptz;
    c0 float8;
    r record;
    j json;
    c int;
    q text := 'SELECT * FROM bw_hypo WHERE customer = %s AND day > ''2024-06-01'' ORDER BY day LIMIT 20';
    qr text := 'SELECT * FROM bw_real WHERE customer = %s AND day > ''2024-06-01'' ORDER BY day LIMIT 20';
    ddl text := 'CREATE INDEX ON bw_hypo (customer, day)';
BEGIN
    t0 := clock_timestamp(); c0 := pg_temp.bw_cpu_us();
    FOR i IN 1..n LOOP
        EXECUTE 'SELECT total_cost FROM autopilot.whatif($1, ARRAY[$2])' INTO r USING format(q, i % 1000), ddl;
    END LOOP;
    INSERT INTO bw_round VALUES ('whatif', extract(epoch FROM clock_timestamp() - t0) * 1e6 / n, (pg_temp.bw_cpu_us() - c0) / n);
    t0 := clock_timestamp(); c0 := pg_temp.bw_cpu_us();
    FOR i IN 1..n LOOP
        EXECUTE 'EXPLAIN (FORMAT JSON) ' || format(qr, i % 1000) INTO j;
    END LOOP;
    INSERT INTO bw_round VALUES ('explain', extract(epoch FROM clock_timestamp() - t0) * 1e6 / n, (pg_temp.bw_cpu_us() - c0) / n);
    t0 := clock_timestamp(); c0 := pg_temp.bw_cpu_us();
    FOR i IN 1..n LOOP
        EXECUTE 'SELECT indexrelid FROM hypopg_create_index($1)' INTO r USING ddl;
        EXECUTE 'EXPLAIN (FORMAT JSON) ' || format(q, i % 1000) INTO j;
        EXECUTE 'SELECT hypopg_reset()';
    END LOOP;
    INSERT INTO bw_round VALUES ('hypopg', extract(epoch FROM clock_timestamp() - t0) * 1e6 / n, (pg_temp.bw_cpu_us() - c0) / n);
    t0 := clock_timestamp(); c0 := pg_temp.bw_cpu_us();
    FOR i IN 1..greatest(n / 100, 1) LOOP
        EXECUTE 'SELECT count(*) FROM autopilot.whatif_batch(ARRAY(SELECT format($1, g % 1000) FROM generate_series($2, $2 + 99) g), ARRAY[$3])'
            INTO c USING q, i * 100, ddl;
    END LOOP;
    INSERT INTO bw_round VALUES ('batch', extract(epoch FROM clock_timestamp() - t0) * 1e6 / (greatest(n / 100, 1) * 100),
                                 (pg_temp.bw_cpu_us() - c0) / (greatest(n / 100, 1) * 100));
END $$;
SELECT format('%s %s %s', what, round(wall::numeric, 1), round(cpu::numeric, 1)) FROM bw_round;
