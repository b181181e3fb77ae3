-- Model registry and workload clusters: one active model per kind, the cluster view's shares.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS autopilot CASCADE;
RESET client_min_messages;
\set VERBOSITY terse

INSERT INTO autopilot.models (feature_version, path, active) VALUES (1, '/m/a.meta.json', true);
-- a second active model of the same kind is refused
INSERT INTO autopilot.models (feature_version, path, active) VALUES (1, '/m/b.meta.json', true);
INSERT INTO autopilot.models (feature_version, path) VALUES (1, '/m/b.meta.json');
-- switching the active model in one statement
UPDATE autopilot.models SET active = (path = '/m/b.meta.json');
SELECT path, active FROM autopilot.models ORDER BY id;
-- bad rows
INSERT INTO autopilot.models (kind, feature_version, path) VALUES ('other', 1, '/m/c');
INSERT INTO autopilot.models (feature_version, path) VALUES (0, '/m/c');

INSERT INTO autopilot.workload_cluster_members VALUES
  ('2026-01-01', 0, 'a', 'old run', 1, 1000, '{x}', 0.5),
  ('2026-01-02', 0, 'f1', 'SELECT big', 10, 600, '{bench.orders,bench.items}', 0.7),
  ('2026-01-02', 0, 'f2', 'SELECT big2', 5, 200, '{bench.orders}', 0.7),
  ('2026-01-02', 1, 'f3', 'SELECT small', 1000, 200, '{bench.customers}', 0.7);
SELECT cluster, statements, calls, total_ms, share_of_time, main_statements, tables
  FROM autopilot.workload_clusters;

-- privileges: the daemon registers and activates models and writes the clustering, never deletes
-- a model; the admin reads; PUBLIC gets nothing
SELECT r.role, t.obj, p.priv, has_table_privilege(r.role, t.obj, p.priv) AS granted
  FROM (VALUES ('autopilot_daemon'), ('autopilot_admin')) r(role),
       (VALUES ('autopilot.models'), ('autopilot.workload_cluster_members')) t(obj),
       (VALUES ('SELECT'), ('INSERT'), ('UPDATE'), ('DELETE')) p(priv)
 ORDER BY 1, 2, 3;
SELECT has_table_privilege('autopilot_admin', 'autopilot.workload_clusters', 'SELECT') AS admin_reads_view,
       has_sequence_privilege('autopilot_daemon', 'autopilot.models_id_seq', 'USAGE') AS daemon_uses_sequence,
       has_table_privilege('public', 'autopilot.models', 'SELECT') AS public_reads;
