#!/usr/bin/env bash
# Exports every vendor's OpenAPI document from a live simulator (with the shipped stubs loaded),
# validates it with openapi-spec-validator and runs schemathesis against the simulator with it,
# every check on. Usage: .ci/schemathesis.sh [VENV] (a virtualenv with both tools installed).
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${1:-target/ci-venv}"
examples="${SCHEMATHESIS_EXAMPLES:-10}"
port="${SCHEMATHESIS_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}"
out="target/openapi"
mkdir -p "$out"
failed=()

cargo build --quiet
target/debug/engagement-sim serve --listen "127.0.0.1:$port" --stubs stubs --log-format json \
  --tenant-record-limit 1000 > "$out/simulator.log" 2>&1 &
sim=$!
trap 'kill "$sim" 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  curl -fs "http://127.0.0.1:$port/__admin/health" >/dev/null && break
  sleep 0.1
done

for vendor in ${SCHEMATHESIS_VENDORS:-devrev merge salesforce seismic siro}; do
  doc="$out/$vendor.json"
  curl -fs "http://127.0.0.1:$port/__admin/openapi/$vendor" > "$doc"
  "$venv/bin/openapi-spec-validator" "$doc"
  headers=(-H "Authorization: Bearer schemathesis-$vendor")
  [ "$vendor" = merge ] && headers+=(-H "X-Account-Token: schemathesis-account")
  exclude=()
  # DevRev and Siro answer a method a path does not take with 404, as the real APIs do (Siro is
  # an Express app: "Cannot TRACE /..."), where schemathesis expects 405.
  case "$vendor" in devrev|siro) exclude=(--exclude-checks unsupported_method) ;; esac
  echo "== schemathesis: $vendor"
  "$venv/bin/st" --config-file .ci/schemathesis.toml run "$doc" \
    --url "http://127.0.0.1:$port/$vendor" "${headers[@]}" --checks all "${exclude[@]}" \
    --max-examples "$examples" --seed 1 --generation-deterministic --no-color --max-time 30 \
    || failed+=("$vendor")
done
if [ "${#failed[@]}" -gt 0 ]; then
  echo "schemathesis found problems for: ${failed[*]}" >&2
  exit 1
fi
