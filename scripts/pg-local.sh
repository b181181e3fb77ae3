#!/usr/bin/env bash
# The embedded default: a private PostgreSQL 15 cluster under ./.autopilot/ (or $AUTOPILOT_HOME).
#   scripts/pg-local.sh start|stop|status|psql [args]|env|destroy
# Listens on a unix socket inside its own directory only; TCP only when AUTOPILOT_LISTEN is set.
# Started as root, it runs the server as the unprivileged account $AUTOPILOT_PG_OSUSER (postgres).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

HOME_DIR=${AUTOPILOT_HOME:-$AUTOPILOT_ROOT/.autopilot}
PORT=${AUTOPILOT_PORT:-54329}
LISTEN=${AUTOPILOT_LISTEN:-}
DB=${AUTOPILOT_DB:-autopilot}
DATA=$HOME_DIR/data
SOCK=$HOME_DIR/run
LOGFILE=$HOME_DIR/postgresql.log
SUPERUSER=postgres

pg_ctl() { as_pg "$PG_BINDIR/pg_ctl" -D "$DATA" "$@"; }
running() { [ -f "$DATA/PG_VERSION" ] && pg_ctl status >/dev/null 2>&1; }

print_env() {
    cat <<ENV
export PGHOST='$SOCK'
export PGPORT='$PORT'
export PGUSER='$SUPERUSER'
export PGDATABASE='$DB'
ENV
}

init_cluster() {
    log "initializing a private cluster in $DATA"
    mkdir -p "$HOME_DIR"
    ensure_traversable "$HOME_DIR"
    make_pg_dir "$HOME_DIR"
    make_pg_dir "$SOCK"
    as_pg "$PG_BINDIR/initdb" -D "$DATA" -U "$SUPERUSER" --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$HOME_DIR/initdb.log" 2>&1 \
        || { cat "$HOME_DIR/initdb.log" >&2; die "initdb failed (log: $HOME_DIR/initdb.log)"; }
    # trust on a socket only its owner (and root) can open; TCP (only if AUTOPILOT_LISTEN asks) needs
    # a password.
    as_pg tee -a "$DATA/postgresql.conf" >/dev/null <<CONF

# ---- autopilot embedded default (scripts/pg-local.sh) ----
unix_socket_directories = '$SOCK'
unix_socket_permissions = 0700
shared_preload_libraries = 'pg_stat_statements,autopilot'
compute_query_id = on
pg_stat_statements.track = top
pg_stat_statements.max = 5000
shared_buffers = 512MB
work_mem = 32MB
maintenance_work_mem = 256MB
max_wal_size = 4GB
checkpoint_timeout = 15min
log_min_messages = warning
log_line_prefix = '%m [%p] %q%u@%d '
include_if_exists = 'autopilot.local.conf'
CONF
    if [ -n "${AUTOPILOT_PGCONF:-}" ]; then
        printf '%s\n' "$AUTOPILOT_PGCONF" | as_pg tee "$DATA/autopilot.local.conf" >/dev/null
    fi
}

start() {
    if running; then
        log "already running (port $PORT, socket in $SOCK)"
        return 0
    fi
    if tcp_port_in_use "$PORT"; then
        die "port $PORT is already in use by another program; set AUTOPILOT_PORT to a free port"
    fi
    [ -f "$DATA/PG_VERSION" ] || init_cluster
    ensure_traversable "$HOME_DIR"
    make_pg_dir "$SOCK"
    [ -e "$SOCK/.s.PGSQL.$PORT" ] && ! running && rm -f "$SOCK/.s.PGSQL.$PORT" "$SOCK/.s.PGSQL.$PORT.lock"
    local listen_opt="-c listen_addresses=''"
    [ -n "$LISTEN" ] && listen_opt="-c listen_addresses='$LISTEN'"
    if ! pg_ctl -l "$LOGFILE" -w -t 60 -o "-p $PORT $listen_opt" start >/dev/null; then
        tail -n 20 "$LOGFILE" >&2 || true
        die "PostgreSQL did not start (log: $LOGFILE)"
    fi
    eval "$(print_env)"
    if ! "$PG_BINDIR/psql" -d postgres -XAtqc "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1; then
        "$PG_BINDIR/createdb" "$DB"
    fi
    log "started: port $PORT, socket in $SOCK, database $DB (eval \"\$(scripts/pg-local.sh env)\")"
}

stop() {
    if running; then
        pg_ctl -m fast -w stop >/dev/null
        log "stopped"
    else
        log "not running"
    fi
}

status() {
    if running; then
        log "running: port $PORT, socket in $SOCK, data in $DATA"
    else
        log "not running (data in $DATA)"
        return 3
    fi
}

cmd=${1:-status}
shift || true
case "$cmd" in
    start) start ;;
    stop) stop ;;
    status) status ;;
    env) print_env ;;
    psql) eval "$(print_env)"; exec "$PG_BINDIR/psql" "$@" ;;
    destroy) stop; rm -rf "$HOME_DIR"; log "removed $HOME_DIR" ;;
    *) die "usage: $0 start|stop|status|psql [args]|env|destroy" ;;
esac
