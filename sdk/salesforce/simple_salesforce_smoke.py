"""Drives the simulator's Salesforce vendor with simple-salesforce, unpatched but for `base_url`
(the library hard-codes https://). Reads the simulator's address from SIM_URL; prints each check;
exits non-zero on the first failure."""

import json
import os
import sys
import urllib.request
import uuid

from simple_salesforce import Salesforce
from simple_salesforce.exceptions import (
    SalesforceExpiredSession,
    SalesforceRefusedRequest,
    SalesforceResourceNotFound,
)

SIM = os.environ.get("SIM_URL", "http://127.0.0.1:4010").rstrip("/")
VERSION = "63.0"
PATH = "connect/service-excellence/engagement-interactions"


def connect(token, version=VERSION):
    sf = Salesforce(instance_url=SIM, session_id=token, version=version)
    sf.base_url = f"{SIM}/salesforce/services/data/v{version}/"
    return sf


def sobject(sf, name):
    """An SFType bound to the simulator: SFType builds its own https:// base URL too."""
    t = getattr(sf, name)
    t.base_url = f"{sf.base_url}sobjects/{name}/"
    return t


def check(what, ok):
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok:
        sys.exit(1)


def expect(what, exc_type, code, fn):
    try:
        fn()
    except exc_type as e:
        content = e.content if isinstance(e.content, list) else []
        got = content[0].get("errorCode") if content else None
        check(f"{what}: {exc_type.__name__} {got}", got == code)
        return
    except Exception as e:  # noqa: BLE001
        check(f"{what}: expected {exc_type.__name__}, got {type(e).__name__}: {e}", False)
    check(f"{what}: expected {exc_type.__name__}, got success", False)


def admin(method, path, body=None):
    req = urllib.request.Request(f"{SIM}/__admin{path}", method=method)
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, data) as res:
            return res.status
    except urllib.error.HTTPError as e:
        return e.code


def main():
    token = f"sf-smoke-{uuid.uuid4()}"
    sf = connect(token)
    body = {
        "engagementInteraction": {
            "attendeeVerified": True,
            "communicationChannel": "Voice Call",
            "startDateTime": "2026-01-05T10:00:00.000Z",
            "endDateTime": "2026-01-05T10:05:00.000Z",
            "type": "Inbound",
            "engagementAttendees": [
                {"startDateTime": "2026-01-05T10:00:00.000Z", "isVerified": True,
                 "isAuthenticated": False, "externalAttendeeId": "003xx000004TmiQAAS", "role": "Self"}
            ],
            "engagementTopics": [{"name": "Billing question"}],
        }
    }
    created = sf.restful(PATH, method="POST", json=body)
    iid = created["engagementInteraction"]["id"]
    check(f"create returns an 18-char id ({iid})", len(iid) == 18)
    check("create returns one attendee and one topic id",
          len(created["engagementInteraction"]["engagementAttendees"]) == 1
          and len(created["engagementInteraction"]["engagementTopics"]) == 1)
    check("Sforce-Limit-Info parsed into sf.api_usage", "api-usage" in sf.api_usage)

    fetched = sf.restful(f"{PATH}/{iid}")
    e = fetched["engagementInteraction"]
    check("fetch echoes the channel and the topic",
          e["communicationChannel"] == "Voice Call" and e["engagementTopics"][0]["name"] == "Billing question")

    record = sobject(sf, "EngagementInteraction").get(iid)
    check("sObject read-back carries attributes.type", record["attributes"]["type"] == "EngagementInteraction")
    attendee_id = created["engagementInteraction"]["engagementAttendees"][0]["id"]
    attendee = sobject(sf, "EngagementAttendee").get(attendee_id[:15])
    check("attendee read back by its 15-char id", attendee["EngagementId"] == iid)

    result = sf.query(f"SELECT Id, Name FROM EngagementTopic WHERE EngagementId = '{iid}'")
    check("SOQL finds the topic", result["totalSize"] == 1 and result["records"][0]["Name"] == "Billing question")

    pager = connect(f"sf-smoke-pages-{uuid.uuid4()}")
    minimal = {"engagementInteraction": {"attendeeVerified": False, "communicationChannel": "Web Chat",
                                         "startDateTime": "2026-01-05T10:00:00.000Z"}}
    for _ in range(210):
        pager.restful(PATH, method="POST", json=minimal)
    page = pager.query("SELECT Id FROM EngagementInteraction",
                       headers={"Sforce-Query-Options": "batchSize=200"})
    ids = [r["Id"] for r in page["records"]]
    pages = 1
    while not page["done"]:
        pages += 1
        # query_all() would rebuild an https:// URL from nextRecordsUrl; pass the locator instead.
        locator = page["nextRecordsUrl"].rsplit("/", 1)[1]
        page = pager.query_more(locator, identifier_is_url=False)
        ids += [r["Id"] for r in page["records"]]
    check(f"query + query_more page 210 records in {pages} pages without gap or duplicate",
          pages == 2 and len(ids) == 210 and len(set(ids)) == 210)

    expect("bad session", SalesforceExpiredSession, "INVALID_SESSION_ID",
           lambda: connect("").restful(f"{PATH}/{iid}"))
    expect("API version 54.0", SalesforceResourceNotFound, "NOT_FOUND",
           lambda: connect(token, "54.0").restful(PATH, method="POST", json=body))

    check("delete answers 204 (restful returns None)", sf.restful(f"{PATH}/{iid}", method="DELETE") is None)
    expect("fetch after delete", SalesforceResourceNotFound, "NOT_FOUND", lambda: sf.restful(f"{PATH}/{iid}"))

    scenario = {"name": "sf-smoke-limit", "rules": [
        {"vendor": "salesforce", "operation": "engagement_interactions.create",
         "tenant": token, "respond": {"error": "rate_limited"}}]}
    check("scenario sf-smoke-limit loads", admin("POST", "/scenarios", scenario) == 201)
    expect("scripted rate limit", SalesforceRefusedRequest, "REQUEST_LIMIT_EXCEEDED",
           lambda: sf.restful(PATH, method="POST", json=body))
    admin("DELETE", "/scenarios/sf-smoke-limit")

    revoked, read_only = f"sf-revoked-{uuid.uuid4()}", f"sf-readonly-{uuid.uuid4()}"
    auth = {"name": "sf-smoke-auth", "auth": {"revoked": [revoked], "forbidden": [read_only]}}
    check("scenario sf-smoke-auth loads", admin("POST", "/scenarios", auth) == 201)
    expect("revoked session", SalesforceExpiredSession, "INVALID_SESSION_ID",
           lambda: connect(revoked).restful(PATH, method="POST", json=body))
    expect("read-only session", SalesforceRefusedRequest, "INSUFFICIENT_ACCESS_OR_READONLY",
           lambda: connect(read_only).restful(PATH, method="POST", json=body))
    admin("DELETE", "/scenarios/sf-smoke-auth")
    print("simple-salesforce: all checks passed")


if __name__ == "__main__":
    main()
