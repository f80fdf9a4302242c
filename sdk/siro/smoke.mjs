// Smoke test of the simulated Siro External API with Node's built-in fetch (Siro has no SDK).
// Reads the simulator's base URL from SIM_URL, prints each check, exits non-zero on a failure.

import { randomUUID } from "node:crypto";

const base = (process.env.SIM_URL ?? "http://127.0.0.1:4010").replace(/\/$/, "") + "/siro/api-externalApi/v1";
const token = `smoke-node-${randomUUID()}`;

async function call(method, path, body, { auth = true } = {}) {
  const headers = {};
  if (auth) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const res = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null, headers: res.headers };
}

function check(what, ok, detail) {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) {
    console.log("     " + JSON.stringify(detail));
    process.exit(1);
  }
}

const sync = "/integrations/sync/engagements";
const first = await call("PUT", sync, {
  externalId: "node-1",
  contact: { externalId: "c-1", name: "Pat", account: { externalId: "a-1", name: "Acme" } },
  opportunity: { externalId: "o-1", name: "Deal", amount: 100, disposition: "OPEN" },
});
check("sync with a contact and its account answers 200", first.status === 200 && first.json.data.contactId, first.json);

const again = await call("PUT", sync, { externalId: "node-1", opportunity: { externalId: "o-1" } });
check("re-sync keeps the id and the linked opportunity",
  again.json.data.id === first.json.data.id && again.json.data.opportunityId === first.json.data.opportunityId, again.json);

const viaContact = await call("PUT", sync, { externalId: "node-2", account: { externalId: "a-1" } });
check("the contact's account links by externalId alone", viaContact.status === 200 && viaContact.json.data.account.name === "Acme", viaContact.json);

const merged = await call("PUT", sync, { externalId: "node-3", account: { externalId: "a-old", name: "Old", mergedToExternalId: "a-1" } });
check("a merged account resolves to its survivor", merged.json.data.accountId === viaContact.json.data.accountId, merged.json);

const list = await call("GET", "/integrations/engagements?externalId=node-1");
check("list filters by externalId", list.status === 200 && list.json.total === 1 && list.json.data[0].externalId === "node-1", list.json);

const zod = await call("PUT", sync, { externalId: "node-4", opportunity: { externalId: "o-2", disposition: "MAYBE" } });
check("a wrong disposition is a 422 ZodError at opportunity.disposition",
  zod.status === 422 && JSON.stringify(zod.json.issues[0].path) === '["opportunity","disposition"]', zod.json);

const none = await call("GET", "/integrations/engagements", undefined, { auth: false });
check("no token is a 401 {error}", none.status === 401 && typeof none.json.error === "string", none.json);

const del = await call("DELETE", `/integrations/engagements/${first.json.data.id}`);
check("delete by internal id answers true", del.status === 200 && del.json === true, del.json);
const gone = await call("GET", `/integrations/engagements/${first.json.data.id}`);
check("a deleted engagement is a 404 {error}", gone.status === 404 && typeof gone.json.error === "string", gone.json);
console.log("siro node smoke: all checks passed");
