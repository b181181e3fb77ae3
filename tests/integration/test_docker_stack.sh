#!/usr/bin/env bash
# The demo stack's files are valid (no Docker engine here): docker-compose config, promtool on the
# Prometheus config, every Grafana dashboard parses and only uses metrics our programs export; and
# the images' entrypoint scripts work when run directly, as CI runs them.
source "$(dirname "$0")/lib.sh"
cd "$AUTOPILOT_ROOT"

docker-compose --env-file .env.example config -q || fail "docker-compose config rejects docker-compose.yml"
out=$(docker-compose config 2>&1) && fail "config without .env should refuse the missing secrets"
grep -q "set it in .env" <<<"$out" || fail "missing secret not named: $out"
[ ! -e .env ] || git check-ignore -q .env || fail ".env is not git-ignored"
pass "docker-compose.yml is valid and names every secret it needs"

promtool check config docker/prometheus/prometheus.yml >/dev/null || fail "promtool rejects prometheus.yml"
pass "promtool accepts docker/prometheus/prometheus.yml"

# The web image's entrypoint, run directly against the test cluster.
port=$((PGPORT + 400))
AUTOPILOT_BUILD_DIR=$BUILD_DIR AUTOPILOT_WEB_PORT=$port docker/entrypoint-web.sh >"$BUILD_DIR/it-entrypoint-web.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -fsS "http://127.0.0.1:$port/api/health" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fsS "http://127.0.0.1:$port/api/health" | grep -q ok || fail "docker/entrypoint-web.sh did not serve"
pass "docker/entrypoint-web.sh serves the dashboard"

# Every metric a dashboard uses is exported: by the web (as scraped now, or named in its code: some
# appear only once their source exists) or by the daemon.
exported=$(curl -fsS "http://127.0.0.1:$port/metrics")
for f in docker/grafana/dashboards/*.json; do
    jq -e '.uid and .title and (.panels | length > 0) and all(.panels[]; .targets | length > 0)' "$f" >/dev/null \
        || fail "$f is not a provisionable dashboard"
    for m in $(jq -r '.panels[].targets[].expr' "$f" | grep -oE 'autopilot_[a-z_]+' | sed -E 's/_(bucket|sum|count)$//' | sort -u); do
        grep -qE "^(# TYPE )?$m[ {]" <<<"$exported" || grep -rqF "\"$m\"" daemon/src web/src \
            || fail "$f uses $m, which neither autopilot-web nor autopilotd exports"
    done
done
pass "Grafana dashboards parse and use only exported metrics"
