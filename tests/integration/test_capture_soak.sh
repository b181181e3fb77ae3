#!/usr/bin/env bash
# Soak: 8 clients for AUTOPILOT_SOAK_SECONDS (20 s in the test suite; 60 s for the full soak:
# AUTOPILOT_SOAK_SECONDS=60) at sample_rate = 1 with a mixed workload, some of it failing on
# purpose, while a drainer empties the ring. No client error but the intended ones, no backend
# crash, and every sampled statement is accounted for: drained + dropped = sampled.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/capture_lib.sh"
seconds=${AUTOPILOT_SOAK_SECONDS:-20}
start_capture_cluster soak $'autopilot.capture_buffer_size = 2MB\nmax_connections = 40'

"$PG_BINDIR/pgbench" -q -i -s 2 >/dev/null 2>&1 || fail "pgbench -i failed"
q -c "CREATE TABLE drained AS SELECT * FROM autopilot.capture_drain() WITH NO DATA"
capture_tmp scripts -d
cat >"$scripts/read.sql" <<'SQL'
\set aid random(1, 200000)
SELECT abalance FROM pgbench_accounts WHERE aid = :aid;
SQL
cat >"$scripts/join.sql" <<'SQL'
\set bid random(1, 2)
SELECT b.bid, count(*) FROM pgbench_accounts a JOIN pgbench_branches b USING (bid)
 WHERE b.bid = :bid AND a.abalance >= 0 GROUP BY b.bid ORDER BY b.bid;
SQL
cat >"$scripts/write.sql" <<'SQL'
\set aid random(1, 200000)
\set delta random(-5000, 5000)
BEGIN;
UPDATE pgbench_accounts SET abalance = abalance + :delta WHERE aid = :aid;
SELECT abalance FROM pgbench_accounts WHERE aid = :aid;
END;
SQL
q -c "SELECT autopilot.capture_reset()" >/dev/null

PGOPTIONS="-c autopilot.sample_rate=1 -c autopilot.capture_nested=on" "$PG_BINDIR/pgbench" -n -M prepared \
    -c 8 -j 2 -T "$seconds" -f "$scripts/read.sql@6" -f "$scripts/join.sql@1" -f "$scripts/write.sql@3" \
    >"$scripts/pgbench.out" 2>&1 &
bench=$!
# Statements that fail on purpose (a cancel and an error) are part of the soak: a few, sampled too.
PGOPTIONS="-c autopilot.sample_rate=1" psql -X -q -v ON_ERROR_STOP=0 >/dev/null 2>&1 <<'SQL' &
SET statement_timeout = '1s';
SELECT pg_sleep(30);
SELECT 1 / (aid - aid) FROM pgbench_accounts WHERE aid = 1;
SQL
rounds=0
while kill -0 "$bench" 2>/dev/null && [ "$rounds" -lt 100000 ]; do
    q -c "INSERT INTO drained SELECT * FROM autopilot.capture_drain(500)" >/dev/null
    rounds=$((rounds + 1))
    sleep 0.05
done
wait "$bench" || fail "pgbench failed: $(tail -n 20 "$scripts/pgbench.out")"
wait
q -c "INSERT INTO drained SELECT * FROM autopilot.capture_drain()" >/dev/null
grep -q "^number of failed transactions: 0 " "$scripts/pgbench.out" \
    || fail "pgbench reported failures: $(cat "$scripts/pgbench.out")"
tps=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$scripts/pgbench.out" | head -n 1)
pass "8 clients ran ${seconds}s at sample_rate = 1 without errors ($tps tps, $rounds drain rounds)"

read -r sampled drained dropped held <<<"$(q -F' ' -c "SELECT sampled, drained, dropped, samples FROM autopilot.capture_status")"
stored=$(q -c "SELECT count(*) FROM drained")
[ "$held" = 0 ] || fail "$held samples left in the ring after the last drain"
[ $((drained + dropped)) = "$sampled" ] || fail "drained $drained + dropped $dropped != sampled $sampled"
[ "$stored" = "$drained" ] || fail "stored $stored rows but the drained counter says $drained"
[ "$sampled" -gt 1000 ] || fail "only $sampled samples in ${seconds}s"
pass "drained $drained + dropped $dropped = sampled $sampled"

failures=$(q -c "SELECT string_agg(DISTINCT status, ',' ORDER BY status) FROM drained WHERE status <> 'ok'")
[ "$failures" = "error,timeout" ] || fail "the intended failures were not captured as error and timeout: '$failures'"
invalid=$(q -c "SELECT count(*) FROM drained WHERE jsonb_typeof(predicates) <> 'array'
                OR (status = 'ok' AND (plan->>'Node Type') IS NULL)")
[ "$invalid" = 0 ] || fail "$invalid samples with a malformed plan or predicate list"
pass "every drained sample is well-formed and the failures are flagged"
