#!/usr/bin/env bash
# Entry point of the web service: autopilot-web on the container network (the published port is
# bound to the host's loopback by docker-compose.yml). Connection from PG* variables.
set -euo pipefail
cd "$(dirname "$0")/.."
exec "${AUTOPILOT_BUILD_DIR:-build}/autopilot-web" --listen "${AUTOPILOT_WEB_LISTEN:-127.0.0.1}" \
    --port "${AUTOPILOT_WEB_PORT:-8080}" "$@"
