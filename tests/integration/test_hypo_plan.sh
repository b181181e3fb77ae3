#!/usr/bin/env bash
# The planner picks a hypothetical index for a selective predicate, and once the index is built
# for real, the real plan is the same plan: same node types, same index columns, costs close.
source "$(dirname "$0")/lib.sh"
use_test_database hypo_plan

q <<'SQL'
CREATE TABLE orders AS
SELECT i AS id, i % 1000 AS customer, date '2024-01-01' + (i % 365) AS day, (i % 97) * 1.25 AS amount
FROM generate_series(1, 100000) i;
ANALYZE orders;
SQL

# The node types of a what-if plan, top-down.
nodes="(SELECT string_agg(node ->> 'Node Type', ' > ') FROM (WITH RECURSIVE n(node) AS (
          SELECT plan UNION ALL SELECT jsonb_array_elements(node -> 'Plans') FROM n) SELECT node FROM n) t)"

check_query() {
    local query=$1 ddl=$2 what=$3
    local hypo real hypo_cost real_cost hypo_used
    hypo=$(q \
             -c "SELECT $nodes, total_cost, array_to_string(hypothetical_used, ',')
                 FROM autopilot.whatif(\$q\$$query\$q\$, ARRAY[\$d\$$ddl\$d\$])")
    IFS='|' read -r hypo hypo_cost hypo_used <<<"$hypo"
    [ "$hypo_used" = 1 ] || fail "$what: the planner did not pick the hypothetical index (plan: $hypo)"
    q -c "${ddl/ ON / real_idx ON }" -c "ANALYZE orders"
    real=$(q -c "SELECT $nodes, total_cost, array_to_string(indexes_used, ',')
                 FROM autopilot.whatif(\$q\$$query\$q\$)")
    IFS='|' read -r real real_cost real_used <<<"$real"
    [ "$real_used" = "public.real_idx" ] || fail "$what: the real plan does not use the built index (uses: $real_used)"
    [ "$hypo" = "$real" ] || fail "$what: plans differ: hypothetical '$hypo', real '$real'"
    awk -v a="$hypo_cost" -v b="$real_cost" 'BEGIN { r = a / b; exit !(r > 0.9 && r < 1.1) }' \
        || fail "$what: costs differ by more than 10%: hypothetical $hypo_cost, real $real_cost"
    q -c "DROP INDEX real_idx"
    pass "$what: hypothetical plan '$hypo' (cost $hypo_cost) = real plan (cost $real_cost)"
}

check_query "SELECT * FROM orders WHERE id = 4242" "CREATE INDEX ON orders (id)" "equality on a unique column"
check_query "SELECT * FROM orders WHERE customer = 17 AND day = '2024-03-01'" \
    "CREATE INDEX ON orders (customer, day)" "two-column equality"
check_query "SELECT id FROM orders WHERE id BETWEEN 100 AND 180" "CREATE INDEX ON orders (id)" "index-only range scan"
check_query "SELECT * FROM orders WHERE customer = 5 ORDER BY day DESC LIMIT 10" \
    "CREATE INDEX ON orders (customer, day DESC)" "ordered top-N"
