#!/usr/bin/env bash
# Drain under concurrency: four clients append samples while another session drains repeatedly.
# Every statement the clients ran must come out of the drains exactly once (the ring is large enough
# that nothing is dropped), and the counters must balance: drained + dropped + still held = sampled.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/capture_lib.sh"
start_capture_cluster concurrency

capture_tmp script
# The clients pause 5 ms between statements (client side, nothing captured) so that they run for
# about two seconds and the drainer overlaps them even on a loaded machine.
cat >"$script" <<'SQL'
\set k random(1, 100000)
SELECT count(*) FROM pg_class WHERE oid = :k;
\sleep 5 ms
SQL
q -c "CREATE TABLE drained AS SELECT * FROM autopilot.capture_drain() WITH NO DATA"
q -c "SELECT autopilot.capture_reset()" >/dev/null

clients=4 per_client=400
PGOPTIONS="-c autopilot.sample_rate=1" "$PG_BINDIR/pgbench" -n -M prepared -c "$clients" -t "$per_client" \
    -f "$script" >/dev/null 2>&1 &
bench=$!
# The drainer runs while pgbench appends, until pgbench is done (bounded: at most 2000 rounds).
rounds=0
while kill -0 "$bench" 2>/dev/null && [ "$rounds" -lt 2000 ]; do
    q -c "INSERT INTO drained SELECT * FROM autopilot.capture_drain(50)" >/dev/null
    rounds=$((rounds + 1))
done
wait "$bench" || fail "pgbench failed"
q -c "INSERT INTO drained SELECT * FROM autopilot.capture_drain()" >/dev/null
[ "$rounds" -gt 1 ] || fail "the drainer did not overlap with the clients"
pass "drained in $rounds rounds while $clients clients appended"

got=$(q -c "SELECT count(*) FROM drained WHERE query LIKE 'SELECT count(*) FROM pg_class WHERE oid = %'")
[ "$got" = $((clients * per_client)) ] \
    || fail "expected $((clients * per_client)) samples of the clients' statement, drained $got"
pass "each of the $got statements was drained exactly once"

balance=$(q -c "SELECT sampled = drained + dropped + samples AND dropped = 0 AND samples = 0 FROM autopilot.capture_status")
[ "$balance" = t ] || fail "counters do not balance: $(q -c 'SELECT * FROM autopilot.capture_status')"
total=$(q -c "SELECT count(*) FROM drained")
[ "$total" = "$(status_value drained)" ] || fail "rows stored ($total) differ from the drained counter"
pass "sampled = drained + dropped + held, and every drained row was stored"
