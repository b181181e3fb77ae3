#!/usr/bin/env bash
# Runs the pg_regress suite on a temporary instance.
#   tests/regress/run.sh preload|nopreload OUTDIR
# preload:   shared_preload_libraries = 'pg_stat_statements,autopilot' (capture works)
# nopreload: the library is loaded on demand only (capture must say so; everything else works)
# Tests in schedule run in both modes; schedule.<mode> adds the mode's own tests.
# Fails too when the server log shows a backend terminated by a signal.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../scripts/lib.sh"

mode=${1:?usage: run.sh preload|nopreload OUTDIR}
out=${2:?usage: run.sh preload|nopreload OUTDIR}
pg_regress=$(pg_config --pkglibdir)/pgxs/src/test/regress/pg_regress
[ -x "$pg_regress" ] || die "pg_regress not found at $pg_regress (install postgresql-server-dev-15)"

rm -rf "$out"
mkdir -p "$out"
# The suite runs from a copy, so the account running the server (postgres when we are root) can
# read the inputs and write the results wherever the checkout lives.
cp -r "$here/sql" "$here/expected" "$out/"
[ -d "$here/data" ] && cp -r "$here/data" "$out/"
{
    echo "compute_query_id = on"
    echo "max_prepared_transactions = 0"
    if [ "$mode" = preload ]; then
        echo "shared_preload_libraries = 'pg_stat_statements,autopilot'"
    fi
} >"$out/temp.conf"
schedules=(--schedule="$here/schedule")
[ -f "$here/schedule.$mode" ] && schedules+=(--schedule="$here/schedule.$mode")
cp "$here"/schedule* "$out/"
schedules=("${schedules[@]//$here/$out}")
if is_root; then
    chown -R "$AUTOPILOT_PG_OSUSER": "$out"
    ensure_traversable "$out"
fi

status=0
(cd "$out" && as_pg "$pg_regress" \
    --temp-instance="$out/tmp_check" --temp-config="$out/temp.conf" \
    --inputdir="$out" --outputdir="$out" --bindir="$PG_BINDIR" \
    --dbname=contrib_regression "${schedules[@]}") || status=$?

if grep -E "terminated by signal|server process .* was terminated" "$out"/log/postmaster.log >/dev/null 2>&1; then
    log "FAIL: a backend crashed during the regress suite ($mode):"
    grep -E "terminated by signal|was terminated" "$out"/log/postmaster.log >&2
    status=1
fi
if [ "$status" != 0 ] && [ -f "$out/regression.diffs" ]; then
    log "---- regression.diffs ($mode) ----"
    head -c 20000 "$out/regression.diffs" >&2
fi
exit "$status"
