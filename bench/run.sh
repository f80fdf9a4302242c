#!/usr/bin/env bash
# engagement-sim's own benchmark: the release build, whole pipeline on (journal, 100 scenario rules
# that never match, contract validation, stored state), driven by wrk at 50 connections.
#
#   bench/run.sh [SECONDS]          every vendor's create and read: rps, p50, p99, server CPU per
#                                   request, RSS after each run
#   bench/run.sh costs              Merge create with one tenant against 10,000 tenants in turn,
#                                   and with the 100 rules against none, in alternating rounds
#   bench/run.sh deep [RECORDS]     one tenant filled with RECORDS (default 1000000) DevRev
#                                   engagements, then create, get by id and a list page deep in the
#                                   cursor, against the same calls on an empty tenant; bytes per record
#
# Needs wrk (installed with apt-get if missing). Run from anywhere; builds the release binary.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
MODE=${1:-all}
command -v wrk >/dev/null || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
(cd "$ROOT" && cargo build --release --quiet)
BIN=$ROOT/target/release/engagement-sim
OUT=$(mktemp -d)
CONNS=${CONNS:-50}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PORT=$(free_port)
BASE=http://127.0.0.1:$PORT
LIMIT=5000 BYTES=$((8 * 1024 * 1024)) TOTAL=$((128 * 1024 * 1024))
[ "$MODE" = deep ] && LIMIT=0 BYTES=0 TOTAL=0   # one tenant must hold every record
"$BIN" serve --listen "127.0.0.1:$PORT" --scenario "$HERE/noise-100.yaml" --tenant-record-limit "$LIMIT" \
  --tenant-record-bytes "$BYTES" --max-record-bytes "$TOTAL" --max-tenants 20000 >"$OUT/server.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true; rm -rf "$OUT"' EXIT
for _ in $(seq 200); do curl -sf "$BASE/__admin/health" >/dev/null && break; sleep 0.02; done

rss_kb() { awk '/^VmRSS:/{print $2}' /proc/$PID/status; }
cpu_ticks() { awk '{print $14+$15}' /proc/$PID/stat; }

# run NAME SECONDS METHOD URL BODY HEADERS -> one table row
run() {
  local name=$1 secs=$2 method=$3 url=$4 body=$5 headers=$6 c0 c1 out line
  TENANTS=${TENANTS:-} METHOD=$method BODY_FILE=$body HEADERS=$headers wrk -t2 -c"$CONNS" -d2s -s "$HERE/request.lua" "$url" >/dev/null
  c0=$(cpu_ticks)
  out=$(TENANTS=${TENANTS:-} METHOD=$method BODY_FILE=$body HEADERS=$headers wrk -t2 -c"$CONNS" -d"${secs}s" -s "$HERE/request.lua" "$url")
  c1=$(cpu_ticks)
  line=$(grep '^WRK_RESULT' <<<"$out")
  python3 - "$name" "$line" $((c1-c0)) "$(getconf CLK_TCK)" "$(rss_kb)" <<'PY'
import sys
name, line, ticks, hz, rss = sys.argv[1:]
f = dict(kv.split("=") for kv in line.split()[1:])
reqs = int(f["requests"])
cpu_us = int(ticks) * 1e6 / int(hz) / reqs if reqs else 0
errs = int(f["status_errors"]) + int(f["socket_errors"])
print(f"| {name} | {float(f['rps']):,.0f} | {int(f['p50_us'])/1000:.2f} | {int(f['p99_us'])/1000:.2f} | {cpu_us:.1f} | {int(rss)/1024:.1f} | {errs} |")
PY
}

# json_field URL METHOD BODY HEADERS... POINTER: create one record with curl and print a field of it.
create_one() {
  local method=$1 url=$2 body=$3 pointer=$4; shift 4
  local args=()
  for h in "$@"; do args+=(-H "$h"); done
  curl -s -X "$method" "$url" -H 'Content-Type: application/json' "${args[@]}" --data-binary @"$body" |
    python3 -c "import sys, json; d=json.load(sys.stdin); print(eval('d' + ''.join('[%r]' % (int(p) if p.isdigit() else p) for p in sys.argv[1].split('/')[1:])))" "$pointer"
}

header() { printf '| operation | rps | p50 ms | p99 ms | server CPU µs/req | RSS MiB | errors |\n|---|---|---|---|---|---|---|\n'; }

if [ "$MODE" = costs ]; then
  SECS=${2:-10}
  echo "# engagement-sim cost bench: Merge create, $CONNS connections, ${SECS}s per row, alternating rounds"
  header
  A="Authorization: Bearer bench-key|X-Account-Token: bench-merge"
  URL=$BASE/merge/api/crm/v1/engagements
  BODY=$HERE/bodies/merge-create.json
  for round in 1 2; do
    curl -sf -X POST "$BASE/__admin/scenarios" -H 'Content-Type: application/yaml' --data-binary @"$HERE/noise-100.yaml" >/dev/null
    run "round $round: 1 tenant, 100 rules" "$SECS" POST "$URL" "$BODY" "$A"
    TENANTS=10000 run "round $round: 10,000 tenants, 100 rules" "$SECS" POST "$URL" "$BODY" "$A"
    curl -sf -X DELETE "$BASE/__admin/scenarios" >/dev/null
    run "round $round: 1 tenant, no rules" "$SECS" POST "$URL" "$BODY" "$A"
  done
  exit 0
fi

if [ "$MODE" = deep ]; then
  RECORDS=${2:-1000000}
  echo "# engagement-sim deep-state bench: $RECORDS DevRev engagements in one tenant"
  full="Authorization: Bearer bench-full"; empty="Authorization: Bearer bench-empty"
  rss0=$(rss_kb)
  # Fill through the API: wrk creates until the tenant holds RECORDS engagements.
  while :; do
    n=$(curl -s "$BASE/devrev/engagements.count" -H "$full" | python3 -c 'import sys,json; print(json.load(sys.stdin)["count"])')
    [ "$n" -ge "$RECORDS" ] && break
    left=$((RECORDS - n)); secs=$(( left / 15000 + 1 )); [ $secs -gt 20 ] && secs=20
    METHOD=POST BODY_FILE="$HERE/bodies/devrev-create.json" HEADERS="$full" wrk -t2 -c"$CONNS" -d"${secs}s" -s "$HERE/request.lua" "$BASE/devrev/engagements.create" >/dev/null
  done
  curl -s -X DELETE "$BASE/__admin/requests" -o /dev/null
  rss1=$(rss_kb)
  echo "stored $n records; RSS grew $(( (rss1 - rss0) / 1024 )) MiB: $(( (rss1 - rss0) * 1024 / n )) bytes per record"
  create_one POST "$BASE/devrev/engagements.create" "$HERE/bodies/devrev-create.json" /engagement/id "$empty" >/dev/null
  deep_cursor=$(curl -s -X POST "$BASE/devrev/engagements.list" -H "$full" -H 'Content-Type: application/json' -d '{"limit":1,"mode":"before"}' | python3 -c 'import sys,json; print(json.load(sys.stdin)["prev_cursor"])')
  echo "{\"limit\": 50, \"cursor\": \"$deep_cursor\", \"mode\": \"before\"}" >"$OUT/deep-list.json"
  echo '{"limit": 50}' >"$OUT/first-list.json"
  echo '{"id": "ENG-1"}' >"$OUT/get.json"
  header
  run "create, empty tenant" 10 POST "$BASE/devrev/engagements.create" "$HERE/bodies/devrev-create.json" "$empty"
  run "create, $n records" 10 POST "$BASE/devrev/engagements.create" "$HERE/bodies/devrev-create.json" "$full"
  run "get by id, empty tenant" 10 POST "$BASE/devrev/engagements.get" "$OUT/get.json" "$empty"
  run "get by id, $n records" 10 POST "$BASE/devrev/engagements.get" "$OUT/get.json" "$full"
  run "list first page (50), empty tenant" 10 POST "$BASE/devrev/engagements.list" "$OUT/first-list.json" "$empty"
  run "list page (50) at the end of $n records" 10 POST "$BASE/devrev/engagements.list" "$OUT/deep-list.json" "$full"
  exit 0
fi

SECS=${1:-10}
[ "$MODE" = all ] && SECS=10
echo "# engagement-sim bench: release build, journal on, 100 non-matching scenario rules, $CONNS connections, ${SECS}s per row"
echo "idle RSS: $(( $(rss_kb) / 1024 )) MiB"
header
source "$HERE/vendors.sh"
