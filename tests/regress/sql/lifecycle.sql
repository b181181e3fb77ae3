-- The recommendation lifecycle: catalog-validated DDL, legal transitions only, roles.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS autopilot CASCADE;
\set SHOW_CONTEXT never
-- Roles are cluster-wide: a previous run or another database may have made them already.
DO $$
DECLARE
    name text;
BEGIN
    FOREACH name IN ARRAY ARRAY['lc_owner', 'lc_alice', 'lc_mallory'] LOOP
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = name) THEN
            EXECUTE format('CREATE ROLE %I', name);
        END IF;
    END LOOP;
END $$;
GRANT autopilot_admin TO lc_alice;
RESET client_min_messages;

SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname IN ('autopilot_admin', 'autopilot_daemon') ORDER BY 1;
SELECT pg_has_role('autopilot_daemon', 'pg_read_all_stats', 'MEMBER') AS daemon_reads_all_stats;

CREATE SCHEMA lc;
CREATE TABLE lc.orders (id int PRIMARY KEY, customer int, placed date, "Odd ""Col""; drop" text);
ALTER TABLE lc.orders OWNER TO lc_owner;
CREATE TABLE lc."Weird Table" (x int);
CREATE VIEW lc.orders_v AS SELECT * FROM lc."Weird Table";
-- the daemon names tables it can see: USAGE on the warehouse schemas (docs/lifecycle.md)
GRANT USAGE ON SCHEMA lc TO autopilot_daemon;
SELECT 'lc.orders'::regclass::oid AS orders_oid \gset

-- ---- the daemon writes recommendations through recommend() only -------------------------------
SET ROLE autopilot_daemon;
SELECT autopilot.recommend('lc.orders', ARRAY['customer', 'placed'], 1200.5, 42.25, 8192,
       '[{"queryid": 1, "query": "SELECT ... WHERE customer = $1", "calls_per_hour": 60, "before_ms": 30, "after_ms": 2}]',
       0.8, 'customer lookups scan the table') AS id1 \gset
SELECT id, kind, schema_name, table_name, columns, index_name, ddl, status, attempts
  FROM autopilot.recommendations WHERE id = :id1;
-- the same index again refreshes the pending recommendation instead of adding one
SELECT autopilot.recommend('lc.orders', ARRAY['customer', 'placed'], 1500, 50, 8192, '[]', 0.9, 'refreshed') = :id1 AS same_id;
SELECT predicted_gain_pct, confidence, rationale FROM autopilot.recommendations WHERE id = :id1;
-- identifiers come from the catalog and are quoted
SELECT autopilot.recommend('lc."Weird Table"', ARRAY['x']) AS id_weird \gset
SELECT autopilot.recommend('lc.orders', ARRAY['Odd "Col"; drop'], method => 'hash') AS id_odd \gset
SELECT index_name, ddl FROM autopilot.recommendations WHERE id IN (:id_weird, :id_odd) ORDER BY id;
-- names are deterministic and at most 63 bytes
SELECT autopilot.index_name_for('lc', repeat('t', 80), ARRAY[repeat('c', 80)]) AS long_name,
       octet_length(autopilot.index_name_for('lc', repeat('t', 80), ARRAY[repeat('c', 80)])) AS bytes;
SELECT autopilot.index_name_for('a', 't', ARRAY['c']) <> autopilot.index_name_for('b', 't', ARRAY['c']) AS schema_in_hash;
-- bad input is refused with PostgreSQL-style messages
SELECT autopilot.recommend('lc.orders', ARRAY['nope']);
SELECT autopilot.recommend('lc.orders', ARRAY['customer', 'customer']);
SELECT autopilot.recommend('lc.orders', ARRAY[]::text[]);
SELECT autopilot.recommend('lc.orders', ARRAY['customer'], method => 'nosuch');
SELECT autopilot.recommend('lc.orders_v', ARRAY['customer']);
SELECT autopilot.recommend('lc.orders', ARRAY['customer'], confidence => 1.5);
SELECT autopilot.recommend('lc.orders', ARRAY['customer'], affected_queries => '{}');
SELECT autopilot.recommend(NULL, ARRAY['customer']);
SELECT autopilot.recommend('lc.orders', ARRAY['customer'], origin => 'robot');
-- origin: the advisor refreshes only its own pending rows; a manual recommendation takes one over
SELECT autopilot.recommend('lc.orders', ARRAY['id', 'customer'], 10, 5, 8192, '[]', 0.5, 'advised',
       origin => 'advisor') AS id_adv \gset
SELECT autopilot.recommend('lc.orders', ARRAY['customer', 'placed'], 1, 1, 1, '[]', 0.1, 'advisor again',
       origin => 'advisor') = :id1 AS same_id;
SELECT origin, rationale FROM autopilot.recommendations WHERE id IN (:id1, :id_adv) ORDER BY id;
SELECT autopilot.recommend('lc.orders', ARRAY['id', 'customer'], rationale => 'taken over') = :id_adv AS same_id;
SELECT origin, rationale FROM autopilot.recommendations WHERE id = :id_adv;
-- the daemon cannot decide
SELECT autopilot.approve(:id1);
UPDATE autopilot.recommendations SET status = 'approved' WHERE id = :id1;
RESET ROLE;

-- ---- administrators decide -------------------------------------------------------------------
SET ROLE lc_alice;
SELECT id, "table", columns, size, gain_pct, saved_ms_per_hour, queries, confidence, rationale FROM autopilot.pending;
SELECT autopilot.approve(:id1, 'looks right');
SELECT status, decided_by = session_user AS decided_by_caller, decision_note, decided_at IS NOT NULL AS decided
  FROM autopilot.recommendations WHERE id = :id1;
-- a wrong transition names the current status
SELECT autopilot.approve(:id1);
SELECT autopilot.revert(:id1);
SELECT autopilot.reject(:id_weird, NULL);
SELECT autopilot.reject(:id_weird, '  ');
SELECT autopilot.reject(:id_weird, 'tiny table');
SELECT autopilot.approve(:id_weird);
SELECT autopilot.approve(999999);
-- administrators cannot act as the daemon, nor write the tables
SELECT autopilot.advance(:id1, 'applying');
SELECT autopilot.recommend(:orders_oid::regclass, ARRAY['placed']);
UPDATE autopilot.recommendations SET status = 'applied' WHERE id = :id1;
DELETE FROM autopilot.recommendation_events;
RESET ROLE;

-- ---- the daemon builds, verifies, reverts -----------------------------------------------------
SET ROLE autopilot_daemon;
SELECT autopilot.validated_ddl(:id1);
SELECT autopilot.advance(:id1, 'applied');
SELECT autopilot.advance(:id1, 'applying');
SELECT autopilot.advance(:id1, 'applied');
SELECT autopilot.advance(:id1, 'verified', 'measured over 1 hour', 37.5);
SELECT status, attempts, applied_at IS NOT NULL AS applied, verified_at IS NOT NULL AS verified, measured_benefit_pct
  FROM autopilot.recommendations WHERE id = :id1;
SELECT autopilot.advance(:id1, 'nonsense');
RESET ROLE;
SET ROLE lc_alice;
SELECT autopilot.revert(:id1);
RESET ROLE;
SET ROLE autopilot_daemon;
SELECT autopilot.advance(:id1, 'reverted', 'index dropped');
-- a failed build may be approved again
SELECT autopilot.recommend('lc.orders', ARRAY['placed']) AS id2 \gset
RESET ROLE;
SELECT autopilot.approve(:id2);
SET ROLE autopilot_daemon;
SELECT autopilot.advance(:id2, 'applying');
SELECT autopilot.advance(:id2, 'failed', 'canceling statement due to lock timeout');
SELECT status, error FROM autopilot.recommendations WHERE id = :id2;
RESET ROLE;
SELECT autopilot.approve(:id2, 'try again at night');
SELECT status, error FROM autopilot.recommendations WHERE id = :id2;
-- the catalog changed after approval: the daemon is refused the DDL
ALTER TABLE lc.orders DROP COLUMN placed;
SET ROLE autopilot_daemon;
SELECT autopilot.validated_ddl(:id2);
RESET ROLE;

-- every status change is in the audit table, with who made it
SELECT from_status, to_status, actor = session_user OR actor = 'autopilot_daemon' AS actor_known, detail
  FROM autopilot.recommendation_events WHERE recommendation_id IN (:id1, :id2) ORDER BY id;

-- ---- an ordinary user can do nothing ----------------------------------------------------------
SET ROLE lc_mallory;
SELECT count(*) FROM autopilot.recommendations;
SELECT autopilot.approve(:id1);
RESET ROLE;
-- not even when someone grants the schema to everybody
GRANT USAGE ON SCHEMA autopilot TO PUBLIC;
SET ROLE lc_mallory;
SELECT count(*) FROM autopilot.recommendations;
SELECT count(*) FROM autopilot.pending;
SELECT count(*) FROM autopilot.recommendation_events;
SELECT autopilot.approve(:id1);
SELECT autopilot.reject(:id1, 'no');
SELECT autopilot.revert(:id1);
SELECT autopilot.advance(:id1, 'applying');
SELECT autopilot.recommend(:orders_oid::regclass, ARRAY['id']);
SELECT autopilot._transition(:id1, 'approved', 'admin', NULL, 'approve');
UPDATE autopilot.recommendations SET status = 'approved';
INSERT INTO autopilot.transitions VALUES ('rejected', 'approved', 'admin', 'sneak');
RESET ROLE;
REVOKE USAGE ON SCHEMA autopilot FROM PUBLIC;

-- ---- every SECURITY DEFINER function pins its search_path -------------------------------------
SELECT p.proname
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE n.nspname = 'autopilot' AND p.prosecdef
   AND NOT EXISTS (SELECT FROM unnest(p.proconfig) c WHERE c LIKE 'search_path=%');
SELECT count(*) > 0 AS has_security_definer FROM pg_proc WHERE pronamespace = 'autopilot'::regnamespace AND prosecdef;

-- ---- the state machine is one table; the documented diagram is generated from it --------------
SELECT from_status, to_status, actor, label FROM autopilot.transitions ORDER BY 1, 2, 3;
SELECT autopilot.lifecycle_diagram();
DROP SCHEMA lc CASCADE;
