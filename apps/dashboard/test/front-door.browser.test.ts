import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { call, ensureBuilt, firstPage, launchBrowser, screenshotFailure, startXat, type XatServer } from './harness.ts';
import { expectFits } from './page-overflow.ts';
import { type Seeded, seed } from './seed.ts';

// The account (sign out everywhere too), the team's settings, the phone-width bar, the upload box's refusals and the
// empty states' advice, in the built dashboard served by the real server, in Debian's Chromium.
let server: XatServer;
let data: Seeded;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let page: Page;

beforeAll(async () => {
  const [started] = await Promise.all([startXat(), ensureBuilt()]);
  server = started;
  data = await seed(server);
  browser = await launchBrowser();
  await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.origin });
  page = await firstPage(browser.context, 10_000);
}, 120_000);

afterEach(async (ctx) => {
  if (!(await screenshotFailure(ctx.task, page))) return;
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const PHONE = { width: 375, height: 740 };
const LAPTOP = { width: 1440, height: 900 };

async function signIn(username: string, password: string) {
  await page.goto(`${server.origin}/`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Servers' }).waitFor();
}

async function signOut() {
  await page.setViewportSize(LAPTOP);
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
}

const signInApi = (username: string, password: string) =>
  call<{ access: string; refresh: string }>(server, 'POST', '/api/v1/auth/token/', { body: { username, password } });

describe('account, settings, phone and empty states in Chromium', () => {
  it("changes the admin's password: the policy's refusal in its words, then success, and every other session ends", async () => {
    await signIn(server.admin.username, server.admin.password);
    // Another device signed in before the change.
    const elsewhere = await signInApi(server.admin.username, server.admin.password);
    expect(elsewhere.status).toBe(200);
    await page.getByRole('link', { name: /^Account: ada/ }).click();
    await page.getByRole('heading', { name: 'Account' }).waitFor();
    expect(await page.getByRole('region', { name: 'Profile' }).textContent()).toContain('ada@example.com');
    const form = page.getByRole('region', { name: 'Change password' });
    await form.getByLabel('Current password').fill(server.admin.password);
    await form.getByLabel('New password', { exact: true }).fill('password');
    await form.getByLabel('New password again').fill('password');
    await form.getByRole('button', { name: 'Change password' }).click();
    // The server's policy, each of its messages under the field it concerns.
    const newPassword = form.getByLabel('New password', { exact: true });
    await expect.poll(() => newPassword.getAttribute('aria-invalid')).toBe('true');
    const described = (await newPassword.getAttribute('aria-describedby')) ?? '';
    const errors = page.locator(`[id="${described.split(' ').pop()}"]`);
    expect(await errors.textContent()).toContain('This password is too short. It must contain at least 10 characters.');
    expect(await errors.textContent()).toContain('This password is too common.');
    // A wrong current password is refused under its own field.
    await form.getByLabel('Current password').fill('not-my-password');
    await newPassword.fill('violet tractor harbour 42');
    await form.getByLabel('New password again').fill('violet tractor harbour 42');
    await form.getByRole('button', { name: 'Change password' }).click();
    await form.getByText('Your old password was entered incorrectly.').waitFor();
    expect(await newPassword.getAttribute('aria-invalid')).toBeNull();

    await form.getByLabel('Current password').fill(server.admin.password);
    await form.getByRole('button', { name: 'Change password' }).click();
    await form.getByRole('status').filter({ hasText: 'Password changed.' }).waitFor();
    expect(await form.getByLabel('Current password').inputValue()).toBe('');
    // The other device's session is over; this browser was signed in again with the new password and stays so.
    const reused = await call(server, 'POST', '/api/v1/auth/token/refresh/', {
      body: { refresh: elsewhere.body.refresh },
    });
    expect(reused.status).toBe(401);
    const refresh = await page.evaluate(() => JSON.parse(localStorage.getItem('xat.session') ?? '{}').refresh);
    expect((await call(server, 'POST', '/api/v1/auth/token/refresh/', { body: { refresh } })).status).toBe(200);
    await page.reload();
    await page.getByRole('heading', { name: 'Account' }).waitFor();
    expect((await signInApi(server.admin.username, server.admin.password)).status).toBe(401);
    server.admin.password = 'violet tractor harbour 42';
    expect((await signInApi(server.admin.username, server.admin.password)).status).toBe(200);
  });

  it("lets an admin change the team's retention; the server's refusal is shown under its field", async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Settings' }).waitFor();
    expect(await page.getByRole('region', { name: 'Domains' }).textContent()).toContain(server.host.split(':')[0]);
    const form = page.getByRole('region', { name: 'Retention' });
    const raw = form.getByLabel('Raw samples (days)');
    const minute = form.getByLabel('1-minute averages (days)');
    const hour = form.getByLabel('1-hour averages (days)');
    await expect.poll(() => raw.inputValue()).toBe('7');
    expect(await minute.inputValue()).toBe('90');
    expect(await hour.inputValue()).toBe('730');
    expect(await form.textContent()).toContain('Now: 730 days (2 years).');
    // Coarser kept shorter than finer: the server refuses, naming the field.
    await raw.fill('30');
    await minute.fill('14');
    await form.getByRole('button', { name: 'Save retention' }).click();
    await form.getByText('Must be at least retention_raw_days.').waitFor();
    expect(await minute.getAttribute('aria-invalid')).toBe('true');
    await minute.fill('120');
    await form.getByRole('button', { name: 'Save retention' }).click();
    await form.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    const { access } = (await signInApi(server.admin.username, server.admin.password)).body;
    const stored = await call<Record<string, number>>(server, 'GET', '/api/v1/tenant/', { token: access });
    expect(stored.body).toMatchObject({ retention_raw_days: 30, retention_1m_days: 120, retention_1h_days: 730 });
    await page.reload();
    await expect.poll(() => minute.inputValue()).toBe('120');
    expect(await form.textContent()).toContain('Now: 120 days (about 4 months).');
  });

  it('shows the server’s own message when it refuses an uploaded file', async () => {
    await page.goto(`${server.origin}/servers/${data.azure.collector.id}`);
    const files = page.getByRole('region', { name: 'Uploaded files' });
    const input = files.getByLabel('File to upload');
    // The picker offers what the server keeps.
    expect(await input.getAttribute('accept')).toBe('.csv,.json,.txt,.log,.gz,.zip');
    await input.setInputFiles({ name: 'agent.exe', mimeType: 'application/octet-stream', buffer: Buffer.from('MZ') });
    await files.getByRole('button', { name: 'Upload', exact: true }).click();
    await files
      .getByRole('alert')
      .filter({
        hasText:
          'The server refused the file: File extension “exe” is not allowed. Allowed extensions are: csv, json, txt, log, gz, zip.',
      })
      .waitFor();
    // Choosing another file clears the refusal; an empty one is refused in the server's words too.
    await input.setInputFiles({ name: 'empty.json', mimeType: 'application/json', buffer: Buffer.alloc(0) });
    expect(await files.getByRole('alert').count()).toBe(0);
    await files.getByRole('button', { name: 'Upload', exact: true }).click();
    await files
      .getByRole('alert')
      .filter({ hasText: 'The server refused the file: The submitted file is empty.' })
      .waitFor();
    // 4 KiB of random bytes named .json (no NUL among them, so the reason is always the same): the server reads the
    // content, not only the name, and its reason is shown as it gave it.
    const random = Buffer.from(randomBytes(4096).map((b) => b || 1));
    await input.setInputFiles({ name: 'random.json', mimeType: 'application/json', buffer: random });
    expect(await files.getByRole('alert').count()).toBe(0);
    await files.getByRole('button', { name: 'Upload', exact: true }).click();
    await files
      .getByRole('alert')
      .filter({
        hasText:
          "The server refused the file: The file's content does not match its “.json” extension (JSON or NDJSON): it is not valid UTF-8 text.",
      })
      .waitFor();
    expect(await files.getByText('No files uploaded.').count()).toBe(1);
  });

  it('shows how much of a file was sent over a slow link, then that the server reads it, then the file', async () => {
    await page.goto(`${server.origin}/servers/${data.oci.collector.id}`);
    const files = page.getByRole('region', { name: 'Uploaded files' });
    // A collection of 600 rounds (≈ 130 KB), sent at 40 KB/s (Chromium's network emulation): about 4 s of sending,
    // until part of it is seen sent; then the link is fast again.
    const t0 = Math.floor(Date.now() / 1000) - 7200;
    const lines: string[] = [];
    for (let i = 0; i < 600; i++) {
      const ts = t0 + i * 5;
      const stat = `cpu  ${i * 100} 0 ${i * 50} ${i * 850} 0 0 0 0 0 0\nbtime 1700000000\n`;
      lines.push(JSON.stringify({ timestamp: ts, subsystem: '/proc/stat', measurement: stat }));
      lines.push(
        JSON.stringify({
          timestamp: ts,
          subsystem: '/proc/meminfo',
          measurement: 'MemTotal: 1000 kB\nMemFree: 400 kB\n',
        }),
      );
    }
    const buffer = Buffer.from(`${lines.join('\n')}\n`);
    const cdp = await browser.context.newCDPSession(page);
    const link = (uploadThroughput: number) =>
      cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: 0,
        downloadThroughput: -1,
        uploadThroughput,
      });
    await cdp.send('Network.enable');
    await link(40_000);
    const progress = files.getByRole('status', { name: 'Upload progress' });
    const seen = new Set<string>();
    try {
      await files
        .getByLabel('File to upload')
        .setInputFiles({ name: 'slow-link.json', mimeType: 'application/json', buffer });
      await files.getByRole('button', { name: 'Upload', exact: true }).click();
      await expect
        .poll(
          async () => {
            const text = (await progress.allTextContents()).join('');
            const sending = /Sending (\d+) %/.exec(text)?.[1];
            if (sending && Number(sending) > 0 && Number(sending) < 100) seen.add('part');
            return seen.has('part');
          },
          { timeout: 15_000, interval: 100 },
        )
        .toBe(true);
    } finally {
      await link(-1);
      await cdp.detach();
    }
    await files.getByRole('row').filter({ hasText: 'slow-link.json' }).waitFor({ timeout: 30_000 });
    expect(await progress.count()).toBe(0);
    expect(await files.getByRole('alert').count()).toBe(0);
  });

  it('shows what the agent says of itself: samples it dropped, and a warning for a clock 5 minutes fast', async () => {
    const { awsApi, azure } = data;
    // aws-api-02's agent reports with its clock 312 s ahead, having dropped 37 samples.
    const batch = {
      batch_id: `e2eskew${Date.now()}`,
      collector_time: Date.now() / 1000 + 312,
      samples: [],
      agent: { dropped_samples: 37 },
    };
    const sent = await call(server, 'POST', '/api/v1/metrics/', { apiKey: awsApi.apiKey, body: batch });
    expect(sent.status).toBe(200);
    await page.goto(`${server.origin}/servers/${awsApi.collector.id}`);
    const warning = page.getByRole('note', { name: 'Clock warning' });
    await expect
      .poll(() => warning.textContent())
      .toMatch(/^This server's clock is 5 min 1\d s ahead of the XAT server's\. Its samples are moved/);
    const specs = page.getByRole('region', { name: 'Specs' });
    expect(await specs.textContent()).toMatch(/Agent clock5 min 1\d s ahead/);
    expect(await specs.textContent()).toContain('Samples dropped by the agent37 (gaps in the charts)');
    // A clock in step gets no warning: azure-web-01's agent sent its metrics on time.
    await page.goto(`${server.origin}/servers/${azure.collector.id}`);
    await page.getByRole('heading', { name: 'azure-web-01' }).waitFor();
    expect(await page.getByRole('region', { name: 'Specs' }).textContent()).toMatch(/Agent clockin step/);
    expect(await page.getByRole('region', { name: 'Specs' }).textContent()).toContain(
      'Samples dropped by the agentnone',
    );
    expect(await warning.count()).toBe(0);
  });

  it("suggests the agent's own load test where there is none, and importing a file as the alternative", async () => {
    await page.goto(`${server.origin}/servers/${data.pending.collector.id}`);
    const tests = page.getByRole('region', { name: 'Load tests' });
    await tests.getByText('No load tests for this server yet.').waitFor();
    const text = (await tests.textContent()) ?? '';
    expect(text).toContain("Run the agent's load test on the server");
    expect(await tests.getByLabel('Load test command', { exact: true }).textContent()).toBe(
      'sudo pcc loadtest --runs 3',
    );
    expect(text).toContain('Or import a perfcpumeasure result file.');
    expect(text).not.toMatch(/Run perfcpumeasure/);
    await tests.getByRole('button', { name: 'Copy load test command' }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('sudo pcc loadtest --runs 3');
    // The alternative leads to the import form, for this server.
    await tests.getByRole('link', { name: 'import a perfcpumeasure result file' }).click();
    await page.getByRole('region', { name: 'Import a load test' }).waitFor();
    const history = page.getByRole('region', { name: 'Load test history' });
    await history.getByText('No load tests for this server yet.').waitFor();
    expect(await history.textContent()).toContain("Run the agent's load test on this server");
    expect(await history.textContent()).toContain('Or import a perfcpumeasure result file above.');
  });

  it('fits a phone: no page is wider than 375 px, and the sections open from a Menu button', async () => {
    await page.setViewportSize(PHONE);
    await page.goto(`${server.origin}/servers`);
    await page.getByRole('heading', { name: 'Servers' }).waitFor();
    const menu = page.getByRole('button', { name: 'Menu' });
    const nav = page.getByRole('navigation', { name: 'Main' });
    expect(await menu.getAttribute('aria-expanded')).toBe('false');
    expect(await nav.isVisible()).toBe(false);
    await menu.click();
    expect(await menu.getAttribute('aria-expanded')).toBe('true');
    await nav.getByRole('link', { name: 'Settings' }).waitFor();
    expect(await page.getByRole('button', { name: 'Sign out', exact: true }).isVisible()).toBe(true);
    await expectFits(page);
    // Following a link closes the menu.
    await nav.getByRole('link', { name: 'Load tests' }).click();
    await page.getByRole('heading', { name: 'Load tests', exact: true }).waitFor();
    expect(await menu.getAttribute('aria-expanded')).toBe('false');
    expect(await nav.isVisible()).toBe(false);

    const pages: [string, string][] = [
      ['/servers', 'Servers'],
      [`/servers/${data.azure.collector.id}`, 'azure-web-01'],
      [`/compare?ids=${data.oci.collector.id},${data.azure.collector.id}`, 'Compare'],
      ['/load-tests', 'Load tests'],
      [`/load-tests/${data.runs.ociSuspect.id}`, 'oci-app-01 ·'],
      ['/benchmarks', 'Benchmarks'],
      ['/users', 'Users'],
      ['/settings', 'Settings'],
      ['/account', 'Account'],
    ];
    for (const [path, heading] of pages) {
      await page.goto(`${server.origin}${path}`);
      await page.getByRole('heading', { name: heading }).first().waitFor();
      // Charts and tables size themselves after the data arrives.
      await page.waitForLoadState('networkidle');
      await expectFits(page, path);
    }
    await page.setViewportSize(LAPTOP);
    expect(await menu.isVisible()).toBe(false);
    expect(await nav.isVisible()).toBe(true);
  });

  it("keeps the team's settings from a viewer, and tells them the load-test command too", async () => {
    await signOut();
    await signIn(data.viewer.username, data.viewer.password);
    const nav = page.getByRole('navigation', { name: 'Main' });
    expect(await nav.getByRole('link', { name: 'Servers' }).count()).toBe(1);
    expect(await nav.getByRole('link', { name: 'Settings' }).count()).toBe(0);
    await page.goto(`${server.origin}/settings`);
    await page.getByText("Only admins change the team's settings.").waitFor();
    expect(await page.getByRole('region', { name: 'Retention' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Save retention' }).count()).toBe(0);
    // A viewer has an account page too.
    await page.getByRole('link', { name: /^Account: vera/ }).click();
    await page.getByRole('region', { name: 'Change password' }).waitFor();
    await page.goto(`${server.origin}/servers/${data.pending.collector.id}`);
    const tests = page.getByRole('region', { name: 'Load tests' });
    await tests.getByLabel('Load test command', { exact: true }).waitFor();
    expect(await tests.textContent()).toContain('Or a member imports a perfcpumeasure result file.');
    await signOut();
  });

  it('signs out everywhere from the account page: this browser lands on sign-in, no session of the user lives on', async () => {
    await signIn(server.admin.username, server.admin.password);
    const elsewhere = await signInApi(server.admin.username, server.admin.password);
    expect(elsewhere.status).toBe(200);
    // Someone else's session is not theirs to end.
    const viewer = await signInApi(data.viewer.username, data.viewer.password);
    expect(viewer.status).toBe(200);
    await page.getByRole('link', { name: /^Account: ada/ }).click();
    const sessions = page.getByRole('region', { name: 'Sessions' });
    await sessions.waitFor();
    const here = await page.evaluate(() => JSON.parse(localStorage.getItem('xat.session') ?? '{}').refresh);
    expect(typeof here).toBe('string');

    await sessions.getByRole('button', { name: 'Sign out everywhere' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByText('You signed out on every device and browser. Sign in again here.').waitFor();
    expect(await page.evaluate(() => localStorage.getItem('xat.session'))).toBeNull();
    for (const refresh of [here, elsewhere.body.refresh])
      expect((await call(server, 'POST', '/api/v1/auth/token/refresh/', { body: { refresh } })).status).toBe(401);
    expect(
      (await call(server, 'POST', '/api/v1/auth/token/refresh/', { body: { refresh: viewer.body.refresh } })).status,
    ).toBe(200);
    // A reload stays signed out; signing in again works.
    await page.reload();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await signIn(server.admin.username, server.admin.password);
  });
});
