"""Seismic MCP server, driven by fastmcp's Python client (a third-party client many agents use)
over streamable HTTP with a bearer header, pointed at the simulator only by URL and token.

Lists the tools, lists templates, creates a room from the first one, checks that an unknown
template comes back as a tool error (raised as fastmcp's ToolError by default), then reads the new
room over Seismic's REST API. Reads the simulator's base URL from SIM_URL (default
http://127.0.0.1:4010); prints each check; exits non-zero on the first failure.
"""

import asyncio
import json
import os
import sys
import urllib.request
import uuid

from fastmcp import Client
from fastmcp.client.transports import StreamableHttpTransport
from fastmcp.exceptions import ToolError

BASE = os.environ.get("SIM_URL", "http://127.0.0.1:4010").rstrip("/")
TOKEN = f"sdk-fastmcp-{uuid.uuid4()}"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        sys.exit(1)


def rest_get(path):
    req = urllib.request.Request(BASE + path, headers=dict(AUTH))
    with urllib.request.urlopen(req) as res:
        return res.status, json.loads(res.read())


async def main():
    transport = StreamableHttpTransport(f"{BASE}/seismic/mcp/v1", headers=AUTH)
    async with Client(transport) as client:
        tools = await client.list_tools()
        names = {t.name for t in tools}
        check({"list_dsr_templates", "create_dsr_engagement"} <= names, f"list_tools: {sorted(names)}")

        listed = await client.call_tool("list_dsr_templates", {})
        templates = (listed.structured_content or {}).get("items", [])
        check(not listed.is_error and len(templates) > 0
              and listed.structured_content["totalCount"] == len(templates),
              f"list_dsr_templates: {len(templates)} templates")

        created = await client.call_tool("create_dsr_engagement", {
            "templateId": templates[0]["templateId"],
            "name": "fastmcp room",
            "contexts": [{"contextId": "00646000009eMGL", "contextName": "Edge Communications",
                          "contextType": "Opportunity", "systemId": "00566547531rXYZ",
                          "systemType": "Salesforce"}],
        })
        dsr_id = (created.structured_content or {}).get("dsrId")
        check(not created.is_error and dsr_id, f"create_dsr_engagement: dsrId {dsr_id}")

        try:
            await client.call_tool("create_dsr_engagement", {"templateId": "no-such-template"})
            check(False, "an unknown template raises ToolError")
        except ToolError as e:
            check("no-such-template" in str(e), f"an unknown template raises ToolError: {e}")

    status, room = rest_get(f"/seismic/dsr/v1/dsrs/{dsr_id}")
    check(status == 200 and room.get("name") == "fastmcp room", f"REST reads the room: {status} {room.get('name')}")


asyncio.run(main())
