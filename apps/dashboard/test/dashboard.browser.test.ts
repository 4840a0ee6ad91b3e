import { readFileSync } from 'node:fs';
import { ratioOf } from '@xat/stats';
import type { Download, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { call, ensureBuilt, firstPage, launchBrowser, screenshotFailure, startXat, type XatServer } from './harness.ts';
import { type Seeded, seed } from './seed.ts';

// The built dashboard, served by the real server (`xat serve`), driven in Debian's Chromium: what a person does.
// It writes no file of the repository (`npm run screenshots` makes the README's pictures).
let server: XatServer;
let data: Seeded;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let page: Page;

beforeAll(async () => {
  const [started] = await Promise.all([startXat(), ensureBuilt()]);
  server = started;
  const home = await call(server, 'GET', '/', { accept: 'text/html' });
  if (!home.text.includes('<div id="root">'))
    throw new Error(
      'The server does not serve the dashboard at /: register webRoutes (apps/server/src/modules/web/web.routes.ts) in apps/server/src/app.ts.',
    );
  data = await seed(server);
  browser = await launchBrowser();
  await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.origin });
  page = await firstPage(browser.context, 10_000);
}, 120_000);

// A failed step leaves a screenshot to look at, and no open dialog to trip the next test.
afterEach(async (ctx) => {
  if (!(await screenshotFailure(ctx.task, page))) return;
  await page.keyboard.press('Escape').catch(() => undefined);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const readDownload = async (d: Download) => readFileSync((await d.path()) ?? '', 'utf8');
const row = (name: string) => page.getByRole('row').filter({ has: page.getByRole('link', { name, exact: true }) });

async function signIn(username: string, password: string) {
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

describe('dashboard in Chromium', () => {
  it('serves the dashboard at / with the API untouched beside it', async () => {
    const home = await call(server, 'GET', '/servers', { accept: 'text/html' });
    expect(home.status).toBe(200);
    expect(home.text, 'webRoutes must be registered in apps/server/src/app.ts').toContain('<div id="root">');
    const api404 = await call(server, 'GET', '/api/v1/nope/', { accept: 'text/html' });
    expect(api404.status).toBe(404);
    expect(api404.body).toMatchObject({ code: 'not_found' });
  });

  it('signs in (a wrong password is refused in words)', async () => {
    await page.goto(`${server.origin}/`);
    await expect.poll(() => page.getByRole('heading', { name: 'Sign in' }).isVisible()).toBe(true);
    await signIn(server.admin.username, 'not-the-password');
    await page.getByText('Wrong username or password.').waitFor();
    await signIn(server.admin.username, server.admin.password);
    await page.getByRole('heading', { name: 'Servers' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/servers');
    const azure = row('azure-web-01');
    await azure.waitFor();
    await expect.poll(() => azure.textContent()).toMatch(/Connected.*(just now|s ago|min ago)/);
    expect(await azure.textContent()).toContain('4 vCPUs');
    expect(await azure.textContent()).toContain('$0.192/h');
    expect(await row('aws-db-01').textContent()).toContain('Waiting for agent');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).waitFor();
  });

  it('filters the servers by search and status', async () => {
    await page.getByLabel('Search servers').fill('oci');
    await expect.poll(() => page.url()).toContain('q=oci');
    await expect.poll(() => row('azure-web-01').count()).toBe(0);
    await expect.poll(() => row('oci-app-01').count()).toBe(1);
    await page.getByLabel('Search servers').fill('');
    await page.getByLabel('Status').selectOption('pending');
    await expect.poll(() => row('oci-app-01').count()).toBe(0);
    await expect.poll(() => row('aws-db-01').count()).toBe(1);
    await page.getByLabel('Status').selectOption('');
    await row('azure-web-01').waitFor();
  });

  it('adds a server and shows its install command and key once', async () => {
    // The fleet spans pages: the search keeps the new server on the one shown.
    await page.getByLabel('Search servers').fill('new-server');
    await page.getByText('No servers match these filters.').waitFor();
    await page.getByRole('button', { name: 'Add server' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Add server' });
    await dialog.getByLabel('Name').fill('new-server-01');
    await dialog.getByRole('button', { name: 'Add server' }).click();
    const ready = page.getByRole('dialog', { name: 'new-server-01 is ready for its agent' });
    const command = (await ready.getByLabel('Install command', { exact: true }).textContent()) ?? '';
    const key = (await ready.getByLabel('API key', { exact: true }).textContent()) ?? '';
    expect(command).toBe(`curl -fsSL ${server.origin}/install.sh | API_KEY=${key} bash`);
    expect(await ready.getByRole('alert').textContent()).toMatch(/shown only once/);
    await ready.getByRole('button', { name: 'Copy install command' }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(command);
    // The key shown is the real one: the agent can register with it.
    const registered = await call(server, 'POST', '/api/v1/register/', { apiKey: key, body: { hostname: 'new-01' } });
    expect(registered.status).toBe(200);
    await ready.getByRole('button', { name: 'Done' }).click();
    await row('new-server-01').waitFor();
  });

  it('edits a server, and deletes one after confirming', async () => {
    await page.getByRole('button', { name: 'Edit new-server-01' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit new-server-01' });
    await edit.getByLabel('Hourly cost (USD)').fill('abc');
    await edit.getByText('Enter dollars per hour').waitFor();
    await edit.getByLabel('Hourly cost (USD)').fill('0.0416');
    await edit.getByLabel('VM brand').selectOption('aws');
    await edit.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => row('new-server-01').textContent()).toContain('$0.0416/h');
    await page.getByRole('button', { name: 'Delete new-server-01' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete new-server-01?' });
    expect(await confirm.textContent()).toMatch(/cannot be undone/);
    await confirm.getByRole('button', { name: 'Delete server' }).click();
    await expect.poll(() => row('new-server-01').count()).toBe(0);
    await page.getByLabel('Search servers').fill('');
    await row('azure-web-01').waitFor();
  });

  it('sorts the whole fleet by performance, with totals from the summary and each figure’s runs and validity', async () => {
    const totals = page.getByRole('region', { name: 'Fleet totals' });
    // 126 servers, 320 vCPUs: the whole fleet, not the 50 rows of the page on screen.
    await expect.poll(() => totals.textContent()).toContain(`Servers${data.fleet.count}`);
    expect(await totals.textContent()).toContain(`vCPUs${data.fleet.vcpus}`);
    expect(await page.getByText(/Page 1 of 3/).count()).toBe(1);
    const names = () => page.locator('tbody tr td:nth-child(2) strong').allTextContents();
    // Names sort naturally on the server: load-2 before load-10.
    expect((await names()).slice(0, 9)).toEqual([
      'aws-api-02',
      'aws-db-01',
      'azure-web-01',
      'bm-build-01',
      'gcp-batch-02',
      'load-0',
      'load-1',
      'load-2',
      'load-3',
    ]);
    await page.getByRole('button', { name: 'Performance', exact: true }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('sort')).toBe('-performance');
    await expect.poll(async () => (await names()).slice(0, 3)).toEqual(['azure-web-01', 'oci-app-01', 'aws-api-02']);
    const header = page.getByRole('columnheader', { name: /Performance/ });
    expect(await header.getAttribute('aria-sort')).toBe('descending');
    const median = (runs: readonly { units_100pct: number }[]) =>
      [...runs.map((r) => r.units_100pct)].sort((a, b) => a - b)[1] ?? 0;
    const azure = (await row('azure-web-01').textContent()) ?? '';
    expect(azure).toContain(`${median(data.runs.azure).toLocaleString('en-US')} u/s · 3 runs`);
    // OCI's newest run is invalid: its three valid runs count, and a badge says the latest did not.
    expect(await row('oci-app-01').textContent()).toMatch(/3 runs.*latest invalid/);
    // A typed-in result is suspect: no valid run, so no figure.
    expect(await row('aws-api-02').textContent()).toContain('no valid runs');
    await page.getByRole('button', { name: 'Performance', exact: true }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('sort')).toBe('performance');
    await page.getByRole('button', { name: 'Name' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('sort')).toBe('name');
    // The rows settle in name order before the next test clicks one (on a busy machine they arrive later).
    await expect.poll(async () => (await names()).slice(0, 3)).toEqual(['aws-api-02', 'aws-db-01', 'azure-web-01']);
  });

  it("opens a server's charts and changes the range (kept in the URL)", async () => {
    await page.getByRole('link', { name: 'azure-web-01', exact: true }).click();
    await page.getByRole('heading', { name: 'azure-web-01' }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/servers/${data.azure.collector.id}`);
    const specs = page.getByRole('region', { name: 'Specs' });
    expect(await specs.textContent()).toContain('AMD EPYC 7763');
    await page.getByRole('button', { name: 'Last 6H' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('range')).toBe('6h');
    expect(await page.getByRole('button', { name: 'Last 6H' }).getAttribute('aria-pressed')).toBe('true');
    await page.getByRole('button', { name: 'Custom…' }).click();
    const custom = page.getByRole('dialog', { name: 'Custom time range' });
    await custom.getByLabel('From').fill('2030-01-02T10:00');
    await custom.getByLabel('To').fill('2030-01-01T10:00');
    await custom.getByRole('button', { name: 'Apply range' }).click();
    await custom.getByText('The start must be before the end.').waitFor();
    await custom.getByLabel('To').fill('2030-01-02T12:00');
    await custom.getByRole('button', { name: 'Apply range' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('from')).toBe('2030-01-02T10:00:00Z');
    expect(new URL(page.url()).searchParams.get('to')).toBe('2030-01-02T12:00:00Z');
    // Back goes to the previous range; reloading keeps it.
    await page.goBack();
    await expect.poll(() => new URL(page.url()).searchParams.get('range')).toBe('6h');
    await page.reload();
    await page.getByRole('heading', { name: 'azure-web-01' }).waitFor();
    expect(await page.getByRole('button', { name: 'Last 6H' }).getAttribute('aria-pressed')).toBe('true');
    await page.getByRole('button', { name: 'Live' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('live')).toBe('1');
    await page.getByRole('button', { name: 'Live' }).click();
    await page.getByRole('button', { name: 'Last 24H' }).click();
    // The server's load tests and benchmarks are listed under the charts.
    const tests = await page.getByRole('region', { name: 'Load tests' }).textContent();
    for (const r of data.runs.azure) expect(tests).toContain(String(r.units_100pct));
    expect(await page.getByRole('region', { name: 'Benchmarks' }).textContent()).toContain('Nightly baseline');
  });

  it('draws the CPU, memory, disk, network and filesystem series with the gap and the load tests shown', async () => {
    await page.getByRole('img', { name: /^CPU chart: user, nice, system, iowait, steal/ }).waitFor();
    for (const name of [/^Memory chart/, /^Disk chart/, /^Network chart/, /^Filesystem usage chart: \/, \/data/])
      await page.getByRole('img', { name }).waitFor();
    const gaps = page.getByRole('list', { name: 'CPU: stretches without data' });
    // The end's date is written only when the gap crosses midnight.
    expect(await gaps.textContent()).toMatch(/No data from \d{4}-\d\d-\d\d \d\d:\d\d to (\d{4}-\d\d-\d\d )?\d\d:\d\d/);
    // The three runs of two hours ago are shaded on the CPU chart and listed under it, each from its start.
    const marks = page.getByRole('list', { name: 'CPU: load tests' }).getByRole('listitem');
    await expect.poll(() => marks.count()).toBe(3);
    expect(await marks.first().textContent()).toMatch(/^Load test \(valid\) from \d{4}-\d\d-\d\d \d\d:\d\d to/);
    // The browser runs in UTC, so the oldest run's start reads as its ISO time.
    const hhmm = String(data.runs.azure[0]?.details?.started_at).slice(11, 16);
    expect((await marks.allTextContents()).join(' ')).toContain(`${hhmm} to`);
    await page.getByLabel('Network interface').selectOption('eth1');
    await page.getByRole('img', { name: /^Network chart: eth1 received, eth1 sent/ }).waitFor();
    await page.getByLabel('Network interface').selectOption('');
  });

  it("uploads, downloads and deletes a server's file", async () => {
    const files = page.getByRole('region', { name: 'Uploaded files' });
    await files
      .getByLabel('File to upload')
      .setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello xat\n') });
    await files.getByLabel('Description of the file').fill('kernel notes');
    await files.getByRole('button', { name: 'Upload', exact: true }).click();
    await files.getByRole('cell', { name: 'notes.txt', exact: true }).waitFor();
    expect(await files.getByRole('row').filter({ hasText: 'notes.txt' }).textContent()).toContain('kernel notes');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      files.getByRole('button', { name: 'Download notes.txt' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('notes.txt');
    expect(await readDownload(download)).toBe('hello xat\n');
    await files.getByRole('button', { name: 'Delete notes.txt' }).click();
    await page.getByRole('dialog', { name: 'Delete notes.txt?' }).getByRole('button', { name: 'Delete file' }).click();
    await files.getByText('No files uploaded.').waitFor();
  });

  it('imports a perfcpumeasure file and shows the result in detail, judged', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Load tests' }).click();
    const form = page.getByRole('region', { name: 'Import a load test' });
    await form.getByLabel('Server').selectOption({ label: 'gcp-batch-02' });
    await form
      .getByLabel('Result file')
      .setInputFiles({ name: 'bad.ndjson', mimeType: 'application/x-ndjson', buffer: Buffer.from('not json\n') });
    await form.getByRole('button', { name: 'Import load test' }).click();
    await form.getByText(/The import failed: file: line 1: not valid JSON/).waitFor();
    const lines = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100].map((busy) =>
      JSON.stringify({ siteid: 7, host: 3, busy, units: busy * 6 }),
    );
    await form.getByLabel('Result file').setInputFiles({
      name: 'gcp.ndjson',
      mimeType: 'application/x-ndjson',
      buffer: Buffer.from(`${lines.join('\n')}\n`),
    });
    await form.getByLabel('Notes').fill('after kernel upgrade');
    await form.getByRole('button', { name: 'Import load test' }).click();
    await page.getByRole('heading', { name: /gcp-batch-02 · / }).waitFor();
    expect(new URL(page.url()).pathname).toMatch(/^\/load-tests\/[0-9a-f-]{36}$/);
    expect(await page.getByRole('region', { name: 'Levels' }).textContent()).toContain('600');
    expect(await page.getByText('after kernel upgrade').count()).toBe(1);
    // An imported file holds only units: the server calls it suspect and says why.
    const banner = page.getByRole('region', { name: 'Validity' });
    expect(await banner.textContent()).toMatch(/^Suspect: .*Imported: the file holds only units/);
    expect(await page.getByRole('region', { name: 'How it was measured' }).textContent()).toContain(
      'Sourceimported file',
    );
    await page.getByRole('button', { name: 'Delete' }).click();
    await page
      .getByRole('dialog', { name: 'Delete this load test?' })
      .getByRole('button', { name: 'Delete load test' })
      .click();
    const history = page.getByRole('region', { name: 'Load test history' });
    await history.getByRole('row').filter({ hasText: 'azure-web-01' }).first().waitFor();
    expect(await history.getByRole('row').filter({ hasText: 'gcp-batch-02' }).count()).toBe(0);
    // The list says each run's verdict and, in a few words, why.
    const invalid = history.getByRole('row').filter({ has: page.getByText('invalid', { exact: true }) });
    expect(await invalid.count()).toBe(1);
    expect(await invalid.textContent()).toMatch(/oci-app-01.*invalid.*steal/);
    // Filtered by validity on the server: only the invalid run is left.
    await history.getByLabel('Validity').selectOption('invalid');
    await expect.poll(() => history.getByRole('row').count()).toBe(2);
    expect(await history.getByRole('row').nth(1).textContent()).toContain('oci-app-01');
    await history.getByLabel('Validity').selectOption('');
  });

  it('shows why a pcc run is suspect: every reason in words, the levels as measured, no raw JSON, its series', async () => {
    await page.goto(`${server.origin}/load-tests/${data.runs.ociSuspect.id}`);
    const banner = page.getByRole('region', { name: 'Validity' });
    await banner.waitFor();
    expect(await banner.textContent()).toMatch(/^Suspect: comparisons leave this run out/);
    const reasons = await banner.getByRole('listitem').allTextContents();
    expect(reasons).toEqual(data.runs.ociSuspect.validity_reasons.map((r) => r.message));
    expect(reasons.join(' ')).toMatch(/At the 70 % level other processes took 8\.2 % of the machine \(limit 5 %\)/);
    expect(reasons.join(' ')).toMatch(/At the 80 % level other processes took 9\.4 %/);
    expect(await page.getByText('pcc agent').count()).toBeGreaterThan(0);
    const levels = page.getByRole('region', { name: 'Levels' });
    const headers = await levels.getByRole('columnheader').allTextContents();
    expect(headers).toEqual(['Target', 'Achieved %', 'Other %', 'Steal %', 'Throttled %', 'MHz', 'Units / s']);
    expect(await levels.getByRole('row').filter({ hasText: /^70 %/ }).textContent()).toMatch(/70 %flagged69\.68\.2/);
    expect(await levels.getByRole('row').filter({ hasText: /^60 %/ }).textContent()).not.toContain('flagged');
    // No JSON dump of `details`: its keys appear nowhere on the page.
    const text = (await page.locator('main').textContent()) ?? '';
    for (const raw of ['"tool"', 'other_utilization', 'achieved_utilization', '{"']) expect(text).not.toContain(raw);
    // The other four runs of its series, listed with their verdicts.
    const series = page.getByRole('region', { name: 'Series' });
    await expect.poll(() => series.getByRole('row').count()).toBe(5);
    expect(await series.textContent()).toMatch(/invalid/);
    // The invalid run says so in red words, with its reason.
    await page.goto(`${server.origin}/load-tests/${data.runs.ociInvalid.id}`);
    await expect
      .poll(() => page.getByRole('region', { name: 'Validity' }).textContent())
      .toMatch(/^Invalid: these units cannot be trusted.*At the 90 % level the hypervisor stole 12\.5 %/);
  });

  it('compares the runs of two servers: verdict with its interval, bands, runs left out, hand-picked runs', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Compare' }).click();
    await page.getByRole('heading', { name: 'Compare', exact: true }).waitFor();
    const picker = page.getByRole('region', { name: 'Servers to compare' });
    // Any server of the fleet can be found, not only those of a first page.
    await picker.getByLabel('Find servers').fill('load-117');
    await picker.getByRole('checkbox', { name: 'load-117' }).check();
    await page.getByRole('button', { name: 'Remove load-117 from the comparison' }).click();
    await picker.getByLabel('Find servers').fill('oci');
    await picker.getByRole('checkbox', { name: 'oci-app-01' }).check();
    await picker.getByLabel('Find servers').fill('azure-web');
    await picker.getByRole('checkbox', { name: 'azure-web-01' }).check();

    // OCI is the baseline; azure's verdict is the ratio of the valid runs' geometric means, with its interval.
    const units = (runs: readonly { units_100pct: number }[]) => runs.map((r) => r.units_100pct);
    const r = ratioOf(units(data.runs.azure), units(data.runs.oci));
    expect(r.verdict).toBe('faster');
    const [lo, hi] = r.ci95 ?? [0, 0];
    const verdict = `${r.value.toFixed(2)}× faster, 95 %: ${lo.toFixed(2)}–${hi.toFixed(2)}, 3 runs each`;
    const table = page.getByRole('region', { name: 'Comparison table' });
    const azureRow = table.getByRole('row').filter({ hasText: 'azure-web-01' });
    await expect.poll(() => azureRow.textContent()).toContain(verdict);
    expect(await azureRow.locator('[data-verdict]').getAttribute('data-verdict')).toBe('faster');
    expect(await table.getByRole('row').filter({ hasText: 'oci-app-01' }).textContent()).toMatch(
      /3 · latest series.*baseline/,
    );

    // The curves carry a 95 % band: the chart says so, and the canvas is tinted inside the baseline's band.
    const curves = page.getByRole('region', { name: 'Load test curves' });
    await curves.getByRole('img', { name: /Shaded: 95 % interval of the mean$/ }).waitFor();
    const pixel = await curves.evaluate((el) => {
      const root = el.querySelector<HTMLElement>('[data-band-probe]');
      const [x, y] = (root?.dataset.bandProbe ?? '').split(',').map(Number);
      const ctx = root?.querySelector('canvas')?.getContext('2d');
      if (!root || !ctx || x === undefined || y === undefined) return null;
      const [red = 0, green = 0, blue = 0, alpha = 0] = ctx.getImageData(x, y, 1, 1).data;
      return { bands: Number(root.dataset.bands), red, green, blue, alpha };
    });
    expect(pixel?.bands).toBe(2);
    // The baseline is drawn in blue (#3b82f6): inside its band the pixel is a translucent blue.
    expect(pixel?.alpha).toBeGreaterThan(30);
    expect((pixel?.blue ?? 0) - (pixel?.red ?? 0)).toBeGreaterThan(100);

    // OCI's suspect and invalid runs are left out, and the page says so and why.
    const notice = page.getByRole('status', { name: 'Runs left out' });
    // The reasons in the order the server met them, each once.
    expect(await notice.textContent()).toMatch(
      /^1 suspect and 1 invalid runs left out: (other load, steal|steal, other load) — include them$/,
    );
    await notice.getByRole('button', { name: 'include them' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('include')).toBe('suspect,invalid');
    await expect.poll(() => azureRow.textContent()).toContain('3 and 5 runs');
    expect(await notice.count()).toBe(0);
    const runs = page.getByRole('region', { name: 'Runs compared' });
    await runs.getByLabel('Include suspect runs').uncheck();
    await runs.getByLabel('Include invalid runs').uncheck();
    await expect.poll(() => notice.count()).toBe(1);
    await expect.poll(() => azureRow.textContent()).toContain(verdict);

    // Runs picked by hand: two of each server.
    for (const [name, picked] of [
      ['azure-web-01', data.runs.azure],
      ['oci-app-01', data.runs.oci],
    ] as const) {
      await runs.getByText(`Pick runs of ${name} by hand`).click();
      const list = runs.getByRole('group', { name: `Runs of ${name}` });
      for (const run of picked.slice(0, 2))
        await list.locator(`label:has(a[href="/load-tests/${run.id}"]) input[type="checkbox"]`).check();
    }
    await expect.poll(() => azureRow.textContent()).toMatch(/2 · chosen by hand.*2 runs each/);
    expect(new URL(page.url()).searchParams.get('runs')?.split(',')).toHaveLength(4);
    await runs.getByRole('button', { name: 'Use the run set again' }).click();
    await expect.poll(() => azureRow.textContent()).toContain(verdict);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      curves.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^load-test-comparison-\d{4}-\d\d-\d\d\.csv$/);
    const lines = (await readDownload(download)).trim().split('\r\n');
    expect(lines[0]).toMatch(/^server,provider,specs,vcpus,effective_cpus,hourly_cost_usd,run_set,runs,verdict,/);
    expect(lines[1]).toMatch(/^oci-app-01,OCI,.*,2,2,0.05,latest_series,3,baseline,baseline,/);
    expect(lines[2]).toContain(`azure-web-01,Azure,`);
    expect(lines[2]).toContain(`,faster,"${verdict}",`);

    // The baseline can be switched; the verdicts follow. Slower is said as how many times slower, interval inverted.
    await page.getByRole('button', { name: 'Make azure-web-01 the baseline' }).click();
    const back = ratioOf(units(data.runs.oci), units(data.runs.azure));
    const [blo, bhi] = back.ci95 ?? [1, 1];
    const slower = `${(1 / back.value).toFixed(2)}× slower, 95 %: ${(1 / bhi).toFixed(2)}–${(1 / blo).toFixed(2)}, 3 runs each`;
    const ociRow = table.getByRole('row').filter({ hasText: 'oci-app-01' });
    await expect.poll(() => ociRow.textContent()).toContain(slower);
    expect(await ociRow.locator('[data-verdict]').getAttribute('data-verdict')).toBe('slower');
  });

  it('overlays one metric across the servers, on absolute or aligned time', async () => {
    const overlay = page.getByRole('region', { name: 'One metric across servers' });
    await overlay.getByLabel('Metric').selectOption('mem_used_pct');
    await expect.poll(() => new URL(page.url()).searchParams.get('field')).toBe('mem_used_pct');
    await overlay.getByRole('button', { name: 'Aligned at start' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('align')).toBe('start');
    await overlay.getByRole('button', { name: 'Absolute time' }).click();
    await overlay.getByLabel('Metric').selectOption('cpu_busy');
    await overlay.getByRole('img', { name: /^CPU busy across servers chart: azure-web-01, oci-app-01/ }).waitFor();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      overlay.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    const csv = (await readDownload(download)).split('\r\n');
    expect(csv[0]).toBe('timestamp,azure-web-01,oci-app-01');
    expect(csv.length).toBeGreaterThan(20);
    await overlay.getByRole('button', { name: 'Aligned at start' }).click();
    await overlay.getByRole('img', { name: /^CPU busy across servers chart/ }).waitFor();
    await overlay.getByRole('button', { name: 'Absolute time' }).click();
    await overlay.getByRole('img', { name: /^CPU busy across servers chart/ }).waitFor();
    const [png] = await Promise.all([
      page.waitForEvent('download'),
      overlay.getByRole('button', { name: 'Export PNG' }).click(),
    ]);
    expect(
      readFileSync((await png.path()) ?? '')
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');
  });

  it('creates, filters and edits benchmarks, with their statistics', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Benchmarks' }).click();
    const stats = page.getByRole('region', { name: 'Benchmark statistics' });
    await expect.poll(() => stats.textContent()).toMatch(/Benchmarks1Completed1/);
    await page.getByRole('button', { name: 'New benchmark' }).click();
    const dialog = page.getByRole('dialog', { name: 'New benchmark' });
    // oci-app-01 is past the first hundred servers by name: the server finds it.
    await dialog.getByLabel('Search the list').fill('oci');
    await dialog.getByLabel('Server').selectOption({ label: 'oci-app-01' });
    await dialog.getByLabel('Name').fill('Ampere soak');
    await dialog.getByLabel('Status').selectOption('completed');
    await dialog.getByLabel('Overall score').fill('140');
    await dialog.getByRole('button', { name: 'Create benchmark' }).click();
    await dialog.getByText('Overall score: A score is a number from 0 to 100.').waitFor();
    await dialog.getByLabel('Overall score').fill('64.5');
    await dialog.getByRole('button', { name: 'Create benchmark' }).click();
    const list = page.getByRole('region', { name: 'Benchmark list' });
    await list.getByRole('row').filter({ hasText: 'Ampere soak' }).waitFor();
    await expect.poll(() => stats.textContent()).toMatch(/Benchmarks2Completed2.*Avg overall score71\.6/);
    await page.getByLabel('Status filter').selectOption('failed');
    await list.getByText('No benchmark matches these filters.').waitFor();
    await list.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByRole('button', { name: 'Edit Ampere soak' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit Ampere soak' });
    await edit.getByLabel('Name').fill('Ampere soak, 24 h');
    await edit.getByRole('button', { name: 'Save' }).click();
    await list.getByRole('row').filter({ hasText: 'Ampere soak, 24 h' }).waitFor();
  });

  it('lets an admin add a user, change their role and remove them', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
    await page.getByRole('button', { name: 'Add user' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add user' });
    await dialog.getByLabel('Username').fill('max');
    await dialog.getByLabel('Initial password').fill('short');
    await dialog.getByRole('button', { name: 'Add user' }).click();
    await dialog.getByText(/password: This password is too short/).waitFor();
    await dialog.getByLabel('Initial password').fill('a-long-enough-password');
    await dialog.getByLabel('Role').selectOption('viewer');
    await dialog.getByRole('button', { name: 'Add user' }).click();
    const role = page.getByLabel('Role of max');
    await expect.poll(() => role.inputValue()).toBe('viewer');
    await role.selectOption('member');
    await expect
      .poll(
        async () =>
          (
            (await call(server, 'GET', '/api/v1/users/', { token: data.token })).body as {
              results: { username: string; role: string }[];
            }
          ).results.find((u) => u.username === 'max')?.role,
      )
      .toBe('member');
    // The last admin cannot demote themselves: the refusal is shown in words.
    await page.getByLabel(`Role of ${server.admin.username}`).selectOption('viewer');
    await page.getByText(/The role could not be changed: role: The last active admin/).waitFor();
    await page.getByRole('button', { name: 'Remove max' }).click();
    await page.getByRole('dialog', { name: 'Remove max?' }).getByRole('button', { name: 'Remove user' }).click();
    await expect.poll(() => page.getByLabel('Role of max').count()).toBe(0);
  });

  it('switches the theme, and the choice survives a reload', async () => {
    const theme = () => page.evaluate(() => document.documentElement.dataset.theme);
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(await theme()).toBe('light');
    const light = await background();
    await page.getByRole('button', { name: /^Theme: System\. Switch to light theme/ }).click();
    await page.getByRole('button', { name: /^Theme: Light\. Switch to dark theme/ }).click();
    expect(await theme()).toBe('dark');
    expect(await background()).not.toBe(light);
    await page.reload();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    expect(await theme()).toBe('dark');
    await page.getByRole('button', { name: /^Theme: Dark\. Switch to system theme/ }).click();
    expect(await theme()).toBe('light');
    // Back on "System", the page follows the system's scheme as it changes.
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect.poll(theme).toBe('dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await expect.poll(theme).toBe('light');
  });

  it('signs out: back to the sign-in page, and the refresh token no longer works', async () => {
    const refresh = await page.evaluate(
      () => JSON.parse(localStorage.getItem('xat.session') ?? '{}').refresh as string,
    );
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await page.evaluate(() => localStorage.getItem('xat.session'))).toBeNull();
    const reused = await call(server, 'POST', '/api/v1/auth/token/refresh/', { body: { refresh } });
    expect(reused.status).toBe(401);
    await page.goto(`${server.origin}/servers`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  });

  it('a viewer sees no edit controls', async () => {
    await signIn(data.viewer.username, data.viewer.password);
    await row('azure-web-01').waitFor();
    const nav = page.getByRole('navigation', { name: 'Main' });
    expect(await nav.getByRole('link', { name: 'Users' }).count()).toBe(0);
    const writes = /^(Add server|Edit|New key|Delete|Regenerate|Upload|Import|New benchmark|Remove)/;
    expect(await page.getByRole('button', { name: writes }).count()).toBe(0);
    await page.getByRole('link', { name: 'azure-web-01', exact: true }).click();
    await page.getByRole('heading', { name: 'azure-web-01' }).waitFor();
    await page.getByRole('region', { name: 'Uploaded files' }).waitFor();
    expect(await page.getByRole('button', { name: writes }).count()).toBe(0);
    expect(await page.getByLabel('File to upload').count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Import a load test' }).count()).toBe(0);
    await nav.getByRole('link', { name: 'Load tests' }).click();
    await page.getByRole('region', { name: 'Load test history' }).waitFor();
    expect(await page.getByRole('region', { name: 'Import a load test' }).count()).toBe(0);
    await nav.getByRole('link', { name: 'Benchmarks' }).click();
    await page.getByText('Nightly baseline').waitFor();
    expect(await page.getByRole('button', { name: writes }).count()).toBe(0);
    await page.goto(`${server.origin}/users`);
    await page.getByText('Only admins manage users.').waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  });
});
