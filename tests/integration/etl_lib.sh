# Helpers for the ETL integration tests (sourced after lib.sh).
# shellcheck shell=bash
ETL=${ETL:-$BUILD_DIR/autopilot-etl}
FIXTURES=$AUTOPILOT_ROOT/tests/integration/fixtures

# A checksum of every silver and gold table's content: equal before and after a run that must
# change nothing.
warehouse_checksum() {
    q -c "SELECT md5(string_agg(t.h, ',' ORDER BY t.n)) FROM (
            SELECT c.relname AS n,
                   (xpath('/row/h/text()', query_to_xml(format(
                       'SELECT md5(coalesce(string_agg(md5(x::text), '''' ORDER BY md5(x::text)), '''')) AS h FROM %I.%I x',
                       ns.nspname, c.relname), false, false, '')))[1]::text AS h
            FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace
            WHERE ns.nspname IN ('silver', 'gold') AND c.relkind IN ('r', 'p') AND NOT c.relispartition) t"
}

# Loads the hand-made bronze fixture batch N (1 or 2) into the current database.
load_fixture() {
    [ "$1" = 1 ] && q -f "$AUTOPILOT_ROOT/etl/sql/bronze.sql" >/dev/null
    q -f "$FIXTURES/etl_batch$1.sql" >/dev/null
}

# expect_exit CODE CMD...: runs CMD, fails the test unless it exits with CODE; output in $OUT.
expect_exit() {
    local want=$1; shift
    set +e
    OUT=$("$@" 2>&1)
    local got=$?
    set -e
    [ "$got" = "$want" ] || fail "expected exit $want, got $got from: $* -- $OUT"
}
