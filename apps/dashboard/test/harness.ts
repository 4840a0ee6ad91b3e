import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const DASHBOARD = join(ROOT, 'apps/dashboard');
export const DIST = join(DASHBOARD, 'dist');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const run = promisify(execFile);

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(st.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

/** Builds the dashboard (vite build → dist) unless the build is newer than every source it comes from. */
export async function ensureBuilt(opts: { force?: boolean } = {}): Promise<void> {
  const sources = ['src', 'public', 'index.html', 'vite.config.ts', 'package.json'].map((p) => join(DASHBOARD, p));
  const newest = Math.max(...sources.map(newestMtime), newestMtime(join(ROOT, 'packages/contracts/src')));
  if (!opts.force && newestMtime(join(DIST, 'index.html')) > newest) return;
  await run(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], {
    cwd: DASHBOARD,
    // vitest sets NODE_ENV=test, which would give React's development build.
    env: { ...process.env, NODE_ENV: 'production' },
    timeout: 120_000,
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface XatServer {
  /** The dashboard's origin as the browser sees it: this test's own tenant domain. */
  origin: string;
  port: number;
  /** Host header of the tenant (`e2e-….localhost:port`). */
  host: string;
  admin: { username: string; password: string };
  stop(): Promise<void>;
}

/**
 * `xat serve` on a free loopback port with a fresh DATA_DIR (or DATABASE_URL, when set, so the suite runs on
 * PostgreSQL too), and a tenant of its own: `e2e-<random>.localhost`, which Chromium resolves to loopback. Its own
 * tenant keeps a shared PostgreSQL database from mixing this run's servers with anyone else's.
 */
export async function startXat(): Promise<XatServer> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'xat-e2e-'));
  const domain = `e2e-${randomBytes(4).toString('hex')}.localhost`;
  const admin = { username: 'ada', password: `e2e-${randomBytes(9).toString('base64url')}` };
  const env = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    LOGIN_RATE_LIMIT: '1000/m',
    XAT_ADMIN_USERNAME: 'admin',
    XAT_ADMIN_PASSWORD: `unused-${randomBytes(9).toString('base64url')}`,
  };
  const bin = join(ROOT, 'apps/server/bin/xat.mjs');
  await run(process.execPath, [bin, 'create-tenant', '--name', domain, '--domain', domain], { env, timeout: 60_000 });
  await run(
    process.execPath,
    [
      bin,
      'create-superuser',
      '--tenant',
      domain,
      '--username',
      admin.username,
      '--email',
      'ada@example.com',
      '--password',
      admin.password,
    ],
    { env, timeout: 60_000 },
  );
  // XAT_E2E_ENTRY: another entry point that serves the same app (for running the suite against a server variant).
  const entry = process.env.XAT_E2E_ENTRY ?? bin;
  let output = '';
  const child: ChildProcess = spawn(process.execPath, [entry, 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (d) => {
    output += d;
  });
  child.stderr?.on('data', (d) => {
    output += d;
  });
  const host = `${domain}:${port}`;
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  for (let i = 0; i < 160; i++) {
    if (child.exitCode !== null) break;
    try {
      if ((await call({ port, host }, 'GET', '/health/')).status === 200)
        return { origin: `http://${host}`, port, host, admin, stop };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await stop();
  throw new Error(`xat serve did not come up:\n${output}`);
}

export interface Reply<T = unknown> {
  status: number;
  body: T;
  text: string;
}

/** An HTTP call to the server with the tenant's Host header (fetch cannot set Host). */
export function call<T = unknown>(
  server: Pick<XatServer, 'port' | 'host'>,
  method: string,
  path: string,
  opts: { body?: unknown; token?: string; apiKey?: string; accept?: string; headers?: Record<string, string> } = {},
): Promise<Reply<T>> {
  const payload = opts.body === undefined ? undefined : Buffer.from(JSON.stringify(opts.body));
  const headers: Record<string, string> = { host: server.host, accept: opts.accept ?? 'application/json' };
  if (payload) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(payload.length);
  }
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.apiKey) headers['x-api-key'] = opts.apiKey;
  Object.assign(headers, opts.headers);
  return send<T>(server.port, method, path, headers, payload);
}

function send<T>(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  payload: Buffer | undefined,
): Promise<Reply<T>> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // not JSON
        }
        resolve({ status: res.statusCode ?? 0, body: body as T, text });
      });
    });
    req.on('error', reject);
    req.setTimeout(30_000, () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.end(payload);
  });
}

/**
 * A file posted as `multipart/form-data` (field `file`, plus any text fields), encoded by the platform's FormData;
 * with a user's token or an agent's key.
 */
export async function callMultipart<T = unknown>(
  server: Pick<XatServer, 'port' | 'host'>,
  path: string,
  file: { name: string; content: Uint8Array<ArrayBuffer> | string },
  opts: { token?: string; apiKey?: string; fields?: Record<string, string> },
): Promise<Reply<T>> {
  const form = new FormData();
  for (const [k, v] of Object.entries(opts.fields ?? {})) form.set(k, v);
  form.set('file', new Blob([file.content]), file.name);
  const encoded = new Response(form);
  const payload = Buffer.from(await encoded.arrayBuffer());
  const headers: Record<string, string> = {
    host: server.host,
    accept: 'application/json',
    'content-type': encoded.headers.get('content-type') ?? '',
    'content-length': String(payload.length),
  };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.apiKey) headers['x-api-key'] = opts.apiKey;
  return send<T>(server.port, 'POST', path, headers, payload);
}

export interface Agent {
  /** Where the disk benchmark may write (a temp dir, removed by stop). */
  diskDir: string;
  /** What the agent wrote so far (JSON log lines on stderr). */
  output(): string;
  /** SIGTERM, wait for the exit, remove its dirs; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * The real agent daemon (`pcc run` from the sources, apps/pcc/bin/pcc.mjs) for one collector, reaching the test's
 * tenant by its `*.localhost` domain (resolved by a preload, test/localhost-resolver.mjs), with its own data dir, an
 * empty config file (never the machine's /etc/pcc/config.json) and a temp dir as its working and disk directory.
 */
export function startAgent(server: Pick<XatServer, 'host'>, apiKey: string, env: Record<string, string> = {}): Agent {
  const dir = mkdtempSync(join(tmpdir(), 'xat-e2e-agent-'));
  const diskDir = join(dir, 'disk');
  mkdirSync(diskDir);
  writeFileSync(join(dir, 'config.json'), '{}\n');
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PCC_')));
  const child = spawn(
    process.execPath,
    ['--import', join(DASHBOARD, 'test/localhost-resolver.mjs'), join(ROOT, 'apps/pcc/bin/pcc.mjs'), 'run'],
    {
      cwd: diskDir,
      env: {
        ...clean,
        PCC_CONFIG: join(dir, 'config.json'),
        PCC_SERVER_URL: `http://${server.host}`,
        PCC_APIKEY: apiKey,
        PCC_DATA_DIR: join(dir, 'data'),
        PCC_LOG_LEVEL: 'info',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', (d) => {
    output += d;
  });
  child.stderr?.on('data', (d) => {
    output += d;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    diskDir,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const code = await exited;
      rmSync(dir, { recursive: true, force: true });
      return code;
    },
  };
}

/** Headless Debian Chromium through playwright-core, in a fresh profile; a laptop-sized window. */
/** The first page of a browser from launchBrowser (a persistent context opens with one), with its default timeout. */
export async function firstPage(context: BrowserContext, timeoutMs: number): Promise<Page> {
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(timeoutMs);
  return page;
}

/** After a failed test: a full-page screenshot in the temp dir, its path on stderr. True when the test failed. */
export async function screenshotFailure(
  task: { name: string; result?: { state?: string } },
  page: Page | undefined,
): Promise<boolean> {
  if (task.result?.state !== 'fail' || !page) return false;
  const file = join(tmpdir(), `xat-e2e-${task.name.replace(/\W+/g, '-').slice(0, 60)}.png`);
  await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
  console.error(`screenshot of the failure: ${file}`);
  return true;
}

export async function launchBrowser(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'xat-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--host-resolver-rules=MAP *.localhost 127.0.0.1',
    ],
    viewport: { width: 1440, height: 900 },
    deviceScaleFactor: 1,
    colorScheme: 'light',
    acceptDownloads: true,
    timezoneId: 'UTC',
    locale: 'en-US',
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
