// The dashboard in a real headless Chromium (Debian's, driven by playwright-core): the page loads
// from the simulator alone, a vendor call made meanwhile appears live, filters hide it, its
// request and response show, a pasted scenario loads and counts, and the stored record is listed.
//   SIM_URL=http://127.0.0.1:4010 [SIM_ADMIN_TOKEN=...] [CHROMIUM=/usr/bin/chromium]
//   [SCREENSHOT=docs/dashboard.png] node dashboard/browser.mjs
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const base = process.env.SIM_URL;
const adminToken = process.env.SIM_ADMIN_TOKEN || '';
const tenant = `ui-${process.pid}-${Date.now()}`;
const title = `Dashboard check ${tenant}`;
const fail = (why) => { throw new Error(why); };

async function devrev(path, body) {
  const res = await fetch(`${base}/devrev/${path}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${tenant}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return [res.status, await res.json()];
}

const profile = mkdtempSync(join(tmpdir(), 'engagement-sim-chromium-'));
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: { width: 1440, height: 860 },
});
try {
  const page = browser.pages()[0] || await browser.newPage();
  // Works offline: anything asked of another origin is refused and counted.
  const outside = [];
  await page.route('**/*', (route) => {
    if (route.request().url().startsWith(base)) return route.continue();
    outside.push(route.request().url());
    return route.abort();
  });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('dialog', (d) => d.accept());

  await page.goto(`${base}/__admin/ui${adminToken ? `?token=${encodeURIComponent(adminToken)}` : ''}`);
  await page.locator('#status', { hasText: /^live/ }).waitFor({ timeout: 15000 });
  if (page.url().includes('token=')) fail(`the token stayed in the address bar: ${page.url()}`);

  // A call made after the page opened appears without a reload.
  const [status, created] = await devrev('engagements.create', {
    title, members: ['DEVU-1'], scheduled_date: '2026-12-01T15:00:00Z',
  });
  if (status !== 201) fail(`create answered ${status}: ${JSON.stringify(created)}`);
  const row = page.locator('#calls tbody tr', { hasText: 'engagements.create' }).first();
  await row.waitFor({ timeout: 15000 });

  // Its request and response.
  await row.click();
  await page.locator('#detail', { hasText: title }).waitFor();
  await page.locator('#detail', { hasText: created.engagement.display_id }).waitFor();

  // Filters: another vendor hides it, its own status class shows it.
  await page.selectOption('#f-vendor', 'siro');
  await page.locator('#calls tbody tr', { hasText: 'engagements.create' }).waitFor({ state: 'detached' });
  await page.selectOption('#f-vendor', 'devrev');
  await page.fill('#f-status', '2xx');
  await page.selectOption('#f-operation', 'engagements.create');
  await row.waitFor();
  await page.fill('#f-status', '4xx');
  await page.locator('#calls tbody tr', { hasText: 'engagements.create' }).waitFor({ state: 'detached' });
  await page.fill('#f-status', '');
  await page.selectOption('#f-operation', '');
  await page.selectOption('#f-vendor', '');

  // A pasted scenario loads; its rule's counters move when a call meets it.
  const scenario = `dashboard-check-${process.pid}`;
  await page.click('nav button[data-tab=scenarios]');
  await page.fill('#scenario-text', [
    `name: ${scenario}`,
    'rules:',
    '  - vendor: devrev',
    '    operation: engagements.get',
    `    tenant: ${tenant}`,
    '    respond: { error: too_many_requests, retry_after: 1 }',
  ].join('\n'));
  await page.click('#load-scenario');
  await page.locator('#load-result', { hasText: `loaded ${scenario}` }).waitFor();
  const [throttled] = await devrev('engagements.get', { id: created.engagement.display_id });
  if (throttled !== 429) fail(`the scenario's rule did not answer: ${throttled}`);
  await page.click('#refresh-scenarios');
  const card = page.locator('.card', { hasText: scenario });
  await card.locator('.rules tbody td.num', { hasText: '1' }).first().waitFor();
  await card.locator('button', { hasText: 'Unload' }).click();
  await card.waitFor({ state: 'detached' });

  // The stored record, under its vendor and tenant.
  await page.click('nav button[data-tab=state]');
  await page.selectOption('#s-vendor', 'devrev');
  const tenantRow = page.locator('#state-view details', { hasText: 'engagements' }).last();
  await tenantRow.waitFor();
  await page.fill('#s-tenant', tenant);
  await page.click('#refresh-state');
  await page.locator('#state-view details').first().click();
  await page.locator('#state-view pre', { hasText: title }).waitFor();

  if (process.env.SCREENSHOT) {
    await page.click('nav button[data-tab=journal]');
    await page.locator('#calls tbody tr', { hasText: 'engagements.get' }).first().waitFor();
    await page.locator('#calls tbody tr', { hasText: 'engagements.create' }).first().click();
    await page.screenshot({ path: process.env.SCREENSHOT });
  }
  if (outside.length) fail(`the page asked outside the simulator: ${outside.join(', ')}`);
  if (errors.length) fail(`script errors: ${errors.join('; ')}`);
  console.log('dashboard: live call, filters, detail, scenario load/count/unload and records all shown');
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}
