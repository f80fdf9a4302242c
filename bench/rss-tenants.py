#!/usr/bin/env python3
# Memory per tenant: starts BINARY serve on PORT (with any further serve flags), makes N fresh
# Merge account tokens each do one create with `remote_fields` (so the account needs the
# reference records), over one keep-alive connection, and prints the server's RSS
# (/proc/PID/status) at start, halfway and at the end.
#   python3 bench/rss-tenants.py target/debug/engagement-sim 10000 4711 --max-tenants 0
import http.client, json, subprocess, sys, time

binary, n, port = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
p = subprocess.Popen([binary, "serve", "--listen", f"127.0.0.1:{port}", *sys.argv[4:]],
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
        c.request("POST", "/merge/api/crm/v1/engagements", body,
                  {"Authorization": "Bearer k", "X-Account-Token": f"rss-account-{i}",
                   "Content-Type": "application/json"})
        r = c.getresponse()
        r.read()
        assert r.status == 201, r.status
        if (i + 1) % max(1, n // 2) == 0:
            print(f"after {i + 1}: {rss():.1f} MiB")
finally:
    p.terminate()
    p.wait()
