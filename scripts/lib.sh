# Shared helpers for the scripts in scripts/ (sourced, not run).
# shellcheck shell=bash

AUTOPILOT_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PG_BINDIR=${PG_BINDIR:-$(pg_config --bindir 2>/dev/null || echo /usr/lib/postgresql/15/bin)}
# The unprivileged account PostgreSQL runs under when a script is started as root.
AUTOPILOT_PG_OSUSER=${AUTOPILOT_PG_OSUSER:-postgres}

log() { printf '%s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

is_root() { [ "$(id -u)" = 0 ]; }

# Runs a command as the account that owns PostgreSQL data directories.
as_pg() {
    if is_root; then
        runuser -u "$AUTOPILOT_PG_OSUSER" -- "$@"
    else
        "$@"
    fi
}

# When root runs a cluster as $AUTOPILOT_PG_OSUSER under, say, /root/src/autopilot, that account must
# be able to traverse every parent directory. Grant search (x) only, never read, where it is missing.
ensure_traversable() {
    is_root || return 0
    local dir
    dir=$(cd "$1" && pwd)
    while [ "$dir" != / ]; do
        if ! runuser -u "$AUTOPILOT_PG_OSUSER" -- test -x "$dir" 2>/dev/null; then
            log "note: granting o+x (traverse only) on $dir so $AUTOPILOT_PG_OSUSER can reach its data directory"
            chmod o+x "$dir"
        fi
        dir=$(dirname "$dir")
    done
}

# Creates a directory owned by the PostgreSQL account.
make_pg_dir() {
    mkdir -p "$1"
    if is_root; then chown "$AUTOPILOT_PG_OSUSER": "$1"; fi
}

tcp_port_in_use() {
    ss -ltnH "( sport = :$1 )" 2>/dev/null | grep -q .
}
