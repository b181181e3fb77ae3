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

# A private copy of the PostgreSQL installation with this checkout's extension installed into it
# (like PostgreSQL's own `make check`): tests never depend on, or disturb, what is installed
# system-wide, and several checkouts can test side by side. PostgreSQL finds its share and lib
# directories relative to its binaries, so the copy is self-contained. Prints the bin directory.
make_test_install() {
    local build_dir=$1 dest=$1/tmp_install
    local sys_bindir sys_sharedir sys_pkglibdir
    sys_bindir=$(pg_config --bindir)
    sys_sharedir=$(pg_config --sharedir)
    sys_pkglibdir=$(pg_config --pkglibdir)
    if [ ! -f "$dest/.complete" ]; then
        rm -rf "$dest"
        mkdir -p "$dest$(dirname "$sys_sharedir")" "$dest$(dirname "$(dirname "$sys_bindir")")"
        cp -a "$(dirname "$sys_bindir")" "$dest$(dirname "$(dirname "$sys_bindir")")/"
        cp -a "$sys_sharedir" "$dest$(dirname "$sys_sharedir")/"
        [ -d "$dest$sys_pkglibdir" ] || die "unexpected PostgreSQL layout: $sys_pkglibdir is not under $(dirname "$sys_bindir")"
        touch "$dest/.complete"
    fi
    # A server still running from this install has autopilot.so mapped: unlink it first so the new
    # library gets a new inode instead of being rewritten under that server's feet.
    rm -f "$dest$sys_pkglibdir/autopilot.so"
    (cd "$AUTOPILOT_ROOT" && make -s -f Makefile.pgxs install DESTDIR="$dest" >/dev/null) \
        || die "installing the extension into $dest failed"
    echo "$dest$sys_bindir"
}
