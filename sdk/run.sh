#!/usr/bin/env bash
# Drives each vendor's own SDK (Python and Node) against a freshly started simulator, as a user
# would. Installs the SDKs it needs (npm, pip into sdk/.venv), starts the debug build on a free
# loopback port, runs every sdk/<vendor>/*.mjs and *.py, and prints one line per script and a
# closing "N passed, N failed" line. Exit 1 if any script fails.
#   sdk/run.sh            (from the project root; builds the binary if needed)
#   SIM_URL=http://127.0.0.1:4010 sdk/run.sh   (targets a simulator already running, e.g. the
#                         image; add SIM_ADMIN_TOKEN=... if it has an admin token)
# sdk/dashboard/browser.mjs drives the dashboard in Debian's chromium (CHROMIUM overrides the
# path); without one it is skipped, unless REQUIRE_BROWSER=1 (CI) makes that a failure.
set -uo pipefail
cd "$(dirname "$0")"
ROOT=$(cd .. && pwd)

echo "-- installing SDKs"
if [ ! -d node_modules/@devrev ] || [ ! -d node_modules/playwright-core ]; then
  npm install --no-package-lock --no-audit --no-fund --loglevel=error >/dev/null || { echo "npm install failed"; exit 1; }
fi
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv && .venv/bin/pip install -q -r requirements.txt || { echo "pip install failed"; exit 1; }
fi

if [ -n "${SIM_URL:-}" ]; then
  SIM_URL=${SIM_URL%/}
  curl -sf -H "Authorization: Bearer ${SIM_ADMIN_TOKEN:-}" "$SIM_URL/__admin/health" >/dev/null \
    || { echo "no simulator answers at $SIM_URL/__admin/health"; exit 1; }
else
  BIN=${SIM_BIN:-${CARGO_TARGET_DIR:-$ROOT/target}/debug/engagement-sim}
  [ -x "$BIN" ] || (cd "$ROOT" && cargo build --quiet) || exit 1
  PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  "$BIN" serve --listen "127.0.0.1:$PORT" >"${TMPDIR:-/tmp}/engagement-sim-sdk.log" 2>&1 &
  PID=$!
  trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null' EXIT
  up=
  for _ in $(seq 200); do curl -sf "http://127.0.0.1:$PORT/__admin/health" >/dev/null && { up=1; break; }; sleep 0.05; done
  if [ -z "$up" ]; then
    echo "the simulator ($BIN) did not start:"; cat "${TMPDIR:-/tmp}/engagement-sim-sdk.log"; exit 1
  fi
  SIM_URL="http://127.0.0.1:$PORT"
fi
export SIM_URL

passed=0; failed=0
for script in */*.mjs */*.py; do
  [ -e "$script" ] || continue
  case "$script" in node_modules/*|.venv/*) continue;; esac
  if [[ "$script" == dashboard/* ]] && [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
    if [ -n "${REQUIRE_BROWSER:-}" ]; then
      failed=$((failed+1)); echo "FAIL $script (no chromium at ${CHROMIUM:-/usr/bin/chromium})"
    else
      echo "SKIP $script (no chromium at ${CHROMIUM:-/usr/bin/chromium}; apt-get install chromium)"
    fi
    continue
  fi
  if [[ "$script" == *.mjs ]]; then runner=(node); else runner=(.venv/bin/python); fi
  if out=$(timeout 120 "${runner[@]}" "$script" 2>&1); then
    passed=$((passed+1)); echo "PASS $script"
  else
    failed=$((failed+1)); echo "FAIL $script"; echo "$out" | sed 's/^/    /'
  fi
done
echo "sdk: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
