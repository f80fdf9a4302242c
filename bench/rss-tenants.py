#!/usr/bin/env python3
# Memory per tenant: starts BINARY serve on PORT (with any further serve flags), makes N fresh
# credentials each do one call over one keep-alive connection, and prints the server's RSS
# (/proc/PID/status) at start, halfway and at the end. The call is a Merge create with
# `remote_fields` (so the account needs the reference records), or with STUB_READS=1 a GET of a
# stateful stub's (empty) list, loaded from a stub file this script writes.
#   python3 bench/rss-tenants.py target/debug/engagement-sim 10000 4711 --max-tenants 0
#   STUB_READS=1 python3 bench/rss-tenants.py target/debug/engagement-sim 10000 4711 --max-tenants 0
import http.client, json, os, subprocess, sys, tempfile, time

binary, n, port = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
stub_reads = os.environ.get("STUB_READS") == "1"
extra = []
if stub_reads:
    stubs = tempfile.mkdtemp(prefix="rss-stubs-")
    with open(os.path.join(stubs, "memos.yaml"), "w") as f:
        f.write("name: rss-memos\nstubs:\n  - id: memos.list\n    vendor: siro\n"
                "    method: GET\n    path: /v1/memos\n    store: { collection: memos }\n"
                "    body: { memos: \"{{stored}}\" }\n")
    extra = ["--stubs", stubs]
p = subprocess.Popen([binary, "serve", "--listen", f"127.0.0.1:{port}", *extra, *sys.argv[4:]],
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

def rss():
    for line in open(f"/proc/{p.pid}/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1024

for _ in range(100):
    try:
        c = http.client.HTTPConnection("127.0.0.1", port)
        c.request("GET", "/__admin/health")
        c.getresponse().read()
        break
    except OSError:
        time.sleep(0.1)
print(f"start {rss():.1f} MiB")
c = http.client.HTTPConnection("127.0.0.1", port)
body = json.dumps({"model": {"subject": "s",
                             "remote_fields": [{"remote_field_class": "x", "value": "v"}]}})
try:
    for i in range(n):
        if stub_reads:
            c.request("GET", "/siro/v1/memos", headers={"Authorization": f"Bearer rss-{i}"})
        else:
            c.request("POST", "/merge/api/crm/v1/engagements", body,
                      {"Authorization": "Bearer k", "X-Account-Token": f"rss-account-{i}",
                       "Content-Type": "application/json"})
        r = c.getresponse()
        r.read()
        assert r.status == (200 if stub_reads else 201), r.status
        if (i + 1) % max(1, n // 2) == 0:
            print(f"after {i + 1}: {rss():.1f} MiB")
    c.request("GET", "/__admin/metrics")
    metrics = c.getresponse().read().decode()
    kept = [l for l in metrics.splitlines()
            if l.startswith(("engagement_sim_tenants{", "engagement_sim_stub_tenants{"))
            and ('"merge"' in l or '"siro"' in l)]
    print("; ".join(kept) or "(no tenant gauges)")
finally:
    p.terminate()
    p.wait()
