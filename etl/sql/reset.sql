-- Empties silver and gold and forgets the watermarks, so the next steps rebuild the warehouse
-- from bronze. `autopilot-etl run` does this (in the same transaction as the rebuild's DDL) when
-- bronze was regenerated: a batch silver had read is now 'replaced', so silver holds rows bronze
-- no longer has. Table names come from the catalog, quoted.
DO $$
DECLARE
    t record;
BEGIN
    FOR t IN SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname IN ('silver', 'gold') AND c.relkind IN ('r', 'p') AND NOT c.relispartition
             ORDER BY 1, 2 LOOP
        EXECUTE format('TRUNCATE %I.%I RESTART IDENTITY CASCADE', t.nspname, t.relname);
    END LOOP;
END
$$;
DELETE FROM etl.watermarks;
