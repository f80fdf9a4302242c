// nforce 1.13 (third-party, still in use): single mode, pointed at the simulator by its documented
// `loginUri` option only. authenticate() runs the OAuth password grant; every REST call then goes
// to the token answer's instance_url, which points back at ${SIM_URL}/salesforce.

import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';

const SIM = (process.env.SIM_URL ?? 'http://127.0.0.1:4010').replace(/\/$/, '');

async function loadNforce() {
  try {
    return (await import('nforce')).default;
  } catch {
    const base = process.env.SDK_NODE_MODULES ?? '/tmp/sdk/node_modules';
    return createRequire(`${base}/`)('nforce');
  }
}

function check(what, ok) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) process.exit(1);
}

const nforce = await loadNforce();
const org = nforce.createConnection({
  clientId: 'sim-client',
  clientSecret: 'sim-secret',
  redirectUri: 'http://localhost:3000/oauth/_callback',
  loginUri: `${SIM}/salesforce/services/oauth2/token`,
  apiVersion: 'v63.0',
  mode: 'single',
});
const username = `nforce-${randomUUID()}@example.com`;
await org.authenticate({ username, password: 'password', securityToken: 'TOKEN' });
check(`authenticate: instance_url ${org.oauth.instance_url}`, org.oauth.instance_url === `${SIM}/salesforce`);

const interaction = nforce.createSObject('EngagementInteraction', {
  CommunicationChannel: 'Phone', StartDateTime: '2026-03-01T10:00:00.000Z', AttendeeVerified: false,
  ExternalIdentifierId: `ext-${randomUUID()}`,
});
const made = await org.insert({ sobject: interaction });
check(`insert an EngagementInteraction (${made.id})`, made.success === true && made.id.length === 18);
const topic = nforce.createSObject('EngagementTopic', { EngagementId: made.id, Name: 'Renewal' });
const madeTopic = await org.insert({ sobject: topic });
check('insert an EngagementTopic under it', madeTopic.success === true);

const res = await org.query({ query: `SELECT Id, CommunicationChannel FROM EngagementInteraction WHERE Id = '${made.id}'` });
check('query finds it', res.totalSize === 1 && res.records[0].get('CommunicationChannel') === 'Phone');
const topics = await org.query({ query: `SELECT Name FROM EngagementTopic WHERE EngagementId = '${made.id}'` });
check('query finds its topic', topics.totalSize === 1 && topics.records[0].get('Name') === 'Renewal');

const update = nforce.createSObject('EngagementInteraction', { id: made.id });
update.set('Status', 'Closed');
await org.update({ sobject: update });
const rec = await org.getRecord({ type: 'EngagementInteraction', id: made.id, fields: ['Status'] });
check('update then getRecord', rec.get('Status') === 'Closed');

const describe = await org.getDescribe({ type: 'EngagementInteraction' });
check('getDescribe lists StartDateTime', describe.fields.some((f) => f.name === 'StartDateTime' && f.type === 'datetime'));
const limits = await org.getLimits({ type: 'DailyApiRequests' });
check('getLimits: DailyApiRequests', limits.DailyApiRequests.Max === 15000 && limits.DailyApiRequests.Remaining < 15000);

await org.delete({ type: 'EngagementInteraction', id: made.id });
const all = await org.queryAll({ query: `SELECT Id, IsDeleted FROM EngagementInteraction WHERE Id = '${made.id}'` });
check('queryAll still sees the deleted record', all.totalSize === 1 && all.records[0].get('IsDeleted') === true);

try {
  await org.insert({ sobject: nforce.createSObject('Account', { Name: 'x' }) });
  check('an object the org lacks is refused', false);
} catch (e) {
  check(`an object the org lacks is refused: ${e.errorCode}`, e.errorCode === 'NOT_FOUND');
}
console.log('nforce: all checks passed');
