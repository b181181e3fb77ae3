#!/usr/bin/env bash
# Hypothetical and hidden indexes belong to the session that made them: two sessions open at the
# same time see only their own, and one cannot put a hypothetical index on the other's temp table.
source "$(dirname "$0")/lib.sh"
use_test_database hypo_isolation

q <<'SQL'
CREATE TABLE t AS SELECT i AS id, i % 100 AS grp FROM generate_series(1, 50000) i;
CREATE INDEX t_grp ON t (grp);
ANALYZE t;
SQL

# Session A stays open as a coprocess; a_run sends it SQL and returns its output.
coproc A { psql -X -Atq -v ON_ERROR_STOP=0 2>&1; }
trap 'kill "$A_PID" 2>/dev/null || true' EXIT
a_run() {
    printf '%s\n\\echo __done__\n' "$1" >&"${A[1]}"
    local line out=""
    while IFS= read -r line <&"${A[0]}"; do
        [ "$line" = "__done__" ] && break
        out+="$line"$'\n'
    done
    printf '%s' "$out"
}

a_name=$(a_run "SELECT name FROM autopilot.hypo_create('CREATE INDEX ON t (id)');")
[ -n "$a_name" ] || fail "session A could not create a hypothetical index"
a_run "SELECT autopilot.hypo_hide('t_grp');" >/dev/null
a_run "CREATE TEMP TABLE a_temp (x int);" >/dev/null
a_temp=$(a_run "SELECT quote_ident(n.nspname) || '.a_temp' FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = 'a_temp';")
grep -q "Index Scan using $a_name" <<<"$(a_run "EXPLAIN SELECT * FROM t WHERE id = 7;")" \
    || fail "session A does not see its own hypothetical index"

# Session B, while A is open.
[ "$(q -c "SELECT count(*) FROM autopilot.hypo_list()")" = 0 ] || fail "session B lists session A's hypothetical index"
plan=$(q -c "EXPLAIN SELECT * FROM t WHERE id = 7")
grep -q "$a_name" <<<"$plan" && fail "session B's plan uses session A's hypothetical index: $plan"
grep -q "t_grp" <<<"$(q -c "EXPLAIN SELECT * FROM t WHERE grp = 7")" || fail "session A's hidden index is hidden in session B too"
pass "session B sees neither A's hypothetical index nor A's hidden index"

out=$(q -c "SELECT * FROM autopilot.hypo_create('CREATE INDEX ON $a_temp (x)')" 2>&1) \
    && fail "session B created a hypothetical index on session A's temp table"
grep -q "temporary tables of other sessions" <<<"$out" || fail "unclear error for another session's temp table: $out"
pass "a hypothetical index on another session's temp table is refused: ${out%%$'\n'*}"

b_name=$(q -c "SELECT name FROM autopilot.hypo_create('CREATE INDEX ON t (grp, id)')")
grep -q "$b_name" <<<"$(a_run "SELECT name FROM autopilot.hypo_list();")" && fail "session A lists session B's index"
[ "$(a_run "SELECT count(*) FROM autopilot.hypo_list();")" = 1 ] || fail "session A lost its own index"
pass "session A still has only its own hypothetical index"
