#!/usr/bin/env bash
# Drives each vendor's own SDK (Python and Node) against a freshly started simulator, as a user
# would. Installs the SDKs it needs (npm, pip into sdk/.venv), starts the debug build on a free
# loopback port, runs every sdk/<vendor>/*.mjs and *.py, and prints one line per script and a
# closing "N passed, N failed" line. Exit 1 if any script fails.
# Scripts in sdk/<vendor>/tls/ run against a second simulator started with --tls (and Salesforce on
# its own port), for clients that hard-code https://: SF_INSTANCE is that port's host:port,
# SIM_TLS_URL the main port, and REQUESTS_CA_BUNDLE / NODE_EXTRA_CA_CERTS the CA it wrote.
#   sdk/run.sh            (from the project root; builds the binary if needed)
#   SIM_URL=http://127.0.0.1:4010 sdk/run.sh   (targets a simulator already running, e.g. the
#                         image; add SIM_ADMIN_TOKEN=... if it has an admin token)
# sdk/dashboard/browser.mjs drives the dashboard in Debian's chromium (CHROMIUM overrides the
# path); without one it is skipped, unless REQUIRE_BROWSER=1 (CI) makes that a failure.
set -uo pipefail
CALLER_DIR=$PWD
cd "$(dirname "$0")"
ROOT=$(cd .. && pwd)

echo "-- installing SDKs"
if [ ! -d node_modules/@devrev ] || [ ! -d node_modules/nforce ] || [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/@modelcontextprotocol/inspector ]; then
  npm install --no-package-lock --no-audit --no-fund --loglevel=error >/dev/null || { echo "npm install failed"; exit 1; }
fi
# Reinstalled when requirements.txt changes (a copy of the one installed is kept in the venv).
if [ ! -x .venv/bin/python ] || ! cmp -s requirements.txt .venv/requirements.installed; then
  python3 -m venv .venv && .venv/bin/pip install -q -r requirements.txt || { echo "pip install failed"; exit 1; }
  cp requirements.txt .venv/requirements.installed
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PID=; TLS_PID=
trap 'kill $PID $TLS_PID 2>/dev/null; wait $PID $TLS_PID 2>/dev/null' EXIT
if [ -n "${SIM_URL:-}" ]; then
  # A simulator that is already running (an image, a remote box): only its main port is used.
  SIM_URL=${SIM_URL%/}
  curl -sf -H "Authorization: Bearer ${SIM_ADMIN_TOKEN:-}" "$SIM_URL/__admin/health" >/dev/null \
    || { echo "no simulator answers at $SIM_URL/__admin/health"; exit 1; }
else
  BIN=${SIM_BIN:-${CARGO_TARGET_DIR:-$ROOT/target}/debug/engagement-sim}
  # A relative SIM_BIN names a path from where the script was started, not from sdk/.
  case "$BIN" in /*) ;; *) BIN="$CALLER_DIR/$BIN" ;; esac
  [ -x "$BIN" ] || (cd "$ROOT" && cargo build --quiet) || exit 1
  PORT=$(free_port)
  # Salesforce also at the root of its own port: jsforce's SOAP login keeps only the origin of serverUrl.
  SF_PORT=$(free_port)
  "$BIN" serve --listen "127.0.0.1:$PORT" --vendor-listen "salesforce=127.0.0.1:$SF_PORT" >"${TMPDIR:-/tmp}/engagement-sim-sdk.log" 2>&1 &
  PID=$!
  up=
  for _ in $(seq 200); do curl -sf "http://127.0.0.1:$PORT/__admin/health" >/dev/null && { up=1; break; }; sleep 0.05; done
  if [ -z "$up" ]; then
    echo "the simulator ($BIN) did not start:"; cat "${TMPDIR:-/tmp}/engagement-sim-sdk.log"; exit 1
  fi
  SIM_URL="http://127.0.0.1:$PORT"
  export SIM_SALESFORCE_URL="http://127.0.0.1:$SF_PORT"
fi
export SIM_URL

passed=0; failed=0
run() { # script, then the environment it runs with
  local script=$1; shift
  [ -e "$script" ] || return 0
  case "$script" in node_modules/*|.venv/*) return 0;; esac
  if [[ "$script" == dashboard/* ]] && [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
    if [ -n "${REQUIRE_BROWSER:-}" ]; then
      failed=$((failed+1)); echo "FAIL $script (no chromium at ${CHROMIUM:-/usr/bin/chromium})"
    else
      echo "SKIP $script (no chromium at ${CHROMIUM:-/usr/bin/chromium}; apt-get install chromium)"
    fi
    return 0
  fi
  if [[ "$script" == salesforce/jsforce_login.mjs ]] && [ -z "${SIM_SALESFORCE_URL:-}" ]; then
    echo "SKIP $script (needs Salesforce on a port of its own: set SIM_SALESFORCE_URL)"; return 0
  fi
  if [[ "$script" == *.mjs ]]; then runner=(node); else runner=(.venv/bin/python); fi
  if out=$(env "$@" timeout 120 "${runner[@]}" "$script" 2>&1); then
    passed=$((passed+1)); echo "PASS $script"
  else
    failed=$((failed+1)); echo "FAIL $script"; echo "$out" | sed 's/^/    /'
  fi
}
for script in */*.mjs */*.py; do run "$script"; done

# The same with TLS, from a binary of our own (a simulator given by SIM_URL may not serve TLS).
if [ -n "${BIN:-}" ]; then
  TLS_PORT=$(free_port); SF_PORT=$(free_port)
  CA="${TMPDIR:-/tmp}/engagement-sim-sdk-ca.pem"
  rm -f "$CA"
  "$BIN" serve --listen "127.0.0.1:$TLS_PORT" --tls --tls-ca-out "$CA" \
    --vendor-listen "salesforce=127.0.0.1:$SF_PORT" >"${TMPDIR:-/tmp}/engagement-sim-sdk-tls.log" 2>&1 &
  TLS_PID=$!
  up=
  for _ in $(seq 200); do
    [ -s "$CA" ] && curl -sf --cacert "$CA" "https://127.0.0.1:$TLS_PORT/__admin/health" >/dev/null && { up=1; break; }
    sleep 0.05
  done
  if [ -z "$up" ]; then
    echo "the TLS simulator did not start:"; cat "${TMPDIR:-/tmp}/engagement-sim-sdk-tls.log"; exit 1
  fi
  for script in */tls/*.mjs */tls/*.py; do
    run "$script" SIM_TLS_URL="https://127.0.0.1:$TLS_PORT" SF_INSTANCE="127.0.0.1:$SF_PORT" \
      REQUESTS_CA_BUNDLE="$CA" NODE_EXTRA_CA_CERTS="$CA"
  done
fi
echo "sdk: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
