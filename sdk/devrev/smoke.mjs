// DevRev's official TypeScript SDK (@devrev/typescript-sdk, beta client) against the simulator:
// create, get, list with paging (GET form, arrays as the SDK serialises them), update, count,
// and DevRev's error types as the SDK surfaces them. SIM_URL is the simulator's base URL.
import assert from "node:assert/strict";
import { client } from "@devrev/typescript-sdk";

const base = process.env.SIM_URL ?? "http://127.0.0.1:4010";
const token = `sdk-devrev-${process.pid}-${Date.now()}`;
const devrev = client.setupBeta({ endpoint: `${base}/devrev`, token });

const check = async (what, fn) => {
  try {
    await fn();
    console.log(`ok   devrev ts-sdk: ${what}`);
  } catch (e) {
    console.error(`FAIL devrev ts-sdk: ${what}: ${e?.stack ?? e}`);
    process.exitCode = 1;
  }
};

const errorOf = async (promise) => {
  try {
    await promise;
  } catch (e) {
    return e.response;
  }
  throw new Error("expected an error");
};

let created;
await check("create answers 201 with the engagement", async () => {
  const res = await devrev.engagementsCreate({
    title: "QBR", members: ["DEVU-1"], scheduled_date: "2026-12-01T15:00:00Z",
    engagement_type: "call", parents: ["ACC-1"], artifacts: ["ARTIFACT-1"],
  });
  assert.equal(res.status, 201);
  created = res.data.engagement;
  assert.match(created.id, /^don:core:dvrv-us-1:devo\/0:engagement\/\d+$/);
  assert.equal(created.title, "QBR");
});

await check("get by display id (GET form)", async () => {
  const res = await devrev.engagementsGet({ id: created.display_id });
  assert.deepEqual(res.data.engagement, created);
});

await check("list pages through cursors", async () => {
  for (let i = 0; i < 4; i++) {
    await devrev.engagementsCreate({ title: `E${i}`, members: ["DEVU-2"], scheduled_date: "2026-12-02T15:00:00Z" });
  }
  const seen = [];
  let cursor;
  do {
    const res = await devrev.engagementsList({ limit: 2, cursor, members: ["DEVU-1", "DEVU-2"] });
    seen.push(...res.data.engagements.map((e) => e.title));
    cursor = res.data.next_cursor;
  } while (cursor);
  assert.deepEqual(seen, ["QBR", "E0", "E1", "E2", "E3"]);
});

await check("update through {set: [...]}", async () => {
  const res = await devrev.engagementsUpdate({ id: created.id, title: "QBR v2", members: { set: ["DEVU-9"] } });
  assert.equal(res.data.engagement.title, "QBR v2");
  assert.deepEqual(res.data.engagement.members, ["don:identity:dvrv-us-1:devo/0:devu/9"]);
});

await check("count with a filter array", async () => {
  const res = await devrev.engagementsCount({ members: ["DEVU-2"] });
  assert.equal(res.data.count, 4);
});

await check("artifact_already_attached_to_a_parent surfaces unchanged", async () => {
  const err = await errorOf(devrev.engagementsCreate({ title: "x", members: ["DEVU-1"], scheduled_date: "2026-12-01T15:00:00Z", artifacts: ["ARTIFACT-1"] }));
  assert.equal(err.status, 400);
  assert.equal(err.data.type, "artifact_already_attached_to_a_parent");
  assert.equal(err.data.existing_parent, created.id);
});

await check("missing_required_field names the field", async () => {
  const err = await errorOf(devrev.engagementsCreate({ members: ["DEVU-1"], scheduled_date: "2026-12-01T15:00:00Z" }));
  assert.equal(err.status, 400);
  assert.equal(err.data.type, "missing_required_field");
  assert.equal(err.data.field_name, "title");
});

await check("not_found for an unknown engagement", async () => {
  const err = await errorOf(devrev.engagementsGet({ id: "ENG-999999" }));
  assert.equal(err.status, 404);
  assert.equal(err.data.type, "not_found");
});

await check("a scripted 429 carries Retry-After the SDK can read", async () => {
  const doc = { name: `sdk-devrev-${process.pid}`, rules: [{ vendor: "devrev", operation: "engagements.count", tenant: token, when: { times: 1 }, respond: { error: "too_many_requests", retry_after: 3 } }] };
  const load = await fetch(`${base}/__admin/scenarios`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(doc) });
  assert.equal(load.status, 201);
  const err = await errorOf(devrev.engagementsCount({}));
  assert.equal(err.status, 429);
  assert.equal(err.headers["retry-after"], "3");
  assert.equal(err.data.retry_after, 3);
  await fetch(`${base}/__admin/scenarios/${doc.name}`, { method: "DELETE" });
});
