#!/usr/bin/env bash
# autopilot-etl workload: every template runs without error on a small warehouse, by both
# protocols; bad input is refused.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/etl_lib.sh"
use_test_database etl_workload

expect_exit 2 "$ETL" workload --seconds 1 --queries 5
grep -q "not both" <<<"$OUT" || fail "both limits: $OUT"
expect_exit 2 "$ETL" workload --clients 0
expect_exit 2 "$ETL" workload --queries abc
expect_exit 1 "$ETL" workload --queries 5
grep -q "schema silver does not exist.*autopilot-etl run" <<<"$OUT" || fail "missing silver message: $OUT"
pass "bad input is refused with clear messages"

load_fixture 1
load_fixture 2
"$ETL" run --quiet >/dev/null
templates=$("$ETL" workload --list | wc -l)
[ "$templates" -ge 30 ] || fail "at least 30 templates, found $templates"
out=$("$ETL" workload --queries 600 --clients 2 --seed 7)
grep -q "workload: 600 queries (0 errors) by 2 clients" <<<"$out" || fail "workload run: $out"
ran=$(grep -cE '^[a-z_0-9]+ +[0-9]+ ' <<<"$out")
[ "$ran" -ge 30 ] || fail "expected most templates to run in 600 queries, ran $ran: $out"
# Both protocols were used: the simple column is neither all nor nothing overall.
simple=$(awk '/^[a-z_0-9]+ +[0-9]+ /{s+=$3; n+=$2} END{print s "/" n}' <<<"$out")
[ "${simple%/*}" -gt 0 ] && [ "${simple%/*}" -lt "${simple#*/}" ] || fail "both protocols expected, simple $simple"
pass "600 queries over $ran templates by both protocols without errors"

"$ETL" workload --seconds 1 --clients 1 --only customer_by_email,session_events >/dev/null
expect_exit 2 "$ETL" workload --only no_such_template
pass "--seconds and --only work"
