#!/usr/bin/env bash
# A build blocked by a long transaction hits lock_timeout, is retried with back-off, ends failed
# with the error text, and no INVALID index is left once the blocker is gone.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/daemon_lib.sh"
setup_warehouse daemon_lock_timeout
id=$(recommend wh.orders customer)
idx=$(index_of "$id")

# The blocker wrote to the table and stays open: CREATE INDEX CONCURRENTLY waits for it after
# creating its (INVALID) catalog entry, which is exactly the leftover that must be cleaned up.
start_blocker "INSERT INTO wh.orders VALUES (0, 0, 'x')"

write_config "$WORK_DIR/d.toml" "[cycle]" 'interval = "1s"' "[metrics]" 'listen = ""' \
    "[apply]" 'lock_timeout = "300ms"' 'max_attempts = 2' 'retry_backoff = "200ms"'
start_daemon "$WORK_DIR/d.toml"
q -c "SELECT autopilot.approve($id)" >/dev/null
wait_for "SELECT status FROM autopilot.recommendations WHERE id = $id" failed 60
error=$(q -c "SELECT error FROM autopilot.recommendations WHERE id = $id")
grep -q "lock timeout" <<<"$error" || fail "error does not say lock timeout: $error"
grep -q "after 2 attempts" <<<"$error" || fail "error does not count the attempts: $error"
[ "$(q -c "SELECT count(*) FROM autopilot.recommendation_events WHERE recommendation_id = $id AND to_status = 'applying'")" = 2 ] \
    || fail "expected 2 build attempts"
q -c "SELECT detail FROM autopilot.recommendation_events WHERE recommendation_id = $id AND from_status = 'applying' AND to_status = 'approved'" \
    | grep -q "retry 2 of 2" || fail "the retry is not recorded"
[ "$(index_state "$idx")" != valid ] || fail "the index was built despite the blocker"
pass "a blocked build hits lock_timeout, is retried, and ends failed with the error text"

end_blocker
wait_for "SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = '$idx'" 0 30
[ "$(invalid_indexes)" = 0 ] || fail "an INVALID index is left"
pass "no INVALID index is left once the blocking transaction ends"

# An administrator approves the failed recommendation again; now it builds.
q -c "SELECT autopilot.approve($id, 'blocker gone')" >/dev/null
wait_for "SELECT status FROM autopilot.recommendations WHERE id = $id" applied 30
[ "$(index_state "$idx")" = valid ] || fail "re-approved build is not valid"
pass "a failed recommendation approved again is built"
