-- wrk script for bench/run.sh: one request shape taken from the environment, and one
-- machine-readable summary line (latencies in microseconds).
--   METHOD, BODY_FILE (optional), HEADERS ("Name: value" lines separated by "|"),
--   TENANTS=N and TENANT_HEADER (optional): each request names one of N tenants in turn, by
--   setting TENANT_HEADER to "bench-tenant-<i>" (for Merge: X-Account-Token)
wrk.method = os.getenv("METHOD") or "GET"
local body_file = os.getenv("BODY_FILE")
if body_file and body_file ~= "" then
  local f = assert(io.open(body_file, "r"))
  wrk.body = f:read("*a")
  f:close()
  wrk.headers["Content-Type"] = "application/json"
end
for pair in string.gmatch(os.getenv("HEADERS") or "", "[^|]+") do
  local name, value = string.match(pair, "^%s*([^:]+):%s*(.*)$")
  if name then wrk.headers[name] = value end
end

local tenants = tonumber(os.getenv("TENANTS") or "")
local tenant_header = os.getenv("TENANT_HEADER") or "X-Account-Token"
if tenants and tenants > 1 then
  local counter = math.random(0, tenants - 1)
  function request()
    counter = (counter + 1) % tenants
    wrk.headers[tenant_header] = "bench-tenant-" .. counter
    return wrk.format()
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRK_RESULT rps=%.1f p50_us=%d p99_us=%d requests=%d status_errors=%d socket_errors=%d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(99),
    summary.requests, e.status, e.connect + e.read + e.write + e.timeout))
end
