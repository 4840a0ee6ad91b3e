import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';

export interface ServerHandle {
  url: string;
  stop(): Promise<void>;
}

const ROOT = new URL('..', import.meta.url).pathname;
/** The first admin of every server a benchmark starts. */
export const BENCH_ADMIN = { username: 'bench', password: 'bench-password-123' };

/** Extra Node flags for the server, e.g. BENCH_SERVER_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' to profile it. */
const nodeArgs = () => (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);

/** Starts `xat serve` as a separate process on a free loopback port with a fresh data dir (or DATABASE_URL). */
export async function startServer(port: number, env: Record<string, string>): Promise<ServerHandle> {
  const dataDir = mkdtempSync(join(tmpdir(), 'xat-bench-'));
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs(), join(ROOT, 'apps/server/bin/xat.mjs'), 'serve'], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      XAT_ADMIN_USERNAME: BENCH_ADMIN.username,
      XAT_ADMIN_PASSWORD: BENCH_ADMIN.password,
      LOGIN_RATE_LIMIT: '1000/m',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 120; i++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/health/`)).ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function json<T>(res: Promise<Response>): Promise<T> {
  const r = await res;
  if (!r.ok) throw new Error(`${r.status} ${await r.text()}`);
  return (await r.json()) as T;
}

/** The bench admin's access token on the server at `url`. */
export async function signIn(url: string): Promise<string> {
  const { access } = await json<{ access: string }>(
    fetch(`${url}/api/v1/auth/token/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(BENCH_ADMIN),
    }),
  );
  return access;
}

/** A collector made with the admin's token: its id and API key. */
export async function createCollector(
  url: string,
  access: string,
  body: Record<string, unknown>,
): Promise<{ id: string; api_key: string }> {
  return json(
    fetch(`${url}/api/v1/collectors/`, {
      method: 'POST',
      headers: { authorization: `Bearer ${access}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
  );
}

export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  non2xx: number;
}

/** autocannon against one endpoint: a bounded run (fixed duration) on loopback only. */
export async function load(opts: {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  connections: number;
  seconds: number;
}): Promise<LoadResult> {
  const result = await autocannon({
    url: opts.url,
    method: opts.method ?? 'GET',
    headers: opts.headers ?? {},
    ...(opts.body ? { body: opts.body } : {}),
    connections: opts.connections,
    duration: opts.seconds,
  });
  return {
    requestsPerSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}
