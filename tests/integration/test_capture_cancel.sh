#!/usr/bin/env bash
# Statements stopped by statement_timeout or by pg_cancel_backend are captured, flagged, with the
# time they ran until the error and the plan as far as it got; the error the client sees is
# PostgreSQL's own, and the cancelled backend goes on working.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/capture_lib.sh"
start_capture_cluster cancel

q -c "CREATE TABLE it_big AS SELECT g AS id, g % 1000 AS k FROM generate_series(1, 200000) g" -c "ANALYZE it_big"

# ---- statement_timeout ----
out=$(PGOPTIONS="-c autopilot.sample_rate=1" psql -X -At -v ON_ERROR_STOP=0 2>&1 <<'SQL'
SET statement_timeout = '1s';
SELECT count(*) FROM it_big a, it_big b WHERE a.k = b.k AND pg_sleep(0.0001) IS NOT NULL;
RESET statement_timeout;
SELECT 'still working';
SQL
)
grep -q "canceling statement due to statement timeout" <<<"$out" || fail "client did not see the timeout error: $out"
grep -q "still working" <<<"$out" || fail "the session did not go on after the timeout: $out"
pass "the client sees PostgreSQL's own timeout error and the session goes on"

row=$(q -F' ' -c "SELECT status, sqlstate, total_ms > 0, total_ms < 60000, plan->>'Node Type' IS NOT NULL,
                        (plan->>'Actual Loops') IS NOT NULL, predicates @> '[{\"column\": \"k\", \"kind\": \"join\"}]'
                   FROM autopilot.capture_drain() WHERE query LIKE 'SELECT count(*) FROM it_big a%'")
[ "$row" = "timeout 57014 t t t t t" ] || fail "timeout sample: '$row'"
pass "a statement stopped by statement_timeout is drained as timeout (57014) with its elapsed time and partial plan"

# ---- pg_cancel_backend, and the same backend afterwards ----
capture_tmp outfile
PGOPTIONS="-c autopilot.sample_rate=1" psql -X -At -v ON_ERROR_STOP=0 >"$outfile" 2>&1 <<'SQL' &
SET application_name = 'it_victim';
SELECT 'pid ' || pg_backend_pid();
SELECT count(*) FROM it_big a, it_big b WHERE a.k = b.k AND pg_sleep(0.001) IS NOT NULL;
SELECT 'after cancel ' || pg_backend_pid();
SELECT count(*) FROM it_big WHERE k = 7;
SQL
victim=$!
# Wait (bounded) until the victim runs the long statement, then cancel it.
pid=""
for _ in $(seq 1 300); do
    pid=$(q -c "SELECT pid FROM pg_stat_activity WHERE application_name = 'it_victim'
                AND state = 'active' AND query LIKE 'SELECT count(*) FROM it_big a%'")
    [ -n "$pid" ] && break
    sleep 0.1
done
[ -n "$pid" ] || fail "the victim's statement never started"
sleep 0.2
[ "$(q -c "SELECT pg_cancel_backend($pid)")" = t ] || fail "pg_cancel_backend failed"
wait "$victim" || true
grep -q "canceling statement due to user request" "$outfile" || fail "victim did not see the cancel: $(cat "$outfile")"
grep -q "after cancel $pid" "$outfile" || fail "the cancelled backend did not run its next statement: $(cat "$outfile")"
grep -qx "200" "$outfile" || fail "the cancelled backend's next query returned a wrong result: $(cat "$outfile")"
pass "the cancelled backend works normally afterwards"

row=$(q -F' ' -c "SELECT status, sqlstate, total_ms > 0, plan->>'Node Type' IS NOT NULL
                   FROM autopilot.capture_drain() WHERE query LIKE 'SELECT count(*) FROM it_big a%'")
[ "$row" = "cancelled 57014 t t" ] || fail "cancel sample: '$row'"
pass "a statement cancelled with pg_cancel_backend is drained as cancelled (57014) with its elapsed time"

failed=$(status_value failed)
[ "$failed" -ge 2 ] || fail "the failed counter is $failed"
pass "the failed counter counts both"
