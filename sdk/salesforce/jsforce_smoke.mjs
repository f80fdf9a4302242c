// Drives the simulator's Salesforce vendor with jsforce, unpatched: `instanceUrl` keeps a path, so
// it points straight at `${SIM_URL}/salesforce`. Prints each check; exits non-zero on a failure.
// jsforce is imported from the usual resolution, or from SDK_NODE_MODULES (default /tmp/sdk/node_modules).

import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';

const SIM = (process.env.SIM_URL ?? 'http://127.0.0.1:4010').replace(/\/$/, '');
const VERSION = '63.0';
const PATH = '/connect/service-excellence/engagement-interactions';

async function loadJsforce() {
  try {
    return (await import('jsforce')).default;
  } catch {
    const base = process.env.SDK_NODE_MODULES ?? '/tmp/sdk/node_modules';
    return createRequire(`${base}/`)('jsforce');
  }
}

function check(what, ok) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) process.exit(1);
}

async function expectError(what, code, fn) {
  try {
    await fn();
  } catch (e) {
    check(`${what}: ${e.name} (${e.errorCode})`, e.errorCode === code && e.name === code);
    return;
  }
  check(`${what}: expected ${code}, got success`, false);
}

const jsforce = await loadJsforce();
const token = `sf-jsforce-${randomUUID()}`;
const connect = (accessToken, version = VERSION) =>
  new jsforce.Connection({ instanceUrl: `${SIM}/salesforce`, accessToken, version });
const conn = connect(token);

const body = {
  engagementInteraction: {
    attendeeVerified: true,
    communicationChannel: 'Video Call',
    startDateTime: '2026-02-01T09:00:00.000Z',
    engagementAttendees: [
      { startDateTime: '2026-02-01T09:00:00.000Z', isVerified: true, isAuthenticated: true,
        internalAttendeeId: '005xx000001SvogAAC', role: 'Agent' },
      { startDateTime: '2026-02-01T09:00:00.000Z', isVerified: false, isAuthenticated: false,
        externalAttendeeId: '003xx000004TmiQAAS' },
    ],
    engagementTopics: [{ name: 'Renewal' }, { name: 'Pricing' }],
  },
};

const created = await conn.requestPost(PATH, body);
const id = created.engagementInteraction.id;
check(`create returns an 18-char id (${id})`, id.length === 18);
check('create returns ids for two attendees and two topics',
  created.engagementInteraction.engagementAttendees.length === 2
    && created.engagementInteraction.engagementTopics.length === 2);
check('Sforce-Limit-Info parsed into conn.limitInfo', conn.limitInfo?.apiUsage?.used >= 1);

const fetched = await conn.request(`${PATH}/${id}`);
check('fetch returns both topics in order',
  fetched.engagementInteraction.engagementTopics.map((t) => t.name).join() === 'Renewal,Pricing');

const record = await conn.sobject('EngagementInteraction').retrieve(id);
check('sobject retrieve carries attributes.type', record.attributes.type === 'EngagementInteraction');

const topics = await conn.query(`SELECT Id, Name FROM EngagementTopic WHERE EngagementId = '${id}' ORDER BY Name`);
check('SOQL returns the two topics sorted', topics.totalSize === 2 && topics.records[0].Name === 'Pricing');

const pager = connect(`sf-jsforce-pages-${randomUUID()}`);
const minimal = { engagementInteraction: { attendeeVerified: false, communicationChannel: 'Web Chat',
  startDateTime: '2026-02-01T09:00:00.000Z' } };
for (let i = 0; i < 250; i += 1) await pager.requestPost(PATH, minimal);
const all = await pager.query('SELECT Id FROM EngagementInteraction')
  .run({ autoFetch: true, maxFetch: 1000, headers: { 'Sforce-Query-Options': 'batchSize=200' } });
check('autoFetch follows nextRecordsUrl across two pages',
  all.totalSize === 250 && new Set(all.records.map((r) => r.Id)).size === 250);

await expectError('bad session', 'INVALID_SESSION_ID', () => connect('').request(`${PATH}/${id}`));
await expectError('API version 54.0', 'NOT_FOUND', () => connect(token, '54.0').requestPost(PATH, body));
await expectError('missing required field', 'REQUIRED_FIELD_MISSING',
  () => conn.requestPost(PATH, { engagementInteraction: { attendeeVerified: true } }));

await conn.requestDelete(`${PATH}/${id}`);
await expectError('fetch after delete', 'NOT_FOUND', () => conn.request(`${PATH}/${id}`));

const limit = { name: 'sf-jsforce-limit', rules: [{ vendor: 'salesforce',
  operation: 'engagement_interactions.create', tenant: token, respond: { error: 'rate_limited' } }] };
async function scenario(doc) {
  const res = await fetch(`${SIM}/__admin/scenarios`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(doc) });
  check(`scenario ${doc.name} loads (${res.status})`, res.status === 201);
}
await scenario(limit);
await expectError('scripted rate limit', 'REQUEST_LIMIT_EXCEEDED', () => conn.requestPost(PATH, body));
await fetch(`${SIM}/__admin/scenarios/sf-jsforce-limit`, { method: 'DELETE' });

const [revoked, readOnly] = [`sf-revoked-${randomUUID()}`, `sf-readonly-${randomUUID()}`];
await scenario({ name: 'sf-jsforce-auth', auth: { revoked: [revoked], forbidden: [readOnly] } });
await expectError('revoked session', 'INVALID_SESSION_ID', () => connect(revoked).request(`${PATH}/${id}`));
await expectError('read-only session', 'INSUFFICIENT_ACCESS_OR_READONLY',
  () => connect(readOnly).requestPost(PATH, body));
await fetch(`${SIM}/__admin/scenarios/sf-jsforce-auth`, { method: 'DELETE' });
console.log('jsforce: all checks passed');
