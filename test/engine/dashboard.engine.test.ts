/// <reference lib="dom" />
// End to end on the real stack: deployments run through the local Kestra (Kestra 2.0's
// engine) by its webhook, the dashboard built (`next build`) and started through its
// launcher, reading that Kestra through a recording loopback proxy (it counts the
// requests and can play "Kestra is down"), driven by Debian's chromium (playwright-core)
// behind the dashboard's login. One Kestra and one build for every browser test here:
// the list and deployment page, approving and rejecting a paused rollback (also from two
// browsers at once), a manual check, a service's history, the login's refusals, the
// keyboard and an automated contrast check. Screenshots go to artifacts/.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../dashboard/lib/auth/password.js';
import { CHROMIUM, contrastFailures, openBrowser, signIn, type Browser } from '../dashboard/browser.js';
import { buildDashboard, startDashboard, type RunningDashboard } from '../dashboard/next-server.js';
import { startLocalKestra, type LocalKestra } from '../support/local-kestra.js';
import { startRecordingProxy, type RecordingProxy } from '../support/recording-proxy.js';

const ARTIFACTS = resolve(import.meta.dirname, '../../artifacts');
const POLL_MS = 500;
const USERS = { alice: 'alice-password-1234', bob: 'bob-password-5678' };

let kestra: LocalKestra;
let proxy: RecordingProxy;
let dashboard: RunningDashboard;
let alice: Browser;
let bob: Browser;
let page: Page;
const ids = { rollback: '', cont: '', paused: '', approve: '', reject: '', concurrent: '' };

const searchRequests = () => proxy.requests.filter((r) => r.path === '/api/v1/main/executions/search');
const pausedRun = (name: string) =>
  kestra.webhook({ scenario: 'db-trouble-user-service', deployment_id: `dash-${name}-${process.pid}`, require_approval: true, approval_below_confidence: 1.0 });
const labelsOf = async (id: string) => Object.fromEntries((await kestra.client.getExecution(id)).labels?.map((l) => [l.key, l.value]) ?? []);
async function until<T>(what: string, fn: () => Promise<T | undefined | null | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
const cookieHeader = async (b: Browser) => (await b.context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  await mkdir(ARTIFACTS, { recursive: true });
  const [started] = await Promise.all([startLocalKestra('dashboard-e2e'), buildDashboard()]);
  kestra = started;
  const rollback = await kestra.webhook({ scenario: 'memory-leak-payment', deployment_id: `dash-rollback-${process.pid}`, previous_version: 'v2.4.0' });
  ids.rollback = rollback.execution.id;
  await kestra.waitFor(ids.rollback);
  const cont = await kestra.webhook({ scenario: 'healthy-hotfix', deployment_id: `dash-continue-${process.pid}` });
  ids.cont = cont.execution.id;
  await kestra.waitFor(ids.cont);
  const runs = await Promise.all(['paused', 'approve', 'reject', 'concurrent'].map(pausedRun));
  [ids.paused, ids.approve, ids.reject, ids.concurrent] = runs.map((r) => r.execution.id) as [string, string, string, string];
  await Promise.all(runs.map((r) => kestra.waitFor(r.execution.id)));
  proxy = await startRecordingProxy(kestra.settings.url);
  dashboard = await startDashboard({
    KESTRA_URL: proxy.url,
    KESTRA_USERNAME: kestra.settings.username,
    KESTRA_PASSWORD: kestra.settings.password,
    KESTRA_PUBLIC_URL: 'https://kestra.example.test',
    DASHBOARD_POLL_MS: String(POLL_MS),
    DASHBOARD_TIMEOUT_MS: '1500',
    DASHBOARD_USERS: `alice:${await hashPassword(USERS.alice)},bob:${await hashPassword(USERS.bob)}`,
    DASHBOARD_SESSION_SECRET: 'e2e-session-secret-0123456789-abcdefghij',
  });
  [alice, bob] = await Promise.all([openBrowser(), openBrowser()]);
  page = alice.page;
}, 400_000);

afterAll(async () => {
  await alice?.close();
  await bob?.close();
  await dashboard?.stop();
  await proxy?.close();
  await kestra?.stop();
});

describe('dashboard login', () => {
  it('sends a browser without a session to the login page, and refuses a wrong password', async () => {
    const p = bob.page;
    await p.goto(`${dashboard.url}/deployments/${ids.rollback}`);
    expect(new URL(p.url()).pathname).toBe('/login');
    expect(new URL(p.url()).searchParams.get('next')).toBe(`/deployments/${ids.rollback}`);
    expect(await p.locator('tr[data-execution-id]').count()).toBe(0);
    await p.getByLabel('User name').fill('bob');
    await p.getByLabel('Password').fill('not-his-password');
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.locator('[data-login-error]').waitFor();
    expect(await p.locator('[data-login-error]').textContent()).toContain('Wrong user name or password');
    expect((await bob.context.cookies()).filter((c) => c.name === 'watchdog_session')).toEqual([]);
    await p.screenshot({ path: join(ARTIFACTS, 'dashboard-login-refused.png'), fullPage: true });
    // no page and no data without a session, for any client
    const res = await fetch(`${dashboard.url}/services/payment-service`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/login?next=%2Fservices%2Fpayment-service');
  });

  it('signs in and goes where the user was going; the session cookie is HTTP-only and same-site', async () => {
    await signIn(page, dashboard.url, 'alice', USERS.alice);
    await page.locator('tr[data-execution-id]').first().waitFor();
    expect(await page.locator('[data-user]').textContent()).toBe('alice');
    const cookie = (await alice.context.cookies()).find((c) => c.name === 'watchdog_session');
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe('Strict');
    expect(cookie?.value).not.toContain(USERS.alice);
    await signIn(bob.page, dashboard.url, 'bob', USERS.bob);
  });

  it('refuses an action without a valid session, or from another origin, and nothing happens in Kestra', async () => {
    const url = `${dashboard.url}/api/executions/${ids.paused}/review`;
    const body = JSON.stringify({ action: 'approve' });
    const json = { 'content-type': 'application/json' };
    const none = await fetch(url, { method: 'POST', headers: { ...json, origin: dashboard.url }, body });
    expect(none.status).toBe(401);
    const forged = await fetch(url, { method: 'POST', headers: { ...json, origin: dashboard.url, cookie: 'watchdog_session=eyJ1IjoiYWxpY2UifQ.AAAA' }, body });
    expect(forged.status).toBe(401);
    const cookie = await cookieHeader(alice);
    const crossSite = await fetch(url, { method: 'POST', headers: { ...json, origin: 'https://evil.example', cookie }, body });
    expect(crossSite.status).toBe(403);
    expect(((await crossSite.json()) as { message: string }).message).toContain('https://evil.example');
    const noOrigin = await fetch(url, { method: 'POST', headers: { ...json, cookie }, body });
    expect(noOrigin.status).toBe(403);
    const check = await fetch(`${dashboard.url}/api/checks`, { method: 'POST', headers: { ...json, origin: 'https://evil.example', cookie }, body: JSON.stringify({ scenario: 'healthy-hotfix' }) });
    expect(check.status).toBe(403);
    const login = await fetch(`${dashboard.url}/api/login`, { method: 'POST', headers: { origin: 'https://evil.example' }, body: new URLSearchParams({ user: 'alice', password: USERS.alice }), redirect: 'manual' });
    expect(login.status).toBe(403);
    expect(login.headers.get('set-cookie')).toBeNull();
    expect((await kestra.client.getExecution(ids.paused)).state.current).toBe('PAUSED');
  });
});

describe('dashboard end to end on the local Kestra, in chromium', () => {
  it('lists the ROLLBACK and CONTINUE deployments with their badges, and the paused one', async () => {
    await page.goto(dashboard.url);
    const rollback = page.locator(`tr[data-execution-id="${ids.rollback}"]`);
    const cont = page.locator(`tr[data-execution-id="${ids.cont}"]`);
    await rollback.waitFor();
    expect(await rollback.locator('[data-decision]').textContent()).toBe('ROLLBACK');
    expect(await rollback.locator('th').textContent()).toBe('payment-service');
    expect(await cont.locator('[data-decision]').textContent()).toBe('CONTINUE');
    expect(await page.locator(`tr[data-execution-id="${ids.paused}"]`).textContent()).toContain('paused for approval');
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-list.png'), fullPage: true });
  });

  it('keyboard navigation reaches the filters and the rows, with a visible focus ring', async () => {
    await page.goto(dashboard.url);
    await page.locator('tr[data-execution-id]').first().waitFor();
    const reached: string[] = [];
    let outline = '';
    for (let i = 0; i < 24; i++) {
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        const style = el ? getComputedStyle(el) : null;
        return { id: el?.id ?? '', text: el?.textContent?.trim() ?? '', outline: style ? `${style.outlineStyle} ${style.outlineWidth}` : '' };
      });
      reached.push(focused.id || focused.text);
      if (focused.id === 'filter-service') outline = focused.outline;
    }
    expect(reached).toEqual(expect.arrayContaining(['Check a deployment', 'Sign out', 'filter-service', 'filter-decision', 'filter-range', 'payment-service']));
    expect(outline).toMatch(/^solid [1-9]/);
    expect(await page.getByLabel('Decision', { exact: true }).getAttribute('id')).toBe('filter-decision');
    // a filter chosen from the keyboard applies
    await page.focus('#filter-decision');
    await page.selectOption('#filter-decision', 'ROLLBACK');
    await page.waitForURL(/decision=ROLLBACK/);
    await page.locator(`tr[data-execution-id="${ids.cont}"]`).waitFor({ state: 'detached' });
    expect(await page.locator(`tr[data-execution-id="${ids.rollback}"]`).count()).toBe(1);
  });

  it('the deployment page leads with one short summary, then the evidence per metric; the reasoning folds away', async () => {
    await page.goto(dashboard.url);
    await page.getByRole('link', { name: 'payment-service' }).first().focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/deployments/${ids.rollback}$`));
    const table = page.locator('table.verdicts');
    await table.waitFor();
    const metrics = await table.locator('tbody tr').count();
    expect(metrics).toBeGreaterThan(2);
    expect(await page.locator('tr[data-metric="memory_pct"]').getAttribute('data-verdict')).toBe('high');
    expect(await page.locator('figure.metric-chart svg[role="img"]').count()).toBe(metrics);
    // said once: a one-line judge headline (the LLM is off), the long texts folded
    const lead = page.locator('[data-lead]');
    expect(await lead.getAttribute('data-lead')).toBe('judge');
    const leadText = (await lead.textContent()) ?? '';
    expect(leadText).toMatch(/^ROLLBACK: \d+ of \d+ metrics regressed — \w+ too (high|low)/);
    expect(leadText.length).toBeLessThan(300);
    const reasoning = page.locator('details.reasoning');
    expect(await reasoning.getAttribute('open')).toBeNull();
    expect(await page.locator('[data-llm="disabled"]').isVisible()).toBe(false);
    const visibleText = await page.locator('main').innerText();
    const longest = (await page.locator('details.reasoning .prose').first().textContent()) ?? '';
    expect(longest.length).toBeGreaterThan(leadText.length);
    expect(visibleText).not.toContain(longest.slice(0, 80));
    await reasoning.locator('summary').click();
    expect(await page.locator('[data-llm="disabled"]').textContent()).toContain('The judge decided alone');
    expect(await page.locator('[data-rollback]').getAttribute('data-rollback')).toBe('dry-run');
    expect(await page.locator('[data-rollback]').textContent()).toContain('dry run');
    expect(await page.getByRole('link', { name: /Open execution/ }).getAttribute('href')).toBe(
      `https://kestra.example.test/ui/main/executions/ai.devops.commander/devops-loop/${ids.rollback}`,
    );
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-deployment.png'), fullPage: true });
  });

  it('polls one page of executions per interval, and nothing per row', async () => {
    await page.goto(dashboard.url);
    await page.locator('tr[data-execution-id]').first().waitFor();
    const before = searchRequests().length;
    const allBefore = proxy.requests.length;
    await page.waitForTimeout(POLL_MS * 6);
    const visible = searchRequests().slice(before);
    expect(visible.length).toBeGreaterThanOrEqual(3);
    expect(visible.every((r) => r.query.get('page') === '1')).toBe(true);
    expect(proxy.requests.slice(allBefore).map((r) => r.path)).toEqual(visible.map((r) => r.path));
    // a new deployment shows up on a later poll
    const fresh = await kestra.webhook({ scenario: 'healthy-hotfix', deployment_id: `dash-fresh-${process.pid}` });
    await page.locator(`tr[data-execution-id="${fresh.execution.id}"]`).waitFor({ timeout: 15_000 });
  });

  it('shows an "unreachable" banner when Kestra stops answering, keeping the last rows on screen', async () => {
    await page.goto(dashboard.url);
    await page.locator(`tr[data-execution-id="${ids.rollback}"]`).waitFor();
    proxy.setDown(true);
    try {
      const banner = page.locator('[role="alert"][data-problem="unreachable"]');
      await banner.waitFor({ timeout: 10_000 });
      expect(await banner.textContent()).toContain('Kestra is unreachable');
      expect(await page.locator(`tr[data-execution-id="${ids.rollback}"] [data-decision]`).textContent()).toBe('ROLLBACK');
      await page.screenshot({ path: join(ARTIFACTS, 'dashboard-kestra-down.png'), fullPage: true });
    } finally {
      proxy.setDown(false);
    }
    await page.locator('[role="alert"][data-problem]').waitFor({ state: 'detached', timeout: 10_000 });
  });
});

describe('approving or rejecting a paused rollback', () => {
  it('approve from the keyboard: confirmed, resumed through Kestra, rolled back, recorded as labels and shown', async () => {
    await page.goto(`${dashboard.url}/deployments/${ids.approve}`);
    const panel = page.locator('[data-approval="waiting"]');
    await panel.waitFor();
    expect(await panel.textContent()).toMatch(/confidence \d+%, below this run's approval threshold of 100%/);
    expect(await panel.locator('.evidence li').count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-approval-waiting.png'), fullPage: true });
    // keyboard only: focus the button, Enter opens the dialog on Cancel, Tab back to confirm
    await page.locator('[data-action="approve"]').focus();
    await page.keyboard.press('Enter');
    const dialog = page.locator('dialog[open]');
    await dialog.waitFor();
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' }).catch(() => undefined);
    expect(await page.locator('dialog[open]').count()).toBe(0);
    expect(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.action)).toBe('approve');
    expect((await kestra.client.getExecution(ids.approve)).state.current).toBe('PAUSED');
    await page.keyboard.press('Enter');
    await dialog.waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-approval-confirm.png') });
    await page.keyboard.press('Shift+Tab');
    expect(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.confirm)).toBe('approve');
    await page.keyboard.press('Enter');
    const answer = page.locator('[data-answer="ok"]');
    await answer.waitFor({ timeout: 40_000 });
    expect(await answer.textContent()).toContain('Rollback approved by alice');
    const ended = await kestra.waitFor(ids.approve, ['SUCCESS', 'WARNING', 'FAILED']);
    expect(ended.state.current).toBe('SUCCESS');
    expect((await kestra.client.getExecutionOutputs(ids.approve)).rollback_status).toBe('dry-run');
    const labels = await until('the review labels', async () => {
      const l = await labelsOf(ids.approve);
      return l.review ? l : null;
    });
    expect(labels).toMatchObject({ review: 'approved', reviewed_by: 'alice', service: 'user-service', decision: 'ROLLBACK' });
    expect(Date.parse(labels.reviewed_at!)).toBeGreaterThan(Date.now() - 120_000);
    await page.reload();
    const note = page.locator('[data-review="approve"]');
    await note.waitFor();
    expect(await note.textContent()).toContain('Rollback approved by alice');
    expect(await page.locator('[data-approval="waiting"]').count()).toBe(0);
    expect(await page.locator('[data-rollback]').getAttribute('data-rollback')).toBe('dry-run');
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-approval-done.png'), fullPage: true });
  });

  it('reject: Keep this deployment kills the execution, nothing is rolled back, the record says who', async () => {
    const p = bob.page;
    await p.goto(`${dashboard.url}/deployments/${ids.reject}`);
    await p.locator('[data-action="reject"]').click();
    await p.locator('[data-confirm="reject"]').click();
    const answer = p.locator('[data-answer="ok"]');
    await answer.waitFor({ timeout: 40_000 });
    expect(await answer.textContent()).toContain('Deployment kept by bob');
    const ended = await kestra.waitFor(ids.reject, ['KILLED', 'SUCCESS', 'FAILED']);
    expect(ended.state.current).toBe('KILLED');
    expect(ended.taskRunList?.map((t) => t.taskId)).not.toContain('rollback');
    // a kill ends at once, so the answer came after the labels were written
    expect(await labelsOf(ids.reject)).toMatchObject({ review: 'rejected', reviewed_by: 'bob' });
    await p.reload();
    expect(await p.locator('[data-review="reject"]').textContent()).toContain('Deployment kept (rollback rejected) by bob');
  });

  it('two browsers confirming at once give one outcome; the second is told who acted first', async () => {
    await Promise.all([alice.page.goto(`${dashboard.url}/deployments/${ids.concurrent}`), bob.page.goto(`${dashboard.url}/deployments/${ids.concurrent}`)]);
    for (const b of [alice, bob]) {
      await b.page.locator('[data-action="approve"]').click();
      await b.page.locator('dialog[open]').waitFor();
    }
    await Promise.all([alice.page.locator('[data-confirm="approve"]').click(), bob.page.locator('[data-confirm="approve"]').click()]);
    const answers = await Promise.all(
      [alice, bob].map(async (b) => {
        const a = b.page.locator('[data-answer]');
        await a.waitFor({ timeout: 40_000 });
        return { kind: await a.getAttribute('data-answer'), text: (await a.textContent()) ?? '' };
      }),
    );
    expect(answers.map((a) => a.kind).sort()).toEqual(['ok', 'refused']);
    const winner = answers.find((a) => a.kind === 'ok')!.text.includes('alice') ? 'alice' : 'bob';
    expect(answers.find((a) => a.kind === 'refused')!.text).toMatch(new RegExp(`Nothing was done: ${winner} already approved the rollback at`));
    const ended = await kestra.waitFor(ids.concurrent, ['SUCCESS', 'WARNING', 'FAILED', 'KILLED']);
    expect(ended.state.current).toBe('SUCCESS');
    expect(ended.taskRunList?.filter((t) => t.taskId === 'rollback')).toHaveLength(1);
    await until('the review labels', async () => (await labelsOf(ids.concurrent)).reviewed_by === winner);
    // a double click on a decided one: the server answers the same way, once more
    const again = await fetch(`${dashboard.url}/api/executions/${ids.concurrent}/review`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: dashboard.url, cookie: await cookieHeader(bob) },
      body: JSON.stringify({ action: 'reject' }),
    });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { message: string }).message).toContain(`${winner} already approved the rollback`);
    await bob.page.screenshot({ path: join(ARTIFACTS, 'dashboard-approval-second.png'), fullPage: true });
  });
});

describe('checking a deployment by hand, and a service history', () => {
  it('validates before sending, then starts an execution through Kestra and opens its page', async () => {
    await page.goto(`${dashboard.url}/checks/new`);
    const form = page.locator('form.check-form');
    await form.waitFor();
    // the fields are the flow's typed inputs, read from Kestra
    for (const id of ['service', 'namespace', 'version', 'previous_version', 'deployed_at', 'scenario', 'require_approval', 'approval_below_confidence']) {
      expect(await page.locator(`[data-field="${id}"]`).count(), id).toBe(1);
    }
    expect(await page.locator('#check-require_approval').getAttribute('type')).toBe('checkbox');
    expect(await page.locator('#check-approval_below_confidence').inputValue()).toBe('0.9');
    const posts: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/api/checks')) posts.push(r.url());
    });
    await page.getByLabel('Version (image tag deployed)').fill('v 1');
    await page.getByLabel(/^Deployment time/).fill('yesterday');
    await page.getByRole('button', { name: 'Start the check' }).click();
    await page.locator('[data-error-for="service"]').waitFor();
    expect(await page.locator('[data-error-for="service"]').textContent()).toContain('required unless a demo scenario is given');
    expect(await page.locator('[data-error-for="version"]').textContent()).toContain('cannot contain');
    expect(await page.locator('[data-error-for="deployed_at"]').textContent()).toContain('ISO 8601');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('check-service');
    expect(await page.locator('#check-service').getAttribute('aria-invalid')).toBe('true');
    expect(posts).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-check-invalid.png'), fullPage: true });
    // from the keyboard: a demo scenario and a deployment id, then Enter
    await page.getByLabel('Version (image tag deployed)').fill('');
    await page.getByLabel(/^Deployment time/).fill('');
    await page.getByLabel('Demo scenario (optional)').fill('healthy-hotfix');
    await page.getByLabel('Deployment id').fill(`dash-manual-${process.pid}`);
    await page.getByLabel('Deployment id').press('Enter');
    await page.waitForURL(/\/deployments\/[A-Za-z0-9]+$/, { timeout: 40_000 });
    expect(posts).toHaveLength(1);
    const id = new URL(page.url()).pathname.split('/').pop()!;
    const ended = await kestra.waitFor(id);
    expect(ended.state.current).toBe('SUCCESS');
    const labels = await labelsOf(id);
    expect(labels).toMatchObject({ triggered_by: 'alice', deployment_id: `dash-manual-${process.pid}`, decision: 'CONTINUE' });
    await page.locator('[data-decision="CONTINUE"]').first().waitFor({ timeout: 15_000 });
  });

  it("a service's page: its deployments, rollback rate, median time to decision and the metrics that failed most", async () => {
    await page.goto(`${dashboard.url}/services/user-service`);
    await page.locator('table.failing-metrics').waitFor();
    const summary = await page.locator('section[aria-label="Summary"]').innerText();
    expect(summary).toContain('Rollback rate');
    expect(summary).toContain('100%');
    expect(summary).toMatch(/Median time to decision\s+\d/);
    const rows = page.locator('table.failing-metrics tbody tr');
    expect(await rows.count()).toBeGreaterThan(0);
    const first = Number(await rows.first().getAttribute('data-failures'));
    const all = await rows.evaluateAll((trs) => trs.map((tr) => Number((tr as HTMLElement).dataset.failures)));
    expect(all.every((n) => n <= first)).toBe(true);
    expect(first).toBeGreaterThanOrEqual(4); // the approved, concurrent, rejected (killed) and still paused runs decided ROLLBACK on the same metrics
    expect(await page.locator('table.deployments tr[data-execution-id]').count()).toBeGreaterThanOrEqual(4);
    expect(await page.locator(`tr[data-execution-id="${ids.rollback}"]`).count()).toBe(0); // payment-service is not here
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-service.png'), fullPage: true });
  });

  it('every text on the new pages meets WCAG AA contrast (automated check)', async () => {
    const pages = [
      ['login', bob.page, `${dashboard.url}/login`],
      ['list', page, dashboard.url],
      ['approval', page, `${dashboard.url}/deployments/${ids.paused}`],
      ['approved', page, `${dashboard.url}/deployments/${ids.approve}`],
      ['check form', page, `${dashboard.url}/checks/new`],
      ['service', page, `${dashboard.url}/services/user-service`],
    ] as const;
    const report: string[] = [];
    let checked = 0;
    for (const [name, p, url] of pages) {
      await p.goto(url);
      await p.locator('main h1').first().waitFor();
      if (name === 'approval') {
        await p.locator('[data-action="approve"]').click();
        await p.locator('dialog[open]').waitFor();
      }
      const result = await contrastFailures(p);
      checked += result.checked;
      for (const f of result.failures) report.push(`${name}: "${f.text}" ${f.ratio}:1 < ${f.required}:1 (${f.color} on ${f.background})`);
      if (name === 'approval') await p.keyboard.press('Escape');
    }
    expect(checked).toBeGreaterThan(100);
    expect(report).toEqual([]);
    // the check itself catches a low-contrast text
    await page.evaluate(() => document.querySelector('main')!.insertAdjacentHTML('beforeend', '<p style="color:#aaa">low contrast probe</p>'));
    expect((await contrastFailures(page)).failures.map((f) => f.text)).toEqual(['low contrast probe']);
  });
});
