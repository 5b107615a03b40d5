// End to end: the dashboard built (`next build`) and started (`next start`),
// reading the Kestra API double seeded with a ROLLBACK and a CONTINUE
// execution (and a paused one), driven by Debian's chromium (playwright-core).
// Screenshots go to artifacts/.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKestraDouble, type KestraDouble } from '../support/kestra-api-double.js';
import { seedDecidedExecution, seedUndecided } from './fixtures.js';
import { buildDashboard, startDashboard, type RunningDashboard } from './next-server.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = resolve(import.meta.dirname, '../../artifacts');
const POLL_MS = 500;

let kestra: KestraDouble;
let dashboard: RunningDashboard;
let context: BrowserContext;
let profile: string;
let page: Page;

const searchRequests = () => kestra.requests.filter((r) => r.path === '/api/v1/main/executions/search');

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  await mkdir(ARTIFACTS, { recursive: true });
  kestra = await startKestraDouble();
  const now = Date.now();
  await seedDecidedExecution(kestra, 'memory-leak-payment', { id: 'e2eRollback0000000001', startDate: new Date(now - 20 * 60_000).toISOString() });
  await seedDecidedExecution(kestra, 'healthy-hotfix', { id: 'e2eContinue0000000001', startDate: new Date(now - 45 * 60_000).toISOString() });
  seedUndecided(kestra, 'PAUSED', 'orders', 'e2ePaused00000000001', new Date(now - 2 * 60_000).toISOString());
  await buildDashboard();
  dashboard = await startDashboard({
    KESTRA_URL: kestra.url,
    KESTRA_USERNAME: kestra.username,
    KESTRA_PASSWORD: kestra.password,
    KESTRA_PUBLIC_URL: 'https://kestra.example.test',
    DASHBOARD_POLL_MS: String(POLL_MS),
    DASHBOARD_TIMEOUT_MS: '1500',
  });
  profile = await mkdtemp(join(tmpdir(), 'dashboard-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1280, height: 900 },
  });
  page = context.pages()[0] ?? (await context.newPage());
}, 240_000);

afterAll(async () => {
  await context?.close();
  await dashboard?.stop();
  await kestra?.close();
  if (profile) await rm(profile, { recursive: true, force: true });
});

describe('dashboard end to end with the Kestra API double and chromium', () => {
  it('lists the ROLLBACK and CONTINUE deployments with their badges, and the paused one', async () => {
    await page.goto(dashboard.url);
    const rollback = page.locator('tr[data-execution-id="e2eRollback0000000001"]');
    const cont = page.locator('tr[data-execution-id="e2eContinue0000000001"]');
    await rollback.waitFor();
    expect(await rollback.locator('[data-decision]').textContent()).toBe('ROLLBACK');
    expect(await rollback.locator('th').textContent()).toBe('payment-service');
    expect(await cont.locator('[data-decision]').textContent()).toBe('CONTINUE');
    expect(await cont.locator('th').textContent()).toBe('checkout-service');
    expect(await page.locator('tr[data-execution-id="e2ePaused00000000001"]').textContent()).toContain('paused for approval');
    expect(await page.locator('.summary').textContent()).toContain('Rollback rate50%');
    expect(await page.locator('svg.decisions-chart rect.bar-rollback').count()).toBe(1);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-list.png'), fullPage: true });
  });

  it('keyboard navigation reaches the filters and the rows, with a visible focus ring', async () => {
    await page.goto(dashboard.url);
    await page.locator('tr[data-execution-id]').first().waitFor();
    const reached: string[] = [];
    let outline = '';
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        const style = el ? getComputedStyle(el) : null;
        return { id: el?.id ?? '', text: el?.textContent?.trim() ?? '', outline: style ? `${style.outlineStyle} ${style.outlineWidth}` : '' };
      });
      reached.push(focused.id || focused.text);
      if (focused.id === 'filter-service') outline = focused.outline;
    }
    expect(reached).toEqual(expect.arrayContaining(['filter-service', 'filter-decision', 'filter-range', 'payment-service', 'checkout-service']));
    expect(outline).toMatch(/^solid [1-9]/);
    // the labels name the inputs
    expect(await page.getByLabel('Decision', { exact: true }).getAttribute('id')).toBe('filter-decision');
    // keyboard choice of a filter applies it
    await page.focus('#filter-decision');
    await page.selectOption('#filter-decision', 'ROLLBACK');
    await page.waitForURL(/decision=ROLLBACK/);
    await page.locator('tr[data-execution-id="e2eContinue0000000001"]').waitFor({ state: 'detached' });
    expect(await page.locator('tr[data-execution-id]').count()).toBe(1);
  });

  it('the deployment page shows the metric verdict table, a chart per metric, logs and actions', async () => {
    await page.goto(dashboard.url);
    await page.getByRole('link', { name: 'payment-service' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/deployments\/e2eRollback0000000001$/);
    const table = page.locator('table.verdicts');
    await table.waitFor();
    expect(await table.locator('tbody tr').count()).toBe(7);
    expect(await page.locator('tr[data-metric="memory_pct"]').getAttribute('data-verdict')).toBe('high');
    expect(await page.locator('figure.metric-chart svg[role="img"]').count()).toBe(7);
    expect(await page.locator('figure.metric-chart[data-metric="memory_pct"] .deploy-line').count()).toBe(1);
    expect(await page.locator('figure.metric-chart[data-metric="memory_pct"] path.series-canary').count()).toBe(1);
    expect(await page.locator('table.signatures').textContent()).toContain('new');
    expect(await page.locator('[data-llm="disabled"]').textContent()).toContain('The judge decided alone');
    expect(await page.locator('[data-sample]').textContent()).toContain('reward pending');
    // from the outputs endpoint (Kestra 2.0 executions carry none)
    expect(await page.locator('[data-rollback]').getAttribute('data-rollback')).toBe('dry_run');
    expect(await page.locator('.detail-meta').textContent()).toContain('previous version v2.4.0');
    expect(await page.getByRole('link', { name: /Open execution/ }).getAttribute('href')).toBe(
      'https://kestra.example.test/ui/main/executions/ai.devops.commander/devops-loop/e2eRollback0000000001',
    );
    expect(await page.getByRole('link', { name: 'https://github.com/acme/gitops/pull/42' }).count()).toBe(1);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-deployment.png'), fullPage: true });
  });

  it('polls one page of executions per interval while visible, none while hidden', async () => {
    await page.goto(dashboard.url);
    await page.locator('tr[data-execution-id]').first().waitFor();
    const before = searchRequests().length;
    const allBefore = kestra.requests.length;
    await page.waitForTimeout(POLL_MS * 6);
    const visible = searchRequests().slice(before);
    expect(visible.length).toBeGreaterThanOrEqual(3);
    expect(visible.length).toBeLessThanOrEqual(7);
    expect(visible.every((r) => r.query.get('page') === '1')).toBe(true);
    // one request per poll: the search, nothing per row (decisions come from labels)
    expect(kestra.requests.slice(allBefore).map((r) => r.path)).toEqual(visible.map((r) => r.path));
    // hidden: the page stops polling
    await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await page.waitForTimeout(POLL_MS);
    const hiddenFrom = searchRequests().length;
    await page.waitForTimeout(POLL_MS * 4);
    expect(searchRequests().length).toBe(hiddenFrom);
    // a new execution shows up on the next poll once visible again
    kestra.addExecution({ id: 'e2eRunning0000000001', state: 'RUNNING', labels: { service: 'search', version: 'v7' } });
    await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'visible' });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await page.locator('tr[data-execution-id="e2eRunning0000000001"]').waitFor({ timeout: 5000 });
  });

  it('shows an "unreachable" banner when Kestra stops, keeping the last rows on screen', async () => {
    await page.goto(dashboard.url);
    await page.locator('tr[data-execution-id="e2eRollback0000000001"]').waitFor();
    kestra.setDown(true);
    try {
      const banner = page.locator('[role="alert"][data-problem="unreachable"]');
      await banner.waitFor({ timeout: 10_000 });
      expect(await banner.textContent()).toContain('Kestra is unreachable');
      expect(await page.locator('tr[data-execution-id="e2eRollback0000000001"] [data-decision]').textContent()).toBe('ROLLBACK');
      await page.screenshot({ path: join(ARTIFACTS, 'dashboard-kestra-down.png'), fullPage: true });
      // the deployment page seen before stays readable under the banner too
      await page.goto(`${dashboard.url}/deployments/e2eRollback0000000001`);
      expect(await page.locator('[role="alert"][data-problem="unreachable"]').textContent()).toContain('Showing the last data received');
      expect(await page.locator('table.verdicts tbody tr').count()).toBe(7);
      await page.goto(dashboard.url);
    } finally {
      kestra.setDown(false);
    }
    await page.locator('[role="alert"][data-problem]').waitFor({ state: 'detached', timeout: 10_000 });
  });
});
