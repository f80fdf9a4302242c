"""A raw OAuth 2.0 token request (no client library: urllib), then use of the token it returns.

Password grant, form-encoded, to /services/oauth2/token; the answer's instance_url and
access_token are all a client needs. Then client credentials and the refresh token."""

import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid

SIM = os.environ.get("SIM_URL", "http://127.0.0.1:4010").rstrip("/")
TOKEN_URL = f"{SIM}/salesforce/services/oauth2/token"


def check(what, ok):
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok:
        sys.exit(1)


def post_form(url, fields):
    data = urllib.parse.urlencode(fields).encode()
    req = urllib.request.Request(url, data=data, method="POST")
    req.add_header("Content-Type", "application/x-www-form-urlencoded")
    try:
        with urllib.request.urlopen(req) as res:
            return res.status, json.load(res)
    except urllib.error.HTTPError as e:
        return e.code, json.load(e)


def rest(method, url, token, body=None):
    req = urllib.request.Request(url, method=method)
    req.add_header("Authorization", f"Bearer {token}")
    if body is not None:
        req.add_header("Content-Type", "application/json")
        req.data = json.dumps(body).encode()
    with urllib.request.urlopen(req) as res:
        text = res.read()
        return res.status, json.loads(text) if text else None


user = f"raw-{uuid.uuid4()}@example.com"
status, tok = post_form(TOKEN_URL, {
    "grant_type": "password", "client_id": "sim-client", "client_secret": "sim-secret",
    "username": user, "password": "password",
})
check(f"password grant answers 200 ({status})", status == 200)
for key in ("access_token", "instance_url", "id", "token_type", "issued_at", "signature", "refresh_token"):
    check(f"token answer has {key}", key in tok)
check("instance_url points back at the simulator", tok["instance_url"] == f"{SIM}/salesforce")

base = f"{tok['instance_url']}/services/data/v63.0"
status, versions = rest("GET", f"{tok['instance_url']}/services/data/", tok["access_token"])
check("the version list includes v63.0", any(v["version"] == "63.0" for v in versions))
status, made = rest("POST", f"{base}/connect/service-excellence/engagement-interactions",
                    tok["access_token"], {"engagementInteraction": {
                        "attendeeVerified": False, "communicationChannel": "Web Chat",
                        "startDateTime": "2026-01-02T03:04:05.000Z"}})
check(f"Connect create with the token ({status})", status == 201)
iid = made["engagementInteraction"]["id"]

status, again = post_form(TOKEN_URL, {
    "grant_type": "refresh_token", "client_id": "sim-client", "client_secret": "sim-secret",
    "refresh_token": tok["refresh_token"],
})
check("refresh grant gives the same org's token", status == 200 and again["access_token"] == tok["access_token"])
status, rec = rest("GET", f"{base}/sobjects/EngagementInteraction/{iid}", again["access_token"])
check("the refreshed token reads the record", rec["CommunicationChannel"] == "Web Chat")

status, cc = post_form(TOKEN_URL, {
    "grant_type": "client_credentials", "client_id": "integration-app", "client_secret": "s"})
check("client credentials grant", status == 200 and cc["scope"] == "api")
status, limits = rest("GET", f"{base}/limits", cc["access_token"])
check("the client-credentials token reads /limits", limits["DailyApiRequests"]["Max"] == 15000)

status, err = post_form(TOKEN_URL, {"grant_type": "password", "client_id": "c", "username": user})
check(f"missing password: 400 invalid_grant ({status} {err})", status == 400 and err["error"] == "invalid_grant")
print("raw OAuth: all checks passed")
