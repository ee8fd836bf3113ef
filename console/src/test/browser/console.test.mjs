// The console in a real browser against a running stack: sign in, find a run, open it, watch a decision arrive
// live, pause a schedule, replay a dead letter, and a viewer who is offered no edits. Screenshots of each page go
// to $SCREENSHOTS. Run by ConsoleBrowserIT (deploy/e2e-tests), which starts the stack and passes:
//   CONSOLE_URL, API_URL (the api-gateway), DISPATCHER_URL, CRON_URL, SIMULATOR_URL, ADMIN_TOKEN, VIEWER_TOKEN,
//   WEBHOOK_URL, TENANT (the viewer's only tenant), SCREENSHOTS, CHROMIUM (default /usr/bin/chromium).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';

const env = (name, fallback) => {
  const v = process.env[name] ?? fallback;
  if (v === undefined) throw new Error(`${name} is not set`);
  return v;
};
const CONSOLE = env('CONSOLE_URL');
const API = env('API_URL');
const DISPATCHER = env('DISPATCHER_URL');
const CRON = env('CRON_URL');
const SIMULATOR = env('SIMULATOR_URL');
const WEBHOOK = env('WEBHOOK_URL');
const ADMIN = env('ADMIN_TOKEN');
const VIEWER = env('VIEWER_TOKEN');
const TENANT = env('TENANT');
const SHOTS = env('SCREENSHOTS', 'target/console-screenshots');
mkdirSync(SHOTS, { recursive: true });

async function rest(base, method, path, body, token = ADMIN) {
  const response = await fetch(base + path, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${base}${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

async function until(what, check, timeoutMs = 30_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function fire(path) {
  const answer = await fetch(API + path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"n":1}' });
  assert.equal(answer.status, 202, `POST ${path}`);
  return (await answer.json()).runId;
}

const runStatus = async (runId) => (await rest(DISPATCHER, 'GET', `/api/v1/runs/${runId}`)).status;

let browser;
let page;
let scheduleId;

before(async () => {
  await rest(API, 'POST', '/admin/v1/api-triggers', {
    tenantId: TENANT, name: 'console-demo', path: `/${TENANT}/console-demo`, eventName: 'console.demo', authRequired: false,
  });
  await rest(API, 'POST', '/admin/v1/api-triggers', {
    tenantId: TENANT, name: 'console-fragile', path: `/${TENANT}/console-fragile`, eventName: 'console.fragile',
    authRequired: false, options: { maxAttempts: 1 },
  });
  scheduleId = (await rest(CRON, 'POST', '/api/v1/schedules', {
    tenantId: TENANT, eventName: 'console.nightly', expression: '0 2 * * *', timezone: 'Europe/Paris',
  })).id;
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  page = await signIn(ADMIN);
});

after(async () => {
  await browser?.close();
});

async function signIn(token, viewport = { width: 1366, height: 850 }) {
  const context = await browser.newContext({ viewport });
  const p = await context.newPage();
  p.setDefaultTimeout(15_000);
  await p.goto(CONSOLE);
  await p.getByLabel('Management token').fill(token);
  await p.getByRole('button', { name: 'Sign in' }).click();
  await p.getByRole('heading', { name: 'Overview' }).waitFor();
  return p;
}

const shot = (p, name) => p.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });

test('a wrong token is refused at sign-in', async () => {
  const context = await browser.newContext();
  const p = await context.newPage();
  await p.goto(CONSOLE);
  await p.getByLabel('Management token').fill('not-a-token');
  await p.getByRole('button', { name: 'Sign in' }).click();
  await p.getByRole('alert').filter({ hasText: 'not accepted' }).waitFor();
  await shot(p, 'sign-in');
  await context.close();
});

test('finds a run created by the test and opens it with its decision and attempts', async () => {
  const runId = await fire(`/${TENANT}/console-demo`);
  await until('the run to succeed', async () => (await runStatus(runId)) === 'succeeded');
  await page.goto(`${CONSOLE}/#/runs?tenantId=${TENANT}`);
  const link = page.getByRole('link', { name: runId });
  await link.waitFor();
  await shot(page, 'runs');
  await link.click();
  await page.getByRole('heading', { name: `Run ${runId}` }).waitFor();
  await page.locator('.panel', { hasText: 'Decision' }).getByText('approved').waitFor();
  await page.getByText('#1 agent').waitFor();
  assert.match(await page.locator('dd', { hasText: 'console.demo' }).first().innerText(), /console\.demo/);
  await shot(page, 'run');
  await page.goto(`${CONSOLE}/#/`);
  await page.getByText('Events decided').waitFor();
  // The runs of this test are in the chart of the last 24 hours (its description sums each outcome).
  const chart = page.getByRole('img', { name: /^Runs over time/ });
  await chart.waitFor();
  assert.match(await chart.getAttribute('aria-label'), /succeeded [1-9]\d*/);
  await shot(page, 'overview');
});

test('follows a webhook from the endpoint\'s event log to its run and decision', async () => {
  const endpoint = await rest(WEBHOOK, 'POST', '/api/v1/endpoints', {
    name: 'console-orders', tenantId: TENANT, eventName: 'order.created', auth: { type: 'bearer' },
    secret: 'console-test-secret',
  });
  const answer = await fetch(WEBHOOK + endpoint.url, {
    method: 'POST', headers: { Authorization: 'Bearer console-test-secret', 'Content-Type': 'application/json' },
    body: '{"order":42}',
  });
  assert.equal(answer.status, 202);
  const { runId } = await answer.json();
  await until('the webhook run to succeed', async () => (await runStatus(runId)) === 'succeeded');
  await page.goto(`${CONSOLE}/#/r/endpoints?tenantId=${TENANT}`);
  await page.getByRole('link', { name: 'console-orders' }).click();
  const logged = page.getByRole('link', { name: runId });
  await logged.waitFor();
  await shot(page, 'webhook-endpoint');
  await logged.click();
  await page.getByRole('heading', { name: `Run ${runId}` }).waitFor();
  await page.locator('.panel', { hasText: 'Decision' }).getByText('approved').waitFor();
  assert.match(await page.locator('main').innerText(), /order\.created[\s\S]*webhook/);
});

test('a decision arrives live, with its reason', async () => {
  await page.goto(`${CONSOLE}/#/decisions?tenantId=${TENANT}`);
  await page.getByRole('status').filter({ hasText: /^live$/ }).waitFor();
  const runId = await fire(`/${TENANT}/console-demo`);
  const row = page.getByRole('row', { name: new RegExp(runId) });
  await row.waitFor({ timeout: 20_000 });
  assert.match(await row.innerText(), /approved/);
  await page.getByRole('button', { name: 'Pause' }).click();
  const held = await fire(`/${TENANT}/console-demo`);
  await page.getByRole('status').filter({ hasText: 'paused · 1 waiting' }).waitFor({ timeout: 20_000 });
  assert.equal(await page.getByRole('row', { name: new RegExp(held) }).count(), 0, 'nothing shown while paused');
  await page.getByRole('button', { name: 'Resume' }).click();
  await page.getByRole('row', { name: new RegExp(held) }).waitFor();
  await shot(page, 'decisions');
});

test('pauses a schedule with a note, next to its fire times and governance forecast', async () => {
  await page.goto(`${CONSOLE}/#/schedules/${scheduleId}`);
  await page.getByText('Governance would let it run').waitFor();
  await page.getByText('at 02:00').first().waitFor();
  await shot(page, 'schedule');
  await page.getByLabel('Pause note').fill('quarter close');
  await page.getByRole('button', { name: 'Pause' }).click();
  await page.getByText('Paused: quarter close').waitFor();
  const stored = await rest(CRON, 'GET', `/api/v1/schedules/${scheduleId}`);
  assert.equal(stored.state, 'paused');
  assert.equal(stored.pauseNote, 'quarter close');
  await page.getByRole('button', { name: 'Resume' }).waitFor();
});

test('replays a dead letter, which then succeeds once', async () => {
  await rest(SIMULATOR, 'PUT', '/v1/config', { latencyMs: 0, latencyJitterMs: 0, failureRatio: 1, failureStatus: 503,
    mode: 'sync', asyncCompletionMs: 0, costUsd: 0.002, llmCalls: 1 });
  let runId;
  try {
    runId = await fire(`/${TENANT}/console-fragile`);
    await until('the run to be dead-lettered', async () => (await runStatus(runId)) === 'dead_lettered');
  } finally {
    await rest(SIMULATOR, 'PUT', '/v1/config', { latencyMs: 20, latencyJitterMs: 0, failureRatio: 0, failureStatus: 500,
      mode: 'sync', asyncCompletionMs: 200, costUsd: 0.0021, llmCalls: 1 });
  }
  await page.goto(`${CONSOLE}/#/dead-letters?tenantId=${TENANT}`);
  await page.getByRole('link', { name: runId }).waitFor();
  await page.getByRole('button', { name: 'Replay all matching…' }).click();
  await page.getByRole('alertdialog').filter({ hasText: '1 dead-lettered run(s) match' }).waitFor();
  await shot(page, 'dead-letters');
  await page.getByRole('button', { name: 'Cancel' }).click();
  await page.getByLabel(`Select ${runId}`).check();
  await page.getByRole('button', { name: 'Replay selected (1)' }).click();
  await page.getByRole('status').filter({ hasText: 'Replayed 1 run(s).' }).waitFor();
  await until('the replayed run to succeed', async () => (await runStatus(runId)) === 'succeeded');
  const run = await rest(DISPATCHER, 'GET', `/api/v1/runs/${runId}`);
  assert.equal(run.attemptLog.filter((a) => a.statusCode === 200).length, 1, 'one successful call after the replay');
});

test('a viewer sees the same pages but is offered no edits, on a phone too', async () => {
  const viewer = await signIn(VIEWER, { width: 390, height: 844 });
  await viewer.getByLabel('Signed in as').getByText('viewer', { exact: true }).waitFor();
  await viewer.goto(`${CONSOLE}/#/schedules/${scheduleId}`);
  await viewer.getByText('Paused: quarter close').waitFor();
  assert.equal(await viewer.getByRole('button', { name: /^(Pause|Resume|Trigger now)$/ }).count(), 0);
  await shot(viewer, 'viewer-schedule-phone');
  await viewer.goto(`${CONSOLE}/#/dead-letters?tenantId=${TENANT}`);
  await viewer.getByRole('heading', { name: 'Dead letters' }).waitFor();
  assert.equal(await viewer.getByRole('button', { name: /Replay/ }).count(), 0);
  await viewer.goto(`${CONSOLE}/#/governance`);
  await viewer.getByRole('heading', { name: 'Policies' }).waitFor();
  assert.equal(await viewer.getByRole('button', { name: /New policy/ }).count(), 0);
  // The services refuse what the console does not offer: a viewer's write through the console's URL is a 403.
  const refused = await viewer.evaluate(async (id) => (await fetch(`/console/api/cron/api/v1/schedules/${id}/resume`, {
    method: 'POST', headers: { Authorization: `Bearer ${sessionStorage.getItem('agent-triggers-console-token')}` },
  })).status, scheduleId);
  assert.equal(refused, 403);
  await viewer.getByRole('button', { name: 'Menu' }).click();
  await viewer.getByRole('link', { name: 'Runs' }).click();
  await viewer.getByRole('heading', { name: 'Runs' }).waitFor();
  await shot(viewer, 'viewer-runs-phone');
  await viewer.context().close();
});
