#!/usr/bin/env bash
# Idempotent set-up on Debian 12 (as root): installs the Debian packages Autopilot needs (only the
# missing ones), builds everything with CMake (Release, warnings as errors) and builds and installs
# the extension with PGXS. Re-running it when nothing changed takes seconds.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$AUTOPILOT_ROOT"

# Build and run-time dependencies (Debian 12 packages only).
PACKAGES=(
    build-essential cmake pkg-config git ca-certificates iproute2 util-linux procps
    postgresql-15 postgresql-client-15 postgresql-server-dev-15 libpq-dev
    libpqxx-dev libpg-query-dev libxgboost-dev nlohmann-json3-dev catch2
    libsystemd-dev systemd libtomlplusplus-dev libcpp-httplib-dev
    libjs-chart.js libjs-leaflet
    # benchmark peers only
    postgresql-15-hypopg postgresql-15-pg-qualstats
)
# Extra packages a component needs can be listed in scripts/packages.d/*.txt (one per line).
for f in "$AUTOPILOT_ROOT"/scripts/packages.d/*.txt; do
    [ -f "$f" ] || continue
    while read -r p; do
        p=${p%%#*}
        [ -n "${p// /}" ] && PACKAGES+=("$p")
    done <"$f"
done

missing=()
for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    is_root || die "missing Debian packages (run scripts/setup.sh as root): ${missing[*]}"
    log "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq -o DPkg::Lock::Timeout=600
    apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=600 "${missing[@]}" >/tmp/autopilot-apt.log 2>&1 \
        || { tail -n 30 /tmp/autopilot-apt.log >&2; die "apt-get install failed (log: /tmp/autopilot-apt.log)"; }
fi

# The daemon, the ETL tool, the dashboard and the unit tests.
BUILD_DIR=${AUTOPILOT_BUILD_DIR:-$AUTOPILOT_ROOT/build}
if [ ! -f "$BUILD_DIR/CMakeCache.txt" ]; then
    cmake -S "$AUTOPILOT_ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DAUTOPILOT_WERROR=ON >/dev/null
fi
cmake --build "$BUILD_DIR" -j"$(nproc)" -- --no-print-directory >"$BUILD_DIR/build.log" 2>&1 \
    || { tail -n 60 "$BUILD_DIR/build.log" >&2; die "build failed (log: $BUILD_DIR/build.log)"; }

# The extension (PGXS builds in the source tree; objects are git-ignored).
make -s -f Makefile.pgxs WERROR=1 -j"$(nproc)" >"$BUILD_DIR/extension-build.log" 2>&1 \
    || { tail -n 60 "$BUILD_DIR/extension-build.log" >&2; die "extension build failed (log: $BUILD_DIR/extension-build.log)"; }
if is_root || [ -w "$(pg_config --pkglibdir)" ]; then
    make -s -f Makefile.pgxs install >"$BUILD_DIR/extension-install.log" 2>&1 \
        || { tail -n 30 "$BUILD_DIR/extension-install.log" >&2; die "extension install failed"; }
else
    log "note: not root: install the extension with 'sudo make -f Makefile.pgxs install'"
fi
log "setup: ok (build in $BUILD_DIR)"
