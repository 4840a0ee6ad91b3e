import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Collector, LoadTest, MetricSeries, MetricsBatch, Recording, RecordingSummary } from '@xat/contracts';
import type { Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { formatKb } from '../src/lib/format.ts';
import { daySamples } from './day-samples.ts';
import {
  call,
  ensureBuilt,
  firstPage,
  launchBrowser,
  ROOT,
  screenshotFailure,
  startXat,
  type XatServer,
} from './harness.ts';
import { expectFits } from './page-overflow.ts';
import { type SeededRecording, seedRecordings } from './seed.ts';

// Recordings in the built dashboard, served by the real server, in Debian's Chromium: two real Azure collections from
// January 2026, uploaded by their servers' agents through the API, listed, opened, renamed, compared and deleted.
let server: XatServer;
let token: string;
let small: SeededRecording;
let large: SeededRecording;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let page: Page;

beforeAll(async () => {
  const [started] = await Promise.all([startXat(), ensureBuilt()]);
  server = started;
  const signedIn = await call<{ access: string }>(server, 'POST', '/api/v1/auth/token/', { body: server.admin });
  if (signedIn.status !== 200) throw new Error(`sign in: HTTP ${signedIn.status} ${signedIn.text}`);
  token = signedIn.body.access;
  ({ small, large } = await seedRecordings(server, token));
  browser = await launchBrowser();
  page = await firstPage(browser.context, 10_000);
}, 120_000);

afterEach(async (ctx) => {
  if (!(await screenshotFailure(ctx.task, page))) return;
  await page.keyboard.press('Escape').catch(() => undefined);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const PHONE = { width: 375, height: 740 };
const LAPTOP = { width: 1440, height: 900 };
const row = (name: string) => page.getByRole('row').filter({ has: page.getByRole('link', { name, exact: true }) });
const api = async <T>(path: string): Promise<T> => {
  const r = await call<T>(server, 'GET', path, { token });
  if (r.status !== 200) throw new Error(`GET ${path}: HTTP ${r.status} ${r.text.slice(0, 300)}`);
  return r.body;
};
/** The browser runs in UTC: a window reads as its ISO times, the date once when it stays on one day. */
const windowText = (r: Recording) => {
  const from = r.started_at ?? '';
  const to = r.ended_at ?? '';
  const at = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
  return from.slice(0, 10) === to.slice(0, 10) ? `${at(from)} to ${to.slice(11, 16)}` : `${at(from)} to ${at(to)}`;
};
const percent = (v: number | null | undefined) => (typeof v === 'number' ? `${v.toFixed(1)} %` : '—');

/** Pixels of a chart's canvas drawn in a series colour (not the grey of axes and grid): the data itself. */
const pixelsOf = (chart: Locator, hex: string) =>
  chart.evaluate((el, color) => {
    const canvas = el.querySelector('canvas');
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return 0;
    const [r, g, b] = [1, 3, 5].map((i) => Number.parseInt(color.slice(i, i + 2), 16));
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    let n = 0;
    for (let i = 0; i < data.length; i += 4)
      if (
        (data[i + 3] ?? 0) > 200 &&
        Math.abs((data[i] ?? 0) - (r ?? 0)) < 40 &&
        Math.abs((data[i + 1] ?? 0) - (g ?? 0)) < 40 &&
        Math.abs((data[i + 2] ?? 0) - (b ?? 0)) < 40
      )
        n++;
    return n;
  }, hex);

describe('recordings in Chromium', () => {
  it('lists both January recordings with their servers, source, window, samples and interval', async () => {
    await page.goto(`${server.origin}/`);
    await page.getByLabel('Username').fill(server.admin.username);
    await page.getByLabel('Password').fill(server.admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Servers' }).waitFor();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Recordings' }).click();
    await page.getByRole('heading', { name: 'Recordings', exact: true }).waitFor();
    await page.getByText('2 recordings').waitFor();
    for (const s of [small, large]) {
      const r = s.recording;
      const text = (await row(r.name).textContent()) ?? '';
      expect(windowText(r)).toMatch(/^2026-01-09 /);
      expect(text).toContain(windowText(r));
      expect(text).toContain(s.server.collector.name);
      expect(text).toContain('Upload');
      expect(text).toContain(String(r.sample_count));
      expect(text).toMatch(/every \d+ s/);
    }
    // Newest first: the afternoon's second collection leads.
    const names = await page.getByRole('row').locator('td:nth-child(2) a').allTextContents();
    expect(names).toEqual([large.recording.name, small.recording.name]);
    await page.getByRole('button', { name: 'Window' }).click();
    await expect
      .poll(() => page.getByRole('row').locator('td:nth-child(2) a').allTextContents())
      .toEqual([small.recording.name, large.recording.name]);
    expect(new URL(page.url()).searchParams.get('sort')).toBe('started_at');
  });

  it('filters by search, source and server', async () => {
    await page.getByLabel('Search recordings').fill('loadtest');
    await expect.poll(() => page.url()).toContain('q=loadtest');
    await expect.poll(() => row(small.recording.name).count()).toBe(0);
    expect(await row(large.recording.name).count()).toBe(1);
    await page.getByLabel('Search recordings').fill('');
    await page.getByLabel('Source').selectOption('trickle');
    await page.getByText('No recordings match these filters.').waitFor();
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await row(small.recording.name).waitFor();
    await page.getByLabel('Server', { exact: true }).selectOption({ label: small.server.collector.name });
    await expect.poll(() => row(large.recording.name).count()).toBe(0);
    expect(await row(small.recording.name).count()).toBe(1);
    await page.getByLabel('Server', { exact: true }).selectOption('');
    await row(large.recording.name).waitFor();
  });

  it('opens a recording: its charts draw its January samples and its statistics are the server’s', async () => {
    const r = small.recording;
    await row(r.name).getByRole('link', { name: r.name }).click();
    await page.getByRole('heading', { name: r.name }).waitFor();
    const facts = (await page.getByRole('region', { name: 'Recording' }).textContent()) ?? '';
    expect(facts).toContain(windowText(r));
    expect(facts).toContain(`${r.sample_count} samples`);
    expect(facts).toContain(small.server.collector.name);
    const series = await api<MetricSeries>(`/api/v1/recordings/${r.id}/series/?fields=cpu_busy`);
    expect(series.series.cpu_busy?.filter((v) => v !== null).length).toBeGreaterThan(5);
    const cpu = page.getByRole('img', { name: /^CPU chart: busy, steal, iowait/ });
    await cpu.waitFor();
    for (const name of [/^Memory used chart/, /^Disk read \/ write chart/, /^Network received \/ sent chart/])
      await page.getByRole('img', { name }).waitFor();
    expect(await cpu.locator('canvas').count()).toBe(1);
    // The lines are drawn in their colours: data, not just axes (CPU busy of this idle VM lies along the axis).
    await expect
      .poll(() => pixelsOf(page.getByRole('img', { name: /^Memory used chart/ }), '#3b82f6'))
      .toBeGreaterThan(50);
    expect(await pixelsOf(page.getByRole('img', { name: /^Disk read \/ write chart/ }), '#f97316')).toBeGreaterThan(20);
    expect(
      await pixelsOf(page.getByRole('img', { name: /^Network received \/ sent chart/ }), '#ec4899'),
    ).toBeGreaterThan(20);

    const summary = await api<RecordingSummary>(`/api/v1/recordings/${r.id}/summary/`);
    const busy = summary.stats.cpu_busy;
    expect(busy?.avg).toEqual(expect.any(Number));
    const busyRow = page.getByRole('region', { name: 'Statistics' }).getByRole('row').filter({ hasText: 'CPU busy' });
    const cells = await busyRow.getByRole('cell').allTextContents();
    expect(cells.slice(0, 5)).toEqual([
      'CPU busy',
      percent(busy?.avg),
      percent(busy?.p50),
      percent(busy?.p95),
      percent(busy?.max),
    ]);
    // Memory in binary units, as every page writes it.
    const memory = page
      .getByRole('region', { name: 'Statistics' })
      .getByRole('row')
      .filter({ has: page.getByRole('cell', { name: 'Memory used', exact: true }) });
    const memoryCells = await memory.getByRole('cell').allTextContents();
    expect(memoryCells[1]).toBe(formatKb(summary.stats.mem_used_kb?.avg));
    expect(memoryCells[1]).toMatch(/^\d+(\.\d)? (MiB|GiB)$/);
    await page.getByRole('region', { name: 'Load tests in this window' }).waitFor();
  });

  it('exports the recording as CSV with its samples', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    const text = readFileSync((await download.path()) ?? '', 'utf8');
    const lines = text.trim().split(/\r?\n/);
    expect(lines.length).toBeGreaterThanOrEqual(small.recording.sample_count);
    expect(text).toMatch(/2026-01-09|17679\d{5}/);
  });

  it('renames and describes it in place', async () => {
    await page.getByRole('button', { name: 'Rename / describe' }).click();
    const form = page.getByRole('form', { name: 'Rename and describe' });
    await form.getByLabel('Name').fill('');
    expect(await form.getByRole('button', { name: 'Save' }).isDisabled()).toBe(true);
    await form.getByLabel('Name').fill('Azure sys-info, January');
    await form.getByLabel('Description').fill('Before the kernel upgrade');
    await form.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { name: 'Azure sys-info, January' }).waitFor();
    await page.getByText('Before the kernel upgrade').first().waitFor();
    expect(await form.count()).toBe(0);
    const stored = await api<Recording>(`/api/v1/recordings/${small.recording.id}/`);
    expect(stored).toMatchObject({ name: 'Azure sys-info, January', description: 'Before the kernel upgrade' });
    small.recording = stored;
  });

  it("lists the recording on its server's page", async () => {
    await page.getByRole('link', { name: small.server.collector.name }).first().click();
    await page.getByRole('heading', { name: small.server.collector.name }).waitFor();
    const section = page.getByRole('region', { name: 'Recordings' });
    await section.getByRole('link', { name: 'Azure sys-info, January' }).waitFor();
    expect(await section.textContent()).toContain(windowText(small.recording));
  });

  it('compares the two: one metric overlaid from each start, statistics side by side', async () => {
    await page.goto(`${server.origin}/recordings/compare?ids=${small.recording.id}`);
    await page.getByText('Only one recording chosen: a comparison needs at least two.').waitFor();
    await page.getByRole('link', { name: 'Choose recordings' }).click();
    await page.getByRole('heading', { name: 'Recordings', exact: true }).waitFor();
    const compare = page.getByRole('button', { name: /^Compare \(/ });
    expect(await compare.isDisabled()).toBe(true);
    await page.getByLabel(`Select ${small.recording.name} to compare`).check();
    await page.getByLabel(`Select ${large.recording.name} to compare`).check();
    await compare.click();
    await page.getByRole('heading', { name: 'Compare recordings' }).waitFor();
    expect(new URL(page.url()).searchParams.get('ids')?.split(',').sort()).toEqual(
      [small.recording.id, large.recording.id].sort(),
    );
    const overlay = page
      .getByRole('region', { name: 'Overlay' })
      .getByRole('img', { name: /^CPU busy since each start chart/ });
    await overlay.waitFor();
    const label = (await overlay.getAttribute('aria-label')) ?? '';
    // The legend names each recording, its server and its day.
    expect(label).toContain(`Azure sys-info, January · ${small.server.collector.name} · 2026-01-09`);
    expect(label).toContain(`${large.recording.name} · ${large.server.collector.name} · 2026-01-09`);
    await expect.poll(() => pixelsOf(overlay, '#3b82f6')).toBeGreaterThan(30);
    await expect.poll(() => pixelsOf(overlay, '#ef4444')).toBeGreaterThan(30);

    const table = page.getByRole('region', { name: 'Statistics side by side' });
    const busy = (await table.getByRole('row').filter({ hasText: 'CPU busy' }).getByRole('cell').allTextContents()).map(
      (c) => c.split('p95')[0],
    );
    const summaries = await Promise.all(
      [small, large].map((s) => api<RecordingSummary>(`/api/v1/recordings/${s.recording.id}/summary/`)),
    );
    const headers = await table.getByRole('columnheader').allTextContents();
    const order = headers.slice(1).map((h) => (h.startsWith('Azure sys-info') ? 0 : 1));
    expect(order.sort()).toEqual([0, 1]);
    expect(busy.slice(1)).toEqual(
      headers.slice(1).map((h) => percent(summaries[h.startsWith('Azure sys-info') ? 0 : 1]?.stats.cpu_busy?.avg)),
    );

    await page.getByLabel('Metric').selectOption({ label: 'Memory used' });
    await page
      .getByRole('region', { name: 'Overlay' })
      .getByRole('img', { name: /^Memory used since each start chart/ })
      .waitFor();
    expect(new URL(page.url()).searchParams.get('field')).toBe('mem_used_kb');
  });

  it('keeps a window of live data as a recording, with the load test that ran inside it and its verdict', async () => {
    const s = small.server;
    // Typed in: nothing says how it was measured, so the server judges it suspect.
    const units = Object.fromEntries([10, 20, 30, 40, 50, 60, 70, 80, 90, 100].map((b) => [`units_${b}pct`, b * 9]));
    const test = await call<LoadTest>(server, 'POST', '/api/v1/loadtest/', {
      token,
      body: { collector: s.collector.id, notes: 'during the live window', ...units },
    });
    expect(test.status, test.text).toBe(201);
    // Two hours of minute samples, the last one just after the load test was stored: it ran inside their window.
    const now = Math.ceil(Date.now() / 1000) + 1;
    const minutes = daySamples(3, 4, 16 * 1024 * 1024, { from: 0, to: 0 }, now).slice(-120);
    const shift = now - (minutes.at(-1)?.timestamp ?? now);
    const batch: MetricsBatch = {
      batch_id: `rec${now}`,
      collector_time: now,
      samples: minutes.map((m) => ({ ...m, timestamp: m.timestamp + shift })),
    };
    const sent = await call(server, 'POST', '/api/v1/metrics/', { apiKey: s.apiKey, body: batch });
    expect(sent.status, sent.text).toBe(200);
    const kept = await call<Recording>(server, 'POST', '/api/v1/recordings/', {
      token,
      body: {
        collector: s.collector.id,
        name: 'Last two hours',
        start: new Date((now - 2 * 3600) * 1000).toISOString(),
        end: new Date((now + 60) * 1000).toISOString(),
      },
    });
    expect(kept.status, kept.text).toBe(201);
    await page.goto(`${server.origin}/recordings?source=live`);
    const live = row('Last two hours');
    await live.waitFor();
    expect(await live.textContent()).toContain('Live window');
    expect(await row(small.recording.name).count()).toBe(0);
    await live.getByRole('link', { name: 'Last two hours' }).click();
    const tests = page.getByRole('region', { name: 'Load tests in this window' });
    const run = tests.getByRole('row').filter({ hasText: test.body.validity });
    await run.waitFor();
    expect(test.body.validity).toBe('suspect');
    expect(await run.textContent()).toContain('900');
    await run.getByRole('link').click();
    await expect.poll(() => new URL(page.url()).pathname).toBe(`/load-tests/${test.body.id}`);
    // It stays out of the tests below, which count the January recordings.
    expect((await call(server, 'DELETE', `/api/v1/recordings/${kept.body.id}/`, { token })).status).toBe(204);
  });

  it('fits a phone: the list, a recording and the compare are no wider than 375 px', async () => {
    await page.setViewportSize(PHONE);
    const pages: [string, string][] = [
      ['/recordings', 'Recordings'],
      [`/recordings/${small.recording.id}`, small.recording.name],
      [`/recordings/compare?ids=${small.recording.id},${large.recording.id}`, 'Compare recordings'],
    ];
    for (const [path, heading] of pages) {
      await page.goto(`${server.origin}${path}`);
      await page.getByRole('heading', { name: heading }).first().waitFor();
      await page.waitForLoadState('networkidle');
      await expectFits(page, path);
    }
    await page.setViewportSize(LAPTOP);
  });

  it('deletes a recording after confirming, and it is gone from the list', async () => {
    const r = large.recording;
    await page.goto(`${server.origin}/recordings/${r.id}`);
    await page.getByRole('heading', { name: r.name }).waitFor();
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: `Delete ${r.name}?` });
    expect(await dialog.textContent()).toContain(`${r.sample_count} samples`);
    await dialog.getByRole('button', { name: 'Delete recording' }).click();
    await page.getByRole('heading', { name: 'Recordings', exact: true }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/recordings');
    await page.getByText('1 recording', { exact: true }).waitFor();
    expect(await row(r.name).count()).toBe(0);
    await row(small.recording.name).waitFor();
    expect((await call(server, 'GET', `/api/v1/recordings/${r.id}/`, { token })).status).toBe(404);
    // Its page now says so in words.
    await page.goto(`${server.origin}/recordings/${r.id}`);
    await page.getByText('This recording could not be loaded.').waitFor();
  });
  it('shows a replayed trickle session as active until someone completes it', async () => {
    const created = await call<Collector & { api_key: string }>(server, 'POST', '/api/v1/collectors/', {
      token,
      body: { name: 'azure-trickle-03', vm_brand: 'azure' },
    });
    expect(created.status, created.text).toBe(201);
    // The original pcc's rounds of January, each sent as it sends them, with their own timestamps.
    const lines = readFileSync(join(ROOT, 'fixtures/pcc/loadtest-cpuinfo/loadtest-cpuinfo.json'), 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as { timestamp: number; subsystem: string; measurement: string });
    const rounds = new Map<number, typeof lines>();
    for (const m of lines) rounds.set(m.timestamp, [...(rounds.get(m.timestamp) ?? []), m]);
    for (const measurements of rounds.values()) {
      const sent = await call(server, 'POST', '/v1/trickle', {
        apiKey: created.body.api_key,
        body: { identifier: 'loadtest-cpuinfo', measurements },
      });
      expect(sent.status, sent.text).toBe(200);
    }
    await page.goto(`${server.origin}/recordings?source=trickle`);
    const session = page.getByRole('row').filter({ hasText: 'azure-trickle-03' });
    await session.waitFor();
    expect(await session.textContent()).toContain('Trickle session');
    expect(await session.textContent()).toMatch(/^.*2026-01-09 18:1\d to 18:1\d/);
    await session.getByText('active', { exact: true }).waitFor();
    await session.getByRole('link').first().click();
    await page.getByRole('button', { name: 'Complete session' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Complete session' }).count()).toBe(0);
    const facts = page.getByRole('region', { name: 'Recording' });
    expect(await facts.textContent()).toContain('Trickle session');
    expect(await facts.getByText('active', { exact: true }).count()).toBe(0);
    const list = await call<{ results: Recording[] }>(
      server,
      'GET',
      `/api/v1/recordings/?collector_id=${created.body.id}`,
      { token },
    );
    expect(list.body.results.map((r) => [r.source, r.status])).toEqual([['trickle', 'completed']]);
  });
});
