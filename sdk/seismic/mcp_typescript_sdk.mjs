// Seismic MCP server, driven by the official TypeScript SDK (@modelcontextprotocol/sdk) over
// streamable HTTP with a bearer token: lists tools and templates, creates a room, adds content,
// gets a tool error for an unknown template and an HTTP 401 without a token, then reads the room
// over REST. Reads SIM_URL (default http://127.0.0.1:4010); exits non-zero on the first failure.
// Run with NODE_PATH pointing at the node_modules that holds the SDK.

import { createRequire } from "node:module";
import { randomUUID } from "node:crypto";
import path from "node:path";

const require = createRequire(path.join(process.env.NODE_PATH ?? process.cwd(), "noop.js"));
const { Client } = require("@modelcontextprotocol/sdk/client/index.js");
const { StreamableHTTPClientTransport } = require("@modelcontextprotocol/sdk/client/streamableHttp.js");

const base = (process.env.SIM_URL ?? "http://127.0.0.1:4010").replace(/\/$/, "");
const token = `sdk-ts-mcp-${randomUUID()}`;
const auth = { Authorization: `Bearer ${token}` };

function check(ok, what) {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) process.exit(1);
}

const endpoint = new URL(`${base}/seismic/mcp/v1`);
const client = new Client({ name: "engagement-sim-smoke", version: "1.0.0" });
await client.connect(new StreamableHTTPClientTransport(endpoint, { requestInit: { headers: auth } }));
check(client.getServerVersion()?.name === "seismic-mcp", `initialize: ${JSON.stringify(client.getServerVersion())}`);

const { tools } = await client.listTools();
check(tools.some((t) => t.name === "create_dsr_engagement"), `tools/list: ${tools.map((t) => t.name).join(", ")}`);

const listed = await client.callTool({ name: "list_dsr_templates", arguments: {} });
const templates = listed.structuredContent.items;
check(!listed.isError && templates.length > 0, `list_dsr_templates: ${templates.length} templates`);

const created = await client.callTool({
  name: "create_dsr_engagement",
  arguments: { templateId: templates[0].templateId, name: "TypeScript SDK room" },
});
const dsrId = created.structuredContent?.dsrId;
check(!created.isError && dsrId, `create_dsr_engagement: dsrId ${dsrId}`);

const state = await (await fetch(`${base}/__admin/state?vendor=seismic&tenant=${token}`)).json();
const content = Object.values(state.seismic)[0].contentVersions.find((c) => c.type !== "Page");
const added = await client.callTool({
  name: "add_content_to_dsr",
  arguments: { dsrId, contentVersionId: content.contentVersionId },
});
check(!added.isError && added.structuredContent.id, `add_content_to_dsr: item ${added.structuredContent.id}`);

const bad = await client.callTool({ name: "create_dsr_engagement", arguments: { templateId: "no-such-template" } });
check(bad.isError === true, `unknown template is a tool error: ${bad.content[0].text}`);
await client.close();

const anonymous = new Client({ name: "engagement-sim-smoke", version: "1.0.0" });
let status = null;
try {
  await anonymous.connect(new StreamableHTTPClientTransport(endpoint));
} catch (e) {
  status = e.code ?? String(e);
}
check(status !== null, `no token: connection refused (${status})`);

const res = await fetch(`${base}/seismic/dsr/v1/dsrs/${dsrId}`, { headers: auth });
const room = await res.json();
check(res.status === 200 && room.name === "TypeScript SDK room", `REST GET /dsr/v1/dsrs/${dsrId}: ${res.status}`);
check(room.contents.some((c) => c.contentVersionId === content.contentVersionId), "content added over MCP is in the REST room");
console.log("all Seismic MCP checks passed");
