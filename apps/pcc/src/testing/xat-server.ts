/** Test support: the real XAT server (`xat serve`, embedded PostgreSQL) on a free 127.0.0.1 port, and its API. */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { repoPath } from './paths.ts';

const XAT = repoPath('apps', 'server', 'bin', 'xat.mjs');

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  if (!address || typeof address !== 'object') throw new Error('no port');
  return address.port;
}

export interface XatServer {
  url: string;
  /** The first admin's Authorization header. */
  auth: { authorization: string };
  /** A new collector: its id and API key. */
  createCollector(name: string): Promise<{ id: string; api_key: string }>;
  /** Stops the server (SIGTERM) and waits for it to exit; nothing when it is not running. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data (after stop). */
  start(): Promise<void>;
}

export async function startXatServer(dataDir: string): Promise<XatServer> {
  const admin = { username: 'test-admin', password: 'test-password-0123' };
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  const stop = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((r) => running.once('exit', r));
    running.kill('SIGTERM');
    await exited;
  };
  const start = async () => {
    let output = '';
    const started = spawn(process.execPath, [XAT, 'serve'], {
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        DATABASE_URL: '',
        LOG_LEVEL: 'warn',
        XAT_ADMIN_USERNAME: admin.username,
        XAT_ADMIN_PASSWORD: admin.password,
      },
    });
    child = started;
    started.stdout?.on('data', (d) => {
      output += d;
    });
    started.stderr?.on('data', (d) => {
      output += d;
    });
    for (let i = 0; i < 240 && started.exitCode === null; i++) {
      try {
        if ((await fetch(`${url}/health/`)).ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    await stop();
    throw new Error(`xat serve did not come up:\n${output}`);
  };
  await start();
  const token = await fetch(`${url}/api/v1/auth/token/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(admin),
  }).then((r) => r.json() as Promise<{ access: string }>);
  const auth = { authorization: `Bearer ${token.access}` };
  return {
    url,
    auth,
    async createCollector(name) {
      const res = await fetch(`${url}/api/v1/collectors/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...auth },
        body: JSON.stringify({ name }),
      });
      if (res.status !== 201) throw new Error(`create collector: ${res.status} ${await res.text()}`);
      return (await res.json()) as { id: string; api_key: string };
    },
    stop,
    start,
  };
}
