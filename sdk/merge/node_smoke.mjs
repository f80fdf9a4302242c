// Drives the simulator's Merge CRM engagements with Merge's official Node SDK
// (@mergeapi/merge-node-client), as a user would: create, retrieve, list following cursors
// (the SDK's own page iterator), patch, write metadata, reference records, errors, 401, and through
// scenarios loaded over the admin API a throttled 429 and a forbidden 403.
//
//   SIM_URL=http://127.0.0.1:4010 SDK_DIR=/path/holding/node_modules node sdk/merge/node_smoke.mjs
//
// SDK_DIR is where node_modules lives (default: resolved from this file). Prints one line per
// check and exits non-zero on the first failure.

import { createRequire } from "node:module";
import { randomUUID } from "node:crypto";

const require = createRequire(process.env.SDK_DIR ? `${process.env.SDK_DIR.replace(/\/$/, "")}/` : import.meta.url);
const { MergeClient, MergeError } = require("@mergeapi/merge-node-client");

const SIM_URL = (process.env.SIM_URL ?? "http://127.0.0.1:4010").replace(/\/$/, "");
const baseUrl = `${SIM_URL}/merge/api`;
const accountToken = `node-smoke-${randomUUID()}`;

function check(label, condition, detail = "") {
  if (!condition) {
    console.log(`FAIL ${label} ${detail}`);
    process.exit(1);
  }
  console.log(`ok   ${label}`);
}

async function refused(label, call, expect) {
  try {
    await call();
  } catch (e) {
    check(label, e instanceof MergeError && expect(e), `${e?.statusCode} ${JSON.stringify(e?.body)}`);
    return;
  }
  check(label, false, "no error was raised");
}

const merge = new MergeClient({ baseUrl, apiKey: "sk-smoke", accountToken });
const crm = merge.crm;

const types = (await crm.engagementTypes.list()).data;
check("engagementTypes.list parses", types.length === 3 && types[0].activityType === "CALL");
const users = (await crm.users.list({ pageSize: 2 })).data;
check("users.list parses", users.length === 2 && typeof users[0].email === "string");

const created = await crm.engagements.create({
  isDebugMode: true,
  model: {
    subject: "Q3 renewal review call",
    content: "Review renewal terms",
    direction: "OUTBOUND",
    engagementType: types[0].id,
    owner: users[0].id,
    contacts: [],
    startTime: new Date("2024-05-15T14:00:00Z"),
    endTime: new Date("2024-05-15T14:45:00Z"),
  },
});
check("engagements.create parses into EngagementResponse", typeof created.model.id === "string");
check("create answers no warnings or errors", created.warnings.length === 0 && created.errors.length === 0);
check("debug mode fills logs", created.logs?.[0]?.logSummary?.statusCode === 201);
const id = created.model.id;

const one = await crm.engagements.retrieve(id, { expand: ["owner", "engagement_type"] });
check("engagements.retrieve parses", one.id === id && one.subject === "Q3 renewal review call");
check("expand nests the owner", one.owner?.id === users[0].id);
check("dates parse as Date", one.createdAt instanceof Date && one.startTime?.getUTCFullYear() === 2024);

for (let i = 0; i < 6; i++) {
  await crm.engagements.create({ model: { engagementType: types[1].id, subject: `page ${i}` } });
}
const seen = [];
const pager = await crm.engagements.list({ pageSize: 3 });
for await (const e of pager) seen.push(e.id);
check("list follows cursors without gap or duplicate", seen.length === 7 && new Set(seen).size === 7);

const patched = await crm.engagements.partialUpdate(id, { model: { subject: "Renamed" } });
check("partialUpdate changes only the given field", patched.model.subject === "Renamed" && patched.model.content === "Review renewal terms");

// A fresh account requires nothing (Merge's create page: {"model": {}} is a 201); the admin API
// makes this one require engagement_type, which meta/post then declares.
check("an empty model is created", (await crm.engagements.create({ model: {} })).model.id !== undefined);
const required = await fetch(`${SIM_URL}/__admin/merge/required-fields?tenant=${accountToken}`, {
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ post: ["engagement_type"] }),
});
check("the account is made to require engagement_type", required.status === 200);
const meta = await crm.engagements.metaPostRetrieve();
check("meta/post declares engagement_type required", JSON.stringify(meta.requestSchema.properties.model.required) === '["engagement_type"]');
check("meta/patch parses", (await crm.engagements.metaPatchRetrieve(id)).hasConditionalParams === false);
const classes = (await crm.engagements.remoteFieldClassesList({ isCustom: true })).data;
check("remote field classes parse", classes.length > 0 && classes.every((c) => c.isCustom));

await refused(
  "missing required field raises MergeError 400 MISSING_REQUIRED_FIELD",
  () => crm.engagements.create({ model: { subject: "no type" } }),
  (e) => e.statusCode === 400 && e.body.errors[0].problem_type === "MISSING_REQUIRED_FIELD",
);
await refused(
  "unknown id raises MergeError 404",
  () => crm.engagements.retrieve(randomUUID()),
  (e) => e.statusCode === 404 && e.body.detail === "Not found.",
);
const noAccount = new MergeClient({ baseUrl, apiKey: "sk-smoke" });
await refused(
  "missing account token raises MergeError 401 with Merge's detail",
  () => noAccount.crm.engagements.list(),
  (e) => e.statusCode === 401 && e.body.detail.includes("X-Account-Token"),
);

const scenario = {
  name: "merge-node-smoke-throttle",
  rules: [{
    vendor: "merge", operation: "engagements.retrieve",
    match: { header: { "X-Account-Token": accountToken } },
    when: { times: 3 },
    respond: { error: "rate_limited", retry_after: 1 },
  }],
};
const loaded = await fetch(`${SIM_URL}/__admin/scenarios`, {
  method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(scenario),
});
check("the throttling scenario loads", loaded.ok);
await refused(
  "429 surfaces as MergeError after the SDK's retries",
  () => crm.engagements.retrieve(id),
  (e) => e.statusCode === 429,
);
check("the next call goes through", (await crm.engagements.retrieve(id)).id === id);
await fetch(`${SIM_URL}/__admin/scenarios/${scenario.name}`, { method: "DELETE" });

const forbidden = { name: "merge-node-smoke-forbidden", auth: { forbidden: [accountToken] } };
const loadedForbidden = await fetch(`${SIM_URL}/__admin/scenarios`, {
  method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(forbidden),
});
check("the forbidden-credential scenario loads", loadedForbidden.ok);
await refused(
  "a forbidden account token raises MergeError 403 with DRF's detail",
  () => crm.engagements.list(),
  (e) => e.statusCode === 403 && e.body.detail === "You do not have permission to perform this action.",
);
await fetch(`${SIM_URL}/__admin/scenarios/${forbidden.name}`, { method: "DELETE" });
check("after unloading, the account token works again", (await crm.engagements.retrieve(id)).id === id);

console.log("all Merge Node SDK checks passed");
