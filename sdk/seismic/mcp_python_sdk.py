"""Seismic MCP server, driven by the official MCP Python SDK (`mcp`) over streamable HTTP.

Lists the tools, lists templates, creates a room from one, adds content to it, gets a tool error
for an unknown template, gets Seismic's 429 as a tool error from a scripted scenario (loaded over
the admin API for this script's token only) and recovers, then reads the same room over REST. Reads the simulator's base URL from
SIM_URL (default http://127.0.0.1:4010); prints each check; exits non-zero on the first failure.
"""

import asyncio
import json
import os
import sys
import urllib.request
import uuid

from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client

BASE = os.environ.get("SIM_URL", "http://127.0.0.1:4010").rstrip("/")
TOKEN = f"sdk-python-mcp-{uuid.uuid4()}"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        sys.exit(1)


def http_json(method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(BASE + path, data=data, method=method, headers=dict(AUTH))
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req) as res:
            return res.status, json.loads(res.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


async def main():
    url = f"{BASE}/seismic/mcp/v1"
    async with create_mcp_http_client(headers=AUTH) as http:
        async with streamable_http_client(url, http_client=http) as (read, write, *_):
            async with ClientSession(read, write) as session:
                init = await session.initialize()
                check(init.server_info.name == "seismic-mcp", f"initialize: server {init.server_info.name}, protocol {init.protocol_version}")

                tools = await session.list_tools()
                names = {t.name for t in tools.tools}
                check({"list_dsr_templates", "create_dsr_engagement", "add_content_to_dsr"} <= names, f"tools/list: {sorted(names)}")

                listed = await session.call_tool("list_dsr_templates", {})
                templates = listed.structured_content["items"]
                check(not listed.is_error and listed.structured_content["totalCount"] == len(templates) > 0,
                      f"list_dsr_templates: {len(templates)} templates")

                created = await session.call_tool("create_dsr_engagement", {
                    "templateId": templates[0]["templateId"],
                    "name": "Python SDK room",
                    "contexts": [{"contextId": "00646000009eMGL", "contextName": "Edge Communications",
                                  "contextType": "Opportunity", "systemId": "00566547531rXYZ", "systemType": "Salesforce"}],
                })
                dsr_id = (created.structured_content or {}).get("dsrId")
                check(not created.is_error and dsr_id, f"create_dsr_engagement: dsrId {dsr_id}")
                check(json.loads(created.content[0].text) == created.structured_content, "the text block carries the same JSON")

                status, state = http_json("GET", f"/__admin/state?vendor=seismic&tenant={TOKEN}")
                tenant_state = next(iter(state["seismic"].values()))
                content = next(c for c in tenant_state["contentVersions"] if c["type"] != "Page")
                added = await session.call_tool("add_content_to_dsr", {"dsrId": dsr_id, "contentVersionId": content["contentVersionId"]})
                check(not added.is_error and added.structured_content.get("id"), f"add_content_to_dsr: item {added.structured_content.get('id')}")

                bad = await session.call_tool("create_dsr_engagement", {"templateId": "no-such-template"})
                check(bad.is_error is True and "no-such-template" in bad.content[0].text, f"unknown template is a tool error: {bad.content[0].text}")

                scenario = f"sdk-python-{TOKEN}"
                status, _ = http_json("POST", "/__admin/scenarios", {"name": scenario, "rules": [{
                    "vendor": "seismic", "operation": "tools.list_dsr_templates", "tenant": TOKEN,
                    "when": {"times": 1}, "respond": {"error": "rate_limit_exceeded", "retry_after": 3}}]})
                check(status == 201, f"scenario loaded: {status}")
                throttled = await session.call_tool("list_dsr_templates", {})
                body = json.loads(throttled.content[0].text)
                check(throttled.is_error is True and body["statusCode"] == 429 and "Try again in 3 seconds" in body["message"]
                      and body.get("clientId") and body.get("tenant"), f"scripted 429 is a tool error: {body}")
                again = await session.call_tool("list_dsr_templates", {})
                check(not again.is_error, "the next call succeeds")
                status, _ = http_json("DELETE", f"/__admin/scenarios/{scenario}")
                check(status in (200, 204), f"scenario unloaded: {status}")

    status, room = http_json("GET", f"/seismic/dsr/v1/dsrs/{dsr_id}")
    check(status == 200 and room["id"] == dsr_id and room["name"] == "Python SDK room", f"REST GET /dsr/v1/dsrs/{dsr_id}: {status}")
    check(any(c.get("contentVersionId") == content["contentVersionId"] for c in room["contents"]),
          "the content added over MCP is in the REST room")
    print("all Seismic MCP checks passed")


asyncio.run(main())
