#!/usr/bin/env bash
# A full ring overwrites its oldest samples and counts them as dropped; texts and plans beyond their
# limits are cut (plans by dropping their deepest levels, so they stay valid JSON) and flagged.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/capture_lib.sh"
# The smallest ring (1MB) and big texts, so a few hundred statements overflow it.
start_capture_cluster overflow $'autopilot.capture_buffer_size = 1MB\nautopilot.capture_max_text = 64kB'

[ "$(status_value capacity_bytes)" = 1048576 ] || fail "capacity is $(status_value capacity_bytes)"
pass "the ring has the configured size"

# ---- overflow ----
pad=$(printf 'x%.0s' $(seq 1 20000))
{
    echo "SET autopilot.sample_rate = 1;"
    for i in $(seq 1 200); do echo "SELECT $i AS n, length('$pad') AS l;"; done
} | q >/dev/null
dropped=$(status_value dropped)
[ "$dropped" -gt 0 ] || fail "200 samples of 20kB did not overflow a 1MB ring"
q -c "CREATE TABLE drained AS SELECT * FROM autopilot.capture_drain()"
balance=$(q -c "SELECT sampled = drained + dropped + samples FROM autopilot.capture_status")
[ "$balance" = t ] || fail "counters do not balance: $(q -c 'SELECT * FROM autopilot.capture_status')"
kept=$(q -c "SELECT count(*) FROM drained")
[ $((kept + dropped)) = 200 ] || fail "kept $kept + dropped $dropped != 200 sampled"
newest=$(q -c "SELECT max((regexp_match(query, 'SELECT (\\d+) AS n'))[1]::int) FROM drained")
oldest=$(q -c "SELECT min((regexp_match(query, 'SELECT (\\d+) AS n'))[1]::int) FROM drained")
[ "$newest" = 200 ] && [ "$oldest" = $((dropped + 1)) ] || fail "kept samples $oldest..$newest, dropped $dropped"
pass "a full ring dropped the $dropped oldest samples, kept the $kept newest, and counted both"

# ---- truncation of texts ----
before=$(status_value truncated)
row=$(q -c "SET autopilot.capture_max_text = '1kB'; SET autopilot.sample_rate = 1;
            SELECT length('$pad') AS l;" -c "SET autopilot.sample_rate = 0" \
        -c "SELECT length(query) <= 1024, truncated FROM autopilot.capture_drain()" | tail -n 1)
[ "$row" = "t|t" ] || fail "long text: $row"
[ "$(status_value truncated)" -gt "$before" ] || fail "the truncated counter did not grow"
pass "a text over capture_max_text is cut to it and flagged, and counted"

# ---- truncation of plans ----
union=$(for i in $(seq 1 60); do printf 'SELECT count(*) FROM pg_class WHERE relpages > %d UNION ALL ' "$i"; done)
row=$(q -c "SET autopilot.capture_max_plan = '2kB'; SET autopilot.sample_rate = 1;" \
        -c "${union}SELECT 0" -c "SET autopilot.sample_rate = 0" \
        -c "SELECT length(plan::text) <= 4096, truncated, plan->>'Node Type' IS NOT NULL FROM autopilot.capture_drain()" \
    | tail -n 1)
[ "$row" = "t|t|t" ] || fail "big plan: $row"
pass "a plan over capture_max_plan loses its deepest levels, stays valid JSON and is flagged"

# ---- a bad ring size refuses to start, naming the setting ----
capture_cluster stop >/dev/null
echo "autopilot.capture_buffer_size = 10GB" | as_pg tee -a "$CAPTURE_HOME/data/autopilot.local.conf" >/dev/null
if capture_cluster start >/dev/null 2>&1; then fail "the server started with a 10GB capture ring"; fi
grep -q 'invalid value for parameter "autopilot.capture_buffer_size": "10GB"' "$CAPTURE_HOME/postgresql.log" \
    || fail "no clear message for the bad ring size: $(tail -n 5 "$CAPTURE_HOME/postgresql.log")"
pass "a server with an out-of-range capture_buffer_size refuses to start and names the setting"
