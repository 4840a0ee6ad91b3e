import { AGENT_CAPABILITIES_HEADER, type Collector } from '@xat/contracts';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { call, ensureBuilt, firstPage, launchBrowser, screenshotFailure, startXat, type XatServer } from './harness.ts';
import { expectFits } from './page-overflow.ts';
import type { SeededServer } from './seed.ts';
import { seedBenchmarkRuns } from './seed-benchmarks.ts';

// Watching benchmark results over days, in the built dashboard served by the real server, in Debian's Chromium: six
// daily suite results of two servers uploaded with their agents' keys (the first server's last one 22 % down in CPU
// and memory, disk and network unchanged), the fleet's drops, a server's history with its drop flagged, the comparison's verdicts over those
// runs, and schedules added, paused and deleted.
let server: XatServer;
let token: string;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let page: Page;
let big: SeededServer;
let small: SeededServer;

async function addServer(name: string, hourlyCost: number): Promise<SeededServer> {
  const created = await call<Collector & { api_key: string }>(server, 'POST', '/api/v1/collectors/', {
    token,
    body: { name, hourly_cost: hourlyCost },
  });
  if (created.status !== 201) throw new Error(`create ${name}: HTTP ${created.status} ${created.text}`);
  return { collector: created.body, apiKey: created.body.api_key };
}

beforeAll(async () => {
  const [started] = await Promise.all([startXat(), ensureBuilt()]);
  server = started;
  const signedIn = await call<{ access: string }>(server, 'POST', '/api/v1/auth/token/', { body: server.admin });
  if (signedIn.status !== 200) throw new Error(`sign in: HTTP ${signedIn.status} ${signedIn.text}`);
  token = signedIn.body.access;
  big = await addServer('watch-big', 0.192);
  small = await addServer('watch-small', 0.05);
  await seedBenchmarkRuns(server, big, small);
  // The big server's agent asks for jobs once (as pcc run does), so it can be scheduled; the small one's never does.
  const polled = await call(server, 'GET', '/api/v1/agent/jobs/next/', {
    apiKey: big.apiKey,
    headers: { [AGENT_CAPABILITIES_HEADER]: 'jobs,suite' },
  });
  if (polled.status !== 204) throw new Error(`job poll: HTTP ${polled.status} ${polled.text}`);
  browser = await launchBrowser();
  page = await firstPage(browser.context, 15_000);
}, 120_000);

afterEach(async (ctx) => {
  if (!(await screenshotFailure(ctx.task, page))) return;
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('benchmark results over time, in Chromium', () => {
  it('lists the fleet’s drop: the server whose latest result fell below its median, by how much', async () => {
    await page.goto(`${server.origin}/`);
    await page.getByLabel('Username').fill(server.admin.username);
    await page.getByLabel('Password').fill(server.admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Servers' }).waitFor();
    await page.goto(`${server.origin}/benchmarks`);
    const drops = page.getByRole('region', { name: 'Benchmark drops' });
    const row = drops.getByRole('row').filter({ hasText: 'Memory copy, all threads' });
    await row.waitFor();
    expect(await row.textContent()).toMatch(/^watch-big/);
    // 0.78 of the median: 22 % worse, past the default 10 %.
    expect(await row.textContent()).toMatch(/2[12](\.\d)? % \(flag past 10 %\)/);
    expect(await drops.getByRole('row').filter({ hasText: 'watch-small' }).count()).toBe(0);
    // Measured rows are said to be measured, with their scores as ratios.
    const list = page.getByRole('region', { name: 'Benchmark list' });
    await list.getByText('measured').first().waitFor();
    expect(await list.getByText('typed in').count()).toBe(0);
    await row.getByRole('link', { name: 'watch-big' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('bmetric')).toBe('memory.copy_gbps_all');
  });

  it("charts the metric on the server's page with the drop flagged and said in words", async () => {
    const history = page.getByRole('region', { name: 'Benchmark history' });
    await history.getByRole('img', { name: /^Memory copy, all threads over time: 6 runs, 1 flagged$/ }).waitFor();
    const flagged = history.getByRole('list', { name: 'Flagged drops' }).getByRole('listitem');
    expect(await flagged.count()).toBe(1);
    expect(await flagged.textContent()).toMatch(/GB\/s, 2[12]\.\d % worse than the median$/);
    // Another metric that did not drop: nothing flagged.
    await history.getByLabel('Benchmark metric').selectOption('disk.rand_read_iops');
    await history.getByRole('img', { name: /^4 KiB random read over time: 6 runs, 0 flagged$/ }).waitFor();
    expect(await history.getByRole('list', { name: 'Flagged drops' }).count()).toBe(0);
    // The chart was drawn for that metric (its legend and axis), not left with the previous one's.
    const legend = (await history.locator('.u-legend').textContent()) ?? '';
    expect(legend).toContain('4 KiB random read');
    expect(legend).not.toContain('Memory copy');
  });

  it('adds a schedule for this server, pauses and resumes it, and deletes it', async () => {
    const history = page.getByRole('region', { name: 'Benchmark history' });
    const form = history.getByRole('form', { name: 'New schedule' });
    await form.getByLabel('Every (hours)').fill('0.1');
    await form.getByRole('button', { name: 'Add schedule' }).click();
    await form.getByText('Every: a number of hours from 0.25 to 2160.').waitFor();
    await form.getByLabel('Every (hours)').fill('12');
    await form.getByLabel('Profile').selectOption('cpu');
    await form.getByRole('button', { name: 'Add schedule' }).click();
    const schedules = history.getByRole('list', { name: 'Schedules' });
    const item = schedules.getByRole('listitem').filter({ hasText: 'cpu on watch-big every 12 h' });
    await item.waitFor();
    await item.getByRole('button', { name: 'Pause the cpu schedule on watch-big' }).click();
    await item.getByText('paused').waitFor();
    await item.getByRole('button', { name: 'Resume the cpu schedule on watch-big' }).click();
    await item.getByText(/next \d{4}-\d\d-\d\d/).waitFor();
    const stored = await call<{ results: { collector: string; every_hours: number; profile: string }[] }>(
      server,
      'GET',
      '/api/v1/benchmark-schedules/',
      { token },
    );
    expect(stored.body.results).toEqual([
      expect.objectContaining({ collector: big.collector.id, every_hours: 12, profile: 'cpu' }),
    ]);
    await item.getByRole('button', { name: 'Delete the cpu schedule on watch-big' }).click();
    await expect.poll(() => item.count()).toBe(0);
    // A server whose agent never asked for jobs cannot be scheduled on its own, and the page says why.
    await page.goto(`${server.origin}/servers/${small.collector.id}`);
    const other = page.getByRole('region', { name: 'Benchmark history' });
    await other.getByText("This server cannot be scheduled: its agent doesn't run jobs").waitFor();
    expect(await other.getByLabel('On').locator('option').allTextContents()).toEqual(['the whole fleet']);
  });

  it('compares the two over their six runs: intervals, verdicts and per-$ figures', async () => {
    await page.goto(`${server.origin}/compare?ids=${small.collector.id},${big.collector.id}&view=benchmarks`);
    const metrics = page.getByRole('region', { name: 'Benchmark metrics' });
    const single = metrics.locator('tr[data-metric="core_scaling.single_units_per_s"]');
    await single.waitFor();
    const text = (await single.textContent()) ?? '';
    expect(text).toMatch(/n 6 · CV/);
    expect(text).toMatch(/95 %: [\d,]+–[\d,]+/);
    expect(text).toMatch(/per \$\/h: [\d,]+/);
    const verdicts = await metrics
      .locator('[data-verdict]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-verdict')));
    expect(verdicts).toContain('faster');
    expect(verdicts).toContain('slower');
    expect(verdicts).not.toContain('single_run');
    await page.setViewportSize({ width: 375, height: 800 });
    try {
      await page.getByRole('region', { name: 'Scores' }).waitFor();
      await expectFits(page);
      await page.goto(`${server.origin}/servers/${big.collector.id}`);
      await page.getByRole('region', { name: 'Benchmark history' }).getByRole('img').waitFor();
      await expectFits(page);
    } finally {
      await page.setViewportSize({ width: 1440, height: 900 });
    }
  });
});
