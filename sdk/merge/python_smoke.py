"""Drives the simulator's Merge CRM engagements with Merge's official Python SDK
(`mergepythonclient`), as a user would: create, retrieve, list following cursors, patch, write
metadata, reference records, warnings, errors, 401, and through scenarios
loaded over the admin API a throttled 429 and a revoked 401.

    SIM_URL=http://127.0.0.1:4010 python sdk/merge/python_smoke.py

Prints one line per check and exits non-zero on the first failure.
"""

import json
import os
import sys
import urllib.error
import urllib.request
import uuid

from merge import Merge
from merge.core.api_error import ApiError
from merge.resources.crm import EngagementRequest, PatchedEngagementRequest

SIM_URL = os.environ.get("SIM_URL", "http://127.0.0.1:4010").rstrip("/")
BASE_URL = f"{SIM_URL}/merge/api"
ACCOUNT = f"py-smoke-{uuid.uuid4()}"


def check(label, condition, detail=""):
    if not condition:
        print(f"FAIL {label} {detail}")
        sys.exit(1)
    print(f"ok   {label}")


def admin(method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(f"{SIM_URL}/__admin{path}", data=data, method=method)
    req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req) as res:
            return res.status
    except urllib.error.HTTPError as e:
        return e.code


client = Merge(base_url=BASE_URL, api_key="sk-smoke", account_token=ACCOUNT)
crm = client.crm

# Reference records the engagement will point at.
etypes = crm.engagement_types.list().results
check("engagement_types.list parses", len(etypes) == 3 and etypes[0].activity_type == "CALL")
users = crm.users.list(page_size=2)
check("users.list parses and pages", len(users.results) == 2 and users.next is not None)
contacts = crm.contacts.list().results
check("contacts.list parses", len(contacts) > 0 and contacts[0].first_name)

created = crm.engagements.create(
    model=EngagementRequest(
        subject="Q3 renewal review call",
        content="Review renewal terms",
        direction="OUTBOUND",
        engagement_type=etypes[0].id,
        owner=users.results[0].id,
        account=contacts[0].account,
        contacts=[contacts[0].id],
        start_time="2024-05-15T14:00:00Z",
        end_time="2024-05-15T14:45:00Z",
    ),
    is_debug_mode=True,
)
check("engagements.create parses into EngagementResponse", created.model.id is not None)
check("create answers no warnings or errors", created.warnings == [] and created.errors == [])
check("debug mode fills logs", created.logs and created.logs[0].log_summary.method == "POST")
eid = created.model.id

one = crm.engagements.retrieve(eid, expand=["owner", "engagement_type"])
check("engagements.retrieve parses", one.id == eid and one.subject == "Q3 renewal review call")
check("expand nests the owner", getattr(one.owner, "id", None) == users.results[0].id)
check("dates parse as datetimes", one.created_at is not None and one.start_time.year == 2024)

warned = crm.engagements.create(
    model=EngagementRequest(engagement_type=etypes[1].id, subject="extra", mood="great")
)
check(
    "unknown model key surfaces an UNRECOGNIZED_FIELD warning",
    [w.problem_type for w in warned.warnings] == ["UNRECOGNIZED_FIELD"]
    and warned.warnings[0].source.pointer == "/model/mood",
)

for i in range(5):
    crm.engagements.create(model=EngagementRequest(engagement_type=etypes[2].id, subject=f"page {i}"))
seen, cursor, pages = [], None, 0
while True:
    page = crm.engagements.list(page_size=3, cursor=cursor)
    seen += [e.id for e in page.results]
    pages += 1
    cursor = page.next
    if cursor is None:
        break
check("list follows cursors without gap or duplicate", len(seen) == 7 and len(set(seen)) == 7 and pages == 3)

patched = crm.engagements.partial_update(eid, model=PatchedEngagementRequest(subject="Renamed"))
check("partial_update changes only the given field", patched.model.subject == "Renamed" and patched.model.content == "Review renewal terms")

# A fresh account requires nothing (Merge's create page: {"model": {}} is a 201); the admin API
# makes this one require engagement_type, which meta/post then declares.
check("an empty model is created", crm.engagements.create(model=EngagementRequest()).model.id is not None)
check("the account is made to require engagement_type",
      admin("POST", f"/merge/required-fields?tenant={ACCOUNT}", {"post": ["engagement_type"]}) == 200)
meta = crm.engagements.meta_post_retrieve()
check("meta/post declares engagement_type required", meta.request_schema["properties"]["model"]["required"] == ["engagement_type"])
check("meta/patch parses", crm.engagements.meta_patch_retrieve(eid).has_conditional_params is False)
classes = crm.engagements.remote_field_classes_list(is_custom=True)
check("remote field classes parse", classes.results and all(c.is_custom for c in classes.results))

try:
    crm.engagements.create(model=EngagementRequest(subject="no type"))
    check("missing required field is refused", False)
except ApiError as e:
    check(
        "missing required field raises ApiError 400 MISSING_REQUIRED_FIELD",
        e.status_code == 400 and e.body["errors"][0]["problem_type"] == "MISSING_REQUIRED_FIELD",
        str(e.body),
    )

try:
    crm.engagements.retrieve(str(uuid.uuid4()))
    check("unknown id is refused", False)
except ApiError as e:
    check("unknown id raises ApiError 404", e.status_code == 404 and e.body == {"detail": "Not found."})

no_account = Merge(base_url=BASE_URL, api_key="sk-smoke")
try:
    no_account.crm.engagements.list()
    check("missing account token is refused", False)
except ApiError as e:
    check("missing account token raises ApiError 401 with Merge's detail", e.status_code == 401 and "X-Account-Token" in e.body["detail"])

throttle = {
    "name": "merge-python-smoke-throttle",
    "rules": [{
        "vendor": "merge", "operation": "engagements.list",
        "match": {"header": {"X-Account-Token": ACCOUNT}},
        "when": {"times": 3},
        "respond": {"error": "rate_limited", "retry_after": 1},
    }],
}
check("the throttling scenario loads", admin("POST", "/scenarios", throttle) in (200, 201))
try:
    crm.engagements.list()
    check("429 surfaces after the SDK's retries", False)
except ApiError as e:
    check("429 surfaces as ApiError with Retry-After after 2 retries", e.status_code == 429 and e.headers.get("retry-after") == "1")
check("the next call goes through", crm.engagements.list().results is not None)
admin("DELETE", "/scenarios/merge-python-smoke-throttle")

revoked = {"name": "merge-python-smoke-revoked", "auth": {"revoked": [ACCOUNT]}}
check("the revoked-credential scenario loads", admin("POST", "/scenarios", revoked) in (200, 201))
try:
    crm.engagements.list()
    check("a revoked account token is refused", False)
except ApiError as e:
    check("a revoked account token raises ApiError 401 'Invalid token.'", e.status_code == 401 and e.body == {"detail": "Invalid token."})
admin("DELETE", "/scenarios/merge-python-smoke-revoked")
check("after unloading, the account token works again", crm.engagements.list().results is not None)

print("all Merge Python SDK checks passed")
