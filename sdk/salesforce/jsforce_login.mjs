// jsforce's own login, both ways, then use of the session it returns:
//  - conn.login(username, password) without oauth2 options is the SOAP partner `login` call. jsforce
//    keeps only scheme://host:port of the answer's serverUrl, so Salesforce must be served at the
//    root of a port: sdk/run.sh starts the simulator with `--vendor-listen salesforce=...` and
//    passes that origin as SIM_SALESFORCE_URL.
//  - with oauth2 {clientId, clientSecret} the same call is the OAuth password grant, whose
//    instance_url keeps its path, so the usual ${SIM_URL}/salesforce prefix works.
// A username is always the same org: a second login sees the first one's records.

import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';

const SIM = (process.env.SIM_URL ?? 'http://127.0.0.1:4010').replace(/\/$/, '');
const ROOT = (process.env.SIM_SALESFORCE_URL ?? '').replace(/\/$/, '');
const VERSION = '58.0';

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

const jsforce = await loadJsforce();
check('SIM_SALESFORCE_URL names the Salesforce port (sdk/run.sh sets it)', ROOT.startsWith('http'));
const username = `jsforce-${randomUUID()}@example.com`;

// SOAP login.
const conn = new jsforce.Connection({ loginUrl: ROOT, version: VERSION });
const info = await conn.login(username, 'password' + 'SECURITYTOKEN');
check(`SOAP login: instanceUrl is the Salesforce port (${conn.instanceUrl})`, conn.instanceUrl === ROOT);
check('SOAP login: user and org ids', info.id.startsWith('005') && info.organizationId.startsWith('00D'));
check('SOAP login: session id set', conn.accessToken?.startsWith(info.organizationId.slice(0, 15)));

const created = await conn.sobject('EngagementInteraction').create({
  CommunicationChannel: 'Video Call', StartDateTime: '2026-02-01T09:00:00.000Z', AttendeeVerified: false,
});
check(`sObject create through the session (${created.id})`, created.success && created.id.length === 18);
await conn.sobject('EngagementAttendee').create({
  EngagementId: created.id, InternalAttendeeId: info.id, StartDateTime: '2026-02-01T09:00:00.000Z',
});
const viaConnect = await conn.request(
  `/services/data/v${VERSION}/connect/service-excellence/engagement-interactions/${created.id}`);
check('Connect reads the sObject-created record with its attendee',
  viaConnect.engagementInteraction.communicationChannel === 'Video Call'
    && viaConnect.engagementInteraction.engagementAttendees.length === 1);

// Logging in again (SOAP) is the same org.
const again = new jsforce.Connection({ loginUrl: ROOT, version: VERSION });
await again.login(username, 'another password');
check('a second login issues the same session', again.accessToken === conn.accessToken);
const record = await again.sobject('EngagementInteraction').retrieve(created.id);
check('the second login reads the first one\'s record', record.CommunicationChannel === 'Video Call');

// OAuth password grant through jsforce (instance_url keeps the /salesforce prefix).
const oauth = new jsforce.Connection({
  oauth2: { loginUrl: `${SIM}/salesforce`, clientId: 'sim-client', clientSecret: 'sim-secret' },
  version: VERSION,
});
const oinfo = await oauth.login(username, 'password');
check(`OAuth login: instanceUrl (${oauth.instanceUrl})`, oauth.instanceUrl === `${SIM}/salesforce`);
check('OAuth login: same org and session as SOAP',
  oinfo.organizationId === info.organizationId && oauth.accessToken === conn.accessToken);
const q = await oauth.query(`SELECT Id FROM EngagementInteraction WHERE Id = '${created.id}'`);
check('OAuth session queries the same record', q.totalSize === 1);

// A refused login (rehearsed with a scenario: passwords are not checked) is a SOAP fault jsforce
// reports with its faultstring.
const refuse = { name: 'sf-login-refused', rules: [{ vendor: 'salesforce', operation: 'soap.login',
  respond: { error: 'INVALID_LOGIN' } }] };
const loaded = await fetch(`${SIM}/__admin/scenarios`, {
  method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(refuse) });
check(`scenario loads (${loaded.status})`, loaded.status === 201);
try {
  await new jsforce.Connection({ loginUrl: ROOT, version: VERSION }).login(username, 'wrong');
  check('scripted INVALID_LOGIN refused the login', false);
} catch (e) {
  check(`scripted INVALID_LOGIN refused the login: ${e.message}`, /INVALID_LOGIN/.test(e.message));
} finally {
  await fetch(`${SIM}/__admin/scenarios/sf-login-refused`, { method: 'DELETE' });
}
console.log('jsforce login: all checks passed');
