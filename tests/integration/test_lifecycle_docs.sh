#!/usr/bin/env bash
# The state diagram in docs/lifecycle.md is the one generated from autopilot.transitions.
source "$(dirname "$0")/lib.sh"
use_test_database lifecycle_docs
expected=$(q -c "SELECT autopilot.lifecycle_diagram()")
documented=$(sed -n '/<!-- BEGIN lifecycle-diagram/,/<!-- END lifecycle-diagram -->/p' "$AUTOPILOT_ROOT/docs/lifecycle.md" \
    | sed '1,2d;$d' | sed '$d')
if [ "$expected" != "$documented" ]; then
    diff <(echo "$documented") <(echo "$expected") >&2 || true
    fail "docs/lifecycle.md's diagram differs from autopilot.transitions: run scripts/lifecycle-diagram.sh"
fi
pass "the documented lifecycle diagram is generated from autopilot.transitions"
# Every status of the table appears in the documentation's status table.
for s in $(q -c "SELECT status FROM autopilot.lifecycle_statuses ORDER BY ord"); do
    grep -q "^| \`$s\` |" "$AUTOPILOT_ROOT/docs/lifecycle.md" || fail "status $s is not documented"
done
pass "every status is documented"
