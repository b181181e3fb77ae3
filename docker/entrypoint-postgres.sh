#!/usr/bin/env bash
# Entry point of the postgres service: the same embedded cluster scripts/pg-local.sh runs locally,
# kept in the foreground for the container's lifetime. In the stack it listens on the container
# network with scram-sha-256 passwords for every role (from the environment, see .env.example).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

scripts/pg-local.sh start
eval "$(scripts/pg-local.sh env)"
data=${AUTOPILOT_HOME:-$AUTOPILOT_ROOT/.autopilot}/data
if [ -n "${AUTOPILOT_LISTEN:-}" ] && ! grep -q '^host all all 0.0.0.0/0 scram-sha-256' "$data/pg_hba.conf"; then
    echo 'host all all 0.0.0.0/0 scram-sha-256' | as_pg tee -a "$data/pg_hba.conf" >/dev/null
    psql -X -q -c "SELECT pg_reload_conf()" >/dev/null
fi
psql -X -q -v ON_ERROR_STOP=1 -c "SET client_min_messages = warning" -c "CREATE EXTENSION IF NOT EXISTS autopilot CASCADE"
# Passwords come from the environment; psql variables keep them out of the SQL text.
psql -X -q -v ON_ERROR_STOP=1 \
    -v su_pw="${POSTGRES_PASSWORD:-}" -v daemon_pw="${AUTOPILOT_DAEMON_PASSWORD:-}" \
    -v web_pw="${AUTOPILOT_WEB_PASSWORD:-}" -v admin_user="${AUTOPILOT_ADMIN_USER:-dba}" \
    -v admin_pw="${AUTOPILOT_ADMIN_PASSWORD:-}" <<'SQL'
SELECT :'su_pw' <> '' AS set_su \gset
\if :set_su
ALTER ROLE postgres PASSWORD :'su_pw';
\endif
SELECT :'daemon_pw' <> '' AS set_daemon \gset
\if :set_daemon
ALTER ROLE autopilot_daemon LOGIN PASSWORD :'daemon_pw';
\endif
\i web/sql/web_role.sql
SELECT :'web_pw' <> '' AS set_web \gset
\if :set_web
ALTER ROLE autopilot_web PASSWORD :'web_pw';
\endif
SELECT :'admin_pw' <> '' AS set_admin \gset
\if :set_admin
SELECT format('CREATE ROLE %I LOGIN', :'admin_user') AS ddl
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'admin_user') \gset
\if :{?ddl}
:ddl;
\endif
SELECT format('ALTER ROLE %I PASSWORD %L', :'admin_user', :'admin_pw') AS ddl \gset
:ddl;
SELECT format('GRANT autopilot_admin TO %I', :'admin_user') AS ddl \gset
:ddl;
\endif
SQL

if [ "${AUTOPILOT_ENTRYPOINT_ONESHOT:-0}" = 1 ]; then exit 0; fi  # the tests run the set-up only
trap 'scripts/pg-local.sh stop; exit 0' TERM INT
tail -n 0 -F "${AUTOPILOT_HOME:-$AUTOPILOT_ROOT/.autopilot}/postgresql.log" &
wait $!
