/// <reference lib="dom" />
// End to end on the real stack: deployments run through the local Kestra (Kestra 2.0's
// engine) by its webhook, the dashboard built (`next build`) and started (`next start`)
// reading that Kestra through a recording loopback proxy (it counts the requests and
// can play "Kestra is down"), driven by Debian's chromium (playwright-core).
// Screenshots go to artifacts/.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalKestra, type LocalKestra } from '../support/local-kestra.js';
import { startRecordingProxy, type RecordingProxy } from '../support/recording-proxy.js';
import { buildDashboard, startDashboard, type RunningDashboard } from '../dashboard/next-server.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = resolve(import.meta.dirname, '../../artifacts');
const POLL_MS = 500;

let kestra: LocalKestra;
let proxy: RecordingProxy;
let dashboard: RunningDashboard;
let context: BrowserContext;
let profile: string;
let page: Page;
const ids = { rollback: '', cont: '', paused: '' };

const searchRequests = () => proxy.requests.filter((r) => r.path === '/api/v1/main/executions/search');

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
  const paused = await kestra.webhook({ scenario: 'db-trouble-user-service', deployment_id: `dash-paused-${process.pid}`, require_approval: true, approval_below_confidence: 1.0 });
  ids.paused = paused.execution.id;
  await kestra.waitFor(ids.paused);
  proxy = await startRecordingProxy(kestra.settings.url);
  dashboard = await startDashboard({
    KESTRA_URL: proxy.url,
    KESTRA_USERNAME: kestra.settings.username,
    KESTRA_PASSWORD: kestra.settings.password,
    KESTRA_PUBLIC_URL: 'https://kestra.example.test',
    DASHBOARD_POLL_MS: String(POLL_MS),
    DASHBOARD_TIMEOUT_MS: '1500',
  });
  profile = await mkdtemp(join(tmpdir(), 'dashboard-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 900 },
  });
  page = context.pages()[0] ?? (await context.newPage());
}, 400_000);

afterAll(async () => {
  await context?.close();
  await dashboard?.stop();
  await proxy?.close();
  await kestra?.stop();
  if (profile) await rm(profile, { recursive: true, force: true });
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
    for (let i = 0; i < 14; i++) {
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        const style = el ? getComputedStyle(el) : null;
        return { id: el?.id ?? '', text: el?.textContent?.trim() ?? '', outline: style ? `${style.outlineStyle} ${style.outlineWidth}` : '' };
      });
      reached.push(focused.id || focused.text);
      if (focused.id === 'filter-service') outline = focused.outline;
    }
    expect(reached).toEqual(expect.arrayContaining(['filter-service', 'filter-decision', 'filter-range', 'payment-service']));
    expect(outline).toMatch(/^solid [1-9]/);
    expect(await page.getByLabel('Decision', { exact: true }).getAttribute('id')).toBe('filter-decision');
    // a filter chosen from the keyboard applies
    await page.focus('#filter-decision');
    await page.selectOption('#filter-decision', 'ROLLBACK');
    await page.waitForURL(/decision=ROLLBACK/);
    await page.locator(`tr[data-execution-id="${ids.cont}"]`).waitFor({ state: 'detached' });
    expect(await page.locator(`tr[data-execution-id="${ids.rollback}"]`).count()).toBe(1);
  });

  it('the deployment page shows the verdict table, a chart per metric, logs and the actions, from Kestra\'s outputs and files', async () => {
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
