#!/usr/bin/env bash
# hypo_size against the real thing: each index shape is created hypothetically, then built for real
# on a 120k-row table; the estimate must be within ±20% of pg_relation_size, and the modelled
# B-tree height must equal the built tree's (pageinspect's bt_metap).
source "$(dirname "$0")/lib.sh"
use_test_database hypo_size

q <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pageinspect;
CREATE TABLE s AS
SELECT i AS id, i::bigint * 7 AS big, 'customer_' || (i % 5000) AS name, md5(i::text) AS code,
       date '2020-01-01' + (i % 2000) AS day, ((i * 7919) % 100000) / 100.0 AS amount, i % 20 AS status,
       CASE WHEN i % 10 = 0 THEN NULL ELSE i END AS maybe
FROM generate_series(1, 120000) i;
-- status and day are correlated (2000 is a multiple of 20): only extended statistics know it.
CREATE STATISTICS s_status_day (ndistinct) ON status, day FROM s;
ANALYZE s;
SQL

shapes=(
    "CREATE INDEX ON s (id)"
    "CREATE INDEX ON s (big)"
    "CREATE INDEX ON s (code)"
    "CREATE INDEX ON s (name)"
    "CREATE INDEX ON s (day)"
    "CREATE INDEX ON s (amount)"
    "CREATE INDEX ON s (status)"
    "CREATE INDEX ON s (maybe)"
    "CREATE INDEX ON s (status, day)"
    "CREATE INDEX ON s (day, id)"
    "CREATE INDEX ON s (name, amount DESC)"
    "CREATE INDEX ON s (id) INCLUDE (amount, name)"
    "CREATE INDEX ON s (id) WHERE status = 3"
    "CREATE INDEX ON s (big) WHERE amount < 250"
    "CREATE INDEX ON s (lower(name))"
    "CREATE UNIQUE INDEX ON s (id)"
    "CREATE INDEX ON s (id) WITH (fillfactor = 70)"
    "CREATE INDEX ON s (day) WITH (deduplicate_items = off)"
    "CREATE INDEX ON s USING hash (id)"
    "CREATE INDEX ON s USING hash (status)"
    "CREATE INDEX ON s USING brin (id)"
    "CREATE INDEX ON s USING brin (day, amount) WITH (pages_per_range = 4)"
)

bad=0
printf '%-62s %10s %10s %6s %7s\n' "index" "estimate" "real" "ratio" "height"
for ddl in "${shapes[@]}"; do
    real_ddl=${ddl/ ON s / hx ON s }
    row=$(q <<SQL
SELECT autopilot.hypo_size(id) FROM autopilot.hypo_create(\$\$${ddl}\$\$);
SELECT coalesce(tree_height, -1) FROM autopilot.hypo_estimate(\$\$${ddl}\$\$);
${real_ddl};
SELECT pg_relation_size('hx');
SELECT CASE WHEN (SELECT amname FROM pg_am a JOIN pg_class c ON c.relam = a.oid WHERE c.relname = 'hx') = 'btree'
            THEN (SELECT level FROM bt_metap('hx')) ELSE -1 END;
DROP INDEX hx;
SELECT autopilot.hypo_reset();
SQL
)
    read -r est height real real_height _ <<<"$(tr '\n' ' ' <<<"$row")"
    ratio=$(awk -v e="$est" -v r="$real" 'BEGIN { printf "%.3f", e / r }')
    printf '%-62s %10s %10s %6s %3s/%-3s\n' "$ddl" "$est" "$real" "$ratio" "$height" "$real_height"
    if ! awk -v x="$ratio" 'BEGIN { exit !(x >= 0.8 && x <= 1.2) }'; then
        echo "  -> outside ±20%" >&2; bad=1
    fi
    if [ "$height" != "$real_height" ]; then
        echo "  -> tree height $height, the built index has $real_height" >&2; bad=1
    fi
done
[ "$bad" = 0 ] || fail "hypo_size is off for some shapes (see above)"
pass "hypo_size within ±20% of pg_relation_size and the right tree height for ${#shapes[@]} index shapes"
