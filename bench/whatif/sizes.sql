-- Mean absolute relative error of autopilot.hypo_size and hypopg_relation_size against the real
-- index size, over index shapes on bw_hypo (120k rows).
SET client_min_messages = warning;
CREATE STATISTICS IF NOT EXISTS bw_status_day (ndistinct) ON status, day FROM bw_hypo;
ANALYZE bw_hypo;
CREATE TEMP TABLE bw_sizes (ddl text, ours bigint, hypopg bigint, actual bigint);
DO $$
DECLARE
    shapes text[] := ARRAY[
        'CREATE INDEX ON bw_hypo (id)', 'CREATE INDEX ON bw_hypo (customer)', 'CREATE INDEX ON bw_hypo (code)',
        'CREATE INDEX ON bw_hypo (sku)', 'CREATE INDEX ON bw_hypo (day)', 'CREATE INDEX ON bw_hypo (amount)',
        'CREATE INDEX ON bw_hypo (status)', 'CREATE INDEX ON bw_hypo (customer, day)',
        'CREATE INDEX ON bw_hypo (status, day)', 'CREATE INDEX ON bw_hypo (sku, amount DESC)',
        'CREATE INDEX ON bw_hypo (id) INCLUDE (amount, sku)', 'CREATE INDEX ON bw_hypo (id) WHERE status = 3',
        'CREATE INDEX ON bw_hypo (lower(sku))', 'CREATE INDEX ON bw_hypo USING hash (id)',
        'CREATE INDEX ON bw_hypo USING brin (id)'];
    s text;
    o bigint;
    h bigint;
BEGIN
    FOREACH s IN ARRAY shapes LOOP
        SELECT autopilot.hypo_size(id) INTO o FROM autopilot.hypo_create(s);
        PERFORM autopilot.hypo_reset();
        SELECT hypopg_relation_size(indexrelid) INTO h FROM hypopg_create_index(s);
        PERFORM hypopg_reset();
        EXECUTE replace(s, ' ON bw_hypo ', ' bw_size_probe ON bw_hypo ');
        INSERT INTO bw_sizes VALUES (s, o, h, pg_relation_size('bw_size_probe'));
        DROP INDEX bw_size_probe;
    END LOOP;
END $$;
SELECT format('  %-55s ours %6s%%  hypopg %6s%%', ddl, round(100.0 * (ours - actual) / actual, 1),
              round(100.0 * (hypopg - actual) / actual, 1)) FROM bw_sizes;
SELECT format('  mean absolute error: ours %s%%, HypoPG %s%%',
              round(avg(abs(ours - actual)::numeric / actual) * 100, 1),
              round(avg(abs(hypopg - actual)::numeric / actual) * 100, 1)) FROM bw_sizes;
