"""simple-salesforce over HTTPS with only its documented `instance` and `session_id` arguments:
no attribute patched. sdk/run.sh starts a second simulator with `--tls --vendor-listen
salesforce=127.0.0.1:PORT`, passes `127.0.0.1:PORT` as SF_INSTANCE and trusts the simulator's CA
through REQUESTS_CA_BUNDLE, which requests reads from the environment. Prints each check; exits
non-zero on the first failure."""

import os
import sys
import uuid

from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceResourceNotFound

INSTANCE = os.environ["SF_INSTANCE"]
PATH = "connect/service-excellence/engagement-interactions"


def check(what, ok):
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok:
        sys.exit(1)


def main():
    sf = Salesforce(instance=INSTANCE, session_id=f"sf-tls-{uuid.uuid4()}", version="63.0")
    check(f"base URL is the library's own https:// one ({sf.base_url})",
          sf.base_url == f"https://{INSTANCE}/services/data/v63.0/")
    body = {"engagementInteraction": {"attendeeVerified": True, "communicationChannel": "Voice Call",
                                      "startDateTime": "2026-01-05T10:00:00.000Z",
                                      "engagementTopics": [{"name": "Billing question"}]}}
    created = sf.restful(PATH, method="POST", json=body)
    iid = created["engagementInteraction"]["id"]
    check(f"create over HTTPS returns an 18-char id ({iid})", len(iid) == 18)
    # SFType builds its own https:// URL from the instance: unpatched, it reaches us.
    record = sf.EngagementInteraction.get(iid)
    check("sObject read-back carries attributes.type", record["attributes"]["type"] == "EngagementInteraction")
    for _ in range(205):
        sf.restful(PATH, method="POST", json=body)
    # query_all follows nextRecordsUrl against https://INSTANCE, which is us.
    everything = sf.query_all("SELECT Id FROM EngagementInteraction")
    ids = [r["Id"] for r in everything["records"]]
    check(f"query_all pages {len(ids)} records without gap or duplicate",
          len(ids) == 206 and len(set(ids)) == 206)
    try:
        sf.EngagementInteraction.get("0eIxx0000000001AAA")
        check("a missing record raises", False)
    except SalesforceResourceNotFound:
        check("a missing record raises SalesforceResourceNotFound", True)
    print("simple-salesforce over TLS: all checks passed")


if __name__ == "__main__":
    main()
