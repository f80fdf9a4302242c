"""Drives the simulator's Merge CRM engagements with MergePythonSDK 2.x, Merge's older
(deprecated in 2023, still installed) OpenAPI-generator client, as an existing integration would:
account-details, a create from the SDK's own EngagementRequest() (every unset field sent as null),
a create with fields and with remote fields (read back with their expanded classes), a patch, write metadata, and the SDK's typed exception on a 404.
It is pointed at the simulator only by host (base URL) and the two credentials.

    SIM_URL=http://127.0.0.1:4010 python sdk/merge/python_sdk2_smoke.py

Prints one line per check and exits non-zero on the first failure.
"""

import json
import os
import sys
import uuid
from datetime import datetime, timezone

from MergePythonSDK.shared import ApiClient, Configuration
from MergePythonSDK.shared.exceptions import NotFoundException
from MergePythonSDK.crm.api.account_details_api import AccountDetailsApi
from MergePythonSDK.crm.api.engagements_api import EngagementsApi
from MergePythonSDK.crm.model.engagement_endpoint_request import EngagementEndpointRequest
from MergePythonSDK.crm.model.engagement_request import EngagementRequest
from MergePythonSDK.crm.model.patched_engagement_endpoint_request import (
    PatchedEngagementEndpointRequest,
)
from MergePythonSDK.crm.model.patched_engagement_request import PatchedEngagementRequest
from MergePythonSDK.crm.model.remote_field_request import RemoteFieldRequest

SIM_URL = os.environ.get("SIM_URL", "http://127.0.0.1:4010").rstrip("/")


def check(label, condition, detail=""):
    if not condition:
        print(f"FAIL {label} {detail}")
        sys.exit(1)
    print(f"ok   {label}")


config = Configuration(host=f"{SIM_URL}/merge/api")
config.access_token = "sk-sdk2-smoke"
config.api_key["accountTokenAuth"] = f"sdk2-smoke-{uuid.uuid4()}"

with ApiClient(config) as client:
    details = AccountDetailsApi(client).account_details_retrieve()
    check("account-details parses", details.id is not None and details.category == "crm", str(details))

    engagements = EngagementsApi(client)

    # What the SDK itself sends for an empty model: every field null (contacts as []).
    empty = EngagementRequest()
    sent = json.dumps(client.sanitize_for_serialization(EngagementEndpointRequest(model=empty)))
    check("the SDK sends unset fields as null", '"remote_fields": null' in sent and '"owner": null' in sent, sent)
    created = engagements.engagements_create(EngagementEndpointRequest(model=empty))
    check("a create from the null-filled model parses", created.model.id is not None)
    check("it answers no errors", created.errors == [], str(created.errors))
    eid = created.model.id

    full = engagements.engagements_create(
        EngagementEndpointRequest(
            model=EngagementRequest(
                subject="Q3 renewal review call",
                content="Review renewal terms",
                direction="OUTBOUND",
                start_time=datetime(2024, 5, 15, 14, 0, tzinfo=timezone.utc),
                contacts=[],
            )
        )
    )
    check("a create with fields parses", full.model.subject == "Q3 renewal review call")

    back = engagements.engagements_retrieve(eid)
    check("retrieve reads the empty engagement back", back.id == eid and back.subject is None)
    back = engagements.engagements_retrieve(full.model.id)
    check("retrieve reads the fields back",
          back.subject == "Q3 renewal review call" and back.direction == "OUTBOUND"
          and back.start_time.year == 2024)

    patched = engagements.engagements_partial_update(
        full.model.id,
        PatchedEngagementEndpointRequest(model=PatchedEngagementRequest(subject="Renamed")),
    )
    check("a null-filled patch changes the named field and keeps the rest",
          patched.model.subject == "Renamed" and patched.model.content == "Review renewal terms",
          str(patched.model))

    classes = engagements.engagements_remote_field_classes_list().results
    check("remote field classes parse (field_choices as strings)",
          classes and all(isinstance(c, str) for c in classes[0].field_choices))
    with_fields = engagements.engagements_create(
        EngagementEndpointRequest(
            model=EngagementRequest(
                remote_fields=[RemoteFieldRequest(remote_field_class=classes[0].id, value={"outcome": "connected"})],
            )
        )
    )
    # The 2.x models keep read-only fields (remote_fields among them) as the raw JSON they got.
    def attr(obj, name):
        return obj[name] if isinstance(obj, dict) else getattr(obj, name)

    field = with_fields.model.remote_fields[0]
    rfc = attr(field, "remote_field_class")
    check("remote_field_class comes back as the RemoteFieldClass object, not an id",
          not isinstance(rfc, str) and attr(rfc, "id") == classes[0].id
          and attr(field, "value") == {"outcome": "connected"}, str(field))
    read = engagements.engagements_retrieve(with_fields.model.id, include_remote_fields=True)
    rfc = attr(read.remote_fields[0], "remote_field_class")
    check("include_remote_fields reads the expanded class back",
          attr(rfc, "display_name") == classes[0].display_name, str(read.remote_fields))

    page = engagements.engagements_list(page_size=10)
    check("list parses", len(page.results) == 3)

    meta = engagements.engagements_meta_post_retrieve()
    check("meta/post requires nothing by default", meta.request_schema["properties"]["model"]["required"] == [])

    try:
        engagements.engagements_retrieve(str(uuid.uuid4()))
        check("an unknown id is refused", False)
    except NotFoundException as e:
        check("an unknown id raises NotFoundException", e.status == 404)

print("all MergePythonSDK 2.x checks passed")
