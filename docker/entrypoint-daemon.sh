#!/usr/bin/env bash
# Entry point of the autopilotd service: writes a config from the documented example with the
# metrics address from the environment, then runs the daemon in the foreground (PG* variables).
set -euo pipefail
cd "$(dirname "$0")/.."
conf=${AUTOPILOT_CONFIG:-/tmp/autopilotd.toml}
sed -e "s|^listen = \"127.0.0.1:9187\"|listen = \"${AUTOPILOT_METRICS_LISTEN:-127.0.0.1:9187}\"|" \
    -e "s|^models_dir = .*|models_dir = \"${AUTOPILOT_MODELS_DIR:-$PWD/models}\"|" \
    daemon/autopilotd.toml.example >"$conf"
exec "${AUTOPILOT_BUILD_DIR:-build}/autopilotd" --config "$conf" "$@"
