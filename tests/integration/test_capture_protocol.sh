#!/usr/bin/env bash
# Capture through the extended protocol: pgbench -M prepared and -M extended send bound parameters;
# each sample carries the statement with $n, the values as text[], and pg_stat_statements' query id.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/capture_lib.sh"
start_capture_cluster protocol

q -c "CREATE TABLE it_item (id int PRIMARY KEY, name text, price numeric)" \
  -c "INSERT INTO it_item SELECT g, 'item ' || g, g * 0.5 FROM generate_series(1, 1000) g" -c "ANALYZE it_item"
capture_tmp script
cat >"$script" <<'SQL'
\set id random(1, 1000)
SELECT name, price FROM it_item WHERE id = :id AND name LIKE 'item%';
SQL
q -c "SELECT autopilot.capture_reset(), pg_stat_statements_reset()" >/dev/null

for mode in prepared extended; do
    PGOPTIONS="-c autopilot.sample_rate=1" "$PG_BINDIR/pgbench" -n -M "$mode" -c 2 -t 25 -f "$script" >/dev/null \
        || fail "pgbench -M $mode failed"
done
q -c "CREATE TABLE drained AS SELECT * FROM autopilot.capture_drain()"

n=$(q -c "SELECT count(*) FROM drained WHERE query LIKE 'SELECT name, price FROM it_item%'")
[ "$n" = 100 ] || fail "expected 100 samples of the pgbench statement (2 modes x 2 clients x 25), got $n"
pass "every statement sent with bound parameters was sampled at rate 1"

bad=$(q -c "SELECT count(*) FROM drained WHERE query LIKE 'SELECT name, price FROM it_item%'
            AND NOT (query LIKE '%id = \$1%' AND cardinality(params) = 1 AND params[1]::int BETWEEN 1 AND 1000)")
[ "$bad" = 0 ] || fail "$bad samples lack their bound parameter: $(q -c "SELECT query, params FROM drained LIMIT 3")"
pass "the statement keeps \$1 and the bound value comes as params[1]"

distinct=$(q -c "SELECT count(DISTINCT params[1]) FROM drained WHERE params IS NOT NULL")
[ "$distinct" -gt 1 ] || fail "all samples carry the same parameter value"
pass "each execution carries its own parameter value"

mismatch=$(q -c "SELECT count(*) FROM drained d WHERE d.query LIKE 'SELECT name, price FROM it_item%'
                 AND NOT EXISTS (SELECT 1 FROM pg_stat_statements s WHERE s.queryid = d.queryid
                                 AND s.query LIKE 'SELECT name, price FROM it_item%')")
[ "$mismatch" = 0 ] || fail "$mismatch samples have a query id pg_stat_statements does not know"
pass "the query id is pg_stat_statements' queryid"

plan_ok=$(q -c "SELECT bool_and(plan->>'Node Type' LIKE 'Index%' AND (plan->>'Actual Loops')::int = 1
                               AND predicates @> '[{\"table\": \"it_item\", \"column\": \"id\", \"kind\": \"eq\"}]'
                               AND predicates @> '[{\"table\": \"it_item\", \"column\": \"name\", \"kind\": \"like\"}]')
                FROM drained WHERE query LIKE 'SELECT name, price FROM it_item%'")
[ "$plan_ok" = t ] || fail "plan or predicates wrong: $(q -c "SELECT plan, predicates FROM drained WHERE params IS NOT NULL LIMIT 1")"
pass "plans carry actuals and predicates name the filtered columns"

# The simple protocol: literal values stay in the text, no params.
PGOPTIONS="-c autopilot.sample_rate=1" q -c "SELECT name FROM it_item WHERE id = 77" >/dev/null
row=$(q -c "SELECT query || '|' || (params IS NULL) FROM autopilot.capture_drain()")
[ "$row" = "SELECT name FROM it_item WHERE id = 77|true" ] || fail "simple-protocol sample: $row"
pass "a simple-protocol statement keeps its literals and has no params"
