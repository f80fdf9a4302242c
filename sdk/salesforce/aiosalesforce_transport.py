"""aiosalesforce 0.6.2 (third-party, async) against the simulator.

aiosalesforce only accepts https://<name>.my.salesforce.com as base_url, but sends every request
through the httpx client it is given. A transport that rewrites each request's URL onto the
simulator (scheme, host, port, and the /salesforce prefix) is the smallest override: no TLS is
needed, because the rewritten request is plain HTTP. The Host header stays the Salesforce name;
the simulator does not route on it. Auth: ClientCredentialsFlow (the OAuth client-credentials
grant) and SoapLogin (the SOAP login call)."""

import asyncio
import os
import sys
import uuid

import httpx
from aiosalesforce import Salesforce
from aiosalesforce.auth import ClientCredentialsFlow, SoapLogin

SIM = os.environ.get("SIM_URL", "http://127.0.0.1:4010").rstrip("/")


def check(what, ok):
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok:
        sys.exit(1)


class ToSimulator(httpx.AsyncBaseTransport):
    """Sends https://<org>.my.salesforce.com/<path> to SIM/salesforce/<path>."""

    def __init__(self, sim):
        self.sim = httpx.URL(sim)
        self.inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request):
        request.url = request.url.copy_with(
            scheme=self.sim.scheme,
            host=self.sim.host,
            port=self.sim.port,
            path=self.sim.path.rstrip("/") + request.url.path,
        )
        return await self.inner.handle_async_request(request)

    async def aclose(self):
        await self.inner.aclose()


async def main():
    async with httpx.AsyncClient(transport=ToSimulator(f"{SIM}/salesforce")) as http:
        sf = Salesforce(
            httpx_client=http,
            base_url="https://sim.my.salesforce.com",
            auth=ClientCredentialsFlow(client_id=f"aio-{uuid.uuid4()}", client_secret="secret"),
            version="63.0",
        )
        made = await sf.sobject.create(
            "EngagementInteraction",
            {"CommunicationChannel": "Email", "StartDateTime": "2026-04-01T08:00:00.000Z",
             "AttendeeVerified": False},
        )
        check(f"sobject.create ({made})", isinstance(made, str) and len(made) == 18)
        rec = await sf.sobject.get("EngagementInteraction", made)
        check("sobject.get reads it", rec["CommunicationChannel"] == "Email")
        await sf.sobject.update("EngagementInteraction", made, {"Status": "Open"})
        rows = [r async for r in sf.query(f"SELECT Id, Status FROM EngagementInteraction WHERE Id = '{made}'")]
        check("query sees the update", len(rows) == 1 and rows[0]["Status"] == "Open")
        limits = await sf.get_limits()
        check("get_limits", limits["DailyApiRequests"]["Max"] == 15000)
        await sf.sobject.delete("EngagementInteraction", made)
        rows = [r async for r in sf.query(f"SELECT Id FROM EngagementInteraction WHERE Id = '{made}'", include_all_records=True)]
        check("queryAll still sees the deleted record", len(rows) == 1)

        user = f"aio-{uuid.uuid4()}@example.com"
        soap = Salesforce(
            httpx_client=http,
            base_url="https://sim.my.salesforce.com",
            auth=SoapLogin(username=user, password="pw", security_token="tok"),
            version="63.0",
        )
        made = await soap.sobject.create("EngagementInteraction", {"CommunicationChannel": "Chat"})
        check("SoapLogin session creates", len(made) == 18)
    print("aiosalesforce: all checks passed")


asyncio.run(main())
