// Seismic MCP server, driven by the MCP Inspector's CLI mode (`mcp-inspector --cli`, the
// installed bin of `npx @modelcontextprotocol/inspector --cli`), over streamable HTTP with a
// bearer header: tools/list, then tools/call of list_dsr_templates and create_dsr_engagement.
// The CLI mode needs no browser and, once installed, no network. Reads SIM_URL (default
// http://127.0.0.1:4010); prints each check; exits non-zero on the first failure.
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const BASE = (process.env.SIM_URL ?? "http://127.0.0.1:4010").replace(/\/$/, "");
const BIN = join(dirname(fileURLToPath(import.meta.url)), "..", "node_modules", ".bin", "mcp-inspector");
const AUTH = `Authorization: Bearer sdk-inspector-${randomUUID()}`;

function check(ok, what) {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) process.exit(1);
}

function inspector(...args) {
  const out = execFileSync(
    BIN,
    ["--cli", `${BASE}/seismic/mcp/v1`, "--transport", "http", "--header", AUTH, ...args],
    { encoding: "utf8", timeout: 60_000 },
  );
  return JSON.parse(out);
}

const { tools } = inspector("--method", "tools/list");
const names = tools.map((t) => t.name);
check(names.includes("list_dsr_templates") && names.includes("create_dsr_engagement"), `tools/list: ${names.join(", ")}`);

const listed = inspector("--method", "tools/call", "--tool-name", "list_dsr_templates");
const items = listed.structuredContent?.items ?? [];
check(!listed.isError && items.length > 0 && listed.structuredContent.totalCount === items.length,
  `tools/call list_dsr_templates: ${items.length} templates`);

const created = inspector("--method", "tools/call", "--tool-name", "create_dsr_engagement",
  "--tool-arg", `templateId=${items[0].templateId}`, "--tool-arg", "name=Inspector room");
const dsrId = created.structuredContent?.dsrId;
check(!created.isError && typeof dsrId === "string" && JSON.parse(created.content[0].text).dsrId === dsrId,
  `tools/call create_dsr_engagement: dsrId ${dsrId}`);
