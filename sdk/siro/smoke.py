"""Smoke test of the simulated Siro External API with plain HTTP (Siro publishes no SDK).

Reads the simulator's base URL from SIM_URL (e.g. http://127.0.0.1:4010), drives the engagement
sync the way a CRM integration does, prints each check and exits non-zero on the first failure.
"""

import json
import os
import sys
import urllib.error
import urllib.request
import uuid

BASE = os.environ.get("SIM_URL", "http://127.0.0.1:4010").rstrip("/") + "/siro/api-externalApi/v1"
TOKEN = "smoke-" + uuid.uuid4().hex


def call(method, path, body=None, token=TOKEN, content_type="application/json", raw=None):
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    req = urllib.request.Request(BASE + path, data=data, method=method)
    if token is not None:
        req.add_header("Authorization", "Bearer " + token)
    if data is not None:
        req.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(req) as res:
            return res.status, json.loads(res.read() or b"null"), dict(res.headers)
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"null"), dict(err.headers)
    except urllib.error.URLError as err:
        print("FAIL cannot reach the simulator at %s (set SIM_URL): %s" % (BASE, err.reason))
        sys.exit(1)


def check(what, ok, detail=""):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        print("     " + str(detail))
        sys.exit(1)


def main():
    sync = "/integrations/sync/engagements"
    body = {
        "externalId": "crm-appt-1",
        "direction": "OUTBOUND",
        "subject": "Roof inspection",
        "startTime": "2026-11-21T15:00:00Z",
        "engagementType": {"name": "Inspection", "activityType": "APPOINTMENT"},
        "account": {"externalId": "crm-acc-1", "name": "Acme Roofing"},
        "engagementUsers": [{"externalId": "rep-1", "email": "rep@example.com", "name": "Rep One"}],
    }
    status, first, _ = call("PUT", sync, body)
    check("first sync answers 200 {data}", status == 200 and first["data"]["externalId"] == "crm-appt-1", first)
    e = first["data"]
    check("engagementType is the type's name", e["engagementType"] == "Inspection", e)

    status, second, _ = call("PUT", sync, {"externalId": "crm-appt-1", "subject": "Roof inspection (moved)"})
    d = second["data"]
    check("re-sync updates the same record", status == 200 and d["id"] == e["id"] and d["createdAt"] == e["createdAt"], second)
    check("omitted fields are kept", d["direction"] == "OUTBOUND" and d["accountId"] == e["accountId"], d)

    status, linked, _ = call("PUT", sync, {"externalId": "crm-appt-2", "account": {"externalId": "crm-acc-1"}})
    check("an account given by externalId alone links the synced one",
          status == 200 and linked["data"]["accountId"] == e["accountId"], linked)

    status, missing, _ = call("PUT", sync, {"externalId": "crm-appt-3", "account": {"externalId": "never"}})
    check("linking an unsynced account is 400 {error}", status == 400 and "never" in missing.get("error", ""), missing)

    status, got, _ = call("GET", "/integrations/engagements/" + e["id"])
    check("get answers the bare engagement", status == 200 and got["id"] == e["id"] and "data" not in got, got)

    status, batch, _ = call("PUT", "/integrations/sync/batch/engagements",
                            [{"externalId": "crm-b-%d" % i} for i in range(5)])
    check("batch sync answers every item", status == 200 and len(batch["data"]) == 5, batch)

    seen, cursor = [], None
    for _ in range(20):
        status, page, _ = call("GET", "/integrations/engagements?limit=2" + ("&cursor=" + cursor if cursor else ""))
        seen += [x["externalId"] for x in page["data"]]
        cursor = page["cursor"]
        if not page["hasNextPage"]:
            break
    check("list pages through every engagement once", len(seen) == 7 and len(set(seen)) == 7, seen)

    status, zod, _ = call("PUT", sync, {"direction": "SIDEWAYS"})
    check("a bad body is 422 ZodError with a path",
          status == 422 and zod["name"] == "ZodError" and zod["issues"][0]["path"] in (["externalId"], ["direction"]), zod)

    status, bad, _ = call("PUT", sync, raw=b'{"externalId": ', content_type="application/json")
    check("malformed JSON is 400 {error}", status == 400 and "error" in bad, bad)

    status, unauth, _ = call("GET", "/integrations/engagements", token=None)
    check("no token is 401 {error}", status == 401 and "error" in unauth, unauth)

    status, deleted, _ = call("DELETE", "/integrations/engagements/crm-appt-2?idType=external")
    check("delete by external id answers true", status == 200 and deleted is True, deleted)

    status, gone, _ = call("POST", "/integrations/sync/engagements/soft-delete-removed", {
        "validExternalIds": [], "fromTime": "2026-11-21T00:00:00Z", "toTime": "2026-11-22T00:00:00Z"})
    check("soft-delete-removed answers {data: {success}}", status == 200 and gone == {"data": {"success": True}}, gone)
    status, after, _ = call("GET", "/integrations/engagements/" + e["id"])
    check("the engagement in the window is soft-deleted", after.get("deletedAt") is not None, after)

    status, mine, _ = call("GET", "/integrations/users/rep-1/engagements")
    check("a user's engagements leave out soft-deleted ones", status == 200 and mine == [], mine)
    scripted()
    print("siro smoke: all checks passed")


def admin(method, path, doc=None):
    root = os.environ.get("SIM_URL", "http://127.0.0.1:4010").rstrip("/")
    req = urllib.request.Request(root + "/__admin" + path, method=method,
                                 data=json.dumps(doc).encode() if doc is not None else None)
    req.add_header("Content-Type", "application/json")
    token = os.environ.get("SIM_ADMIN_TOKEN")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req) as res:
            return res.status
    except urllib.error.HTTPError as err:
        return err.code


def scripted():
    """Scenario-driven answers a real integration must survive: throttling, revoked and read-only
    tokens. The scenario touches only this run's tokens and externalIds, and is unloaded after."""
    name = "siro-smoke-" + TOKEN
    revoked, readonly = TOKEN + "-old", TOKEN + "-ro"
    doc = {
        "name": name,
        "rules": [{"vendor": "siro", "operation": "engagements.sync",
                   "match": {"body": {"/externalId": TOKEN + "-throttled"}},
                   "respond": {"error": "too_many_requests", "retry_after": 2}}],
        "auth": {"revoked": [revoked], "forbidden": [readonly]},
    }
    check("the scenario loads", admin("POST", "/scenarios", doc) == 201)
    try:
        sync = "/integrations/sync/engagements"
        status, body, headers = call("PUT", sync, {"externalId": TOKEN + "-throttled"})
        retry = {k.lower(): v for k, v in headers.items()}.get("retry-after")
        check("a throttled sync is 429 {error} with Retry-After", status == 429 and "error" in body and retry == "2",
              (status, body, headers))
        status, body, _ = call("PUT", sync, {"externalId": TOKEN + "-fine"})
        check("other syncs go through", status == 200, body)
        status, body, _ = call("GET", "/integrations/engagements", token=revoked)
        check("a revoked token is 401 {error}", status == 401 and "error" in body, body)
        status, body, _ = call("PUT", sync, {"externalId": "x"}, token=readonly)
        check("a forbidden token is 403 {error}", status == 403 and "error" in body, body)
    finally:
        admin("DELETE", "/scenarios/" + name)


if __name__ == "__main__":
    main()
