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
  /** A new collector: its id and API key. */
  createCollector(name: string): Promise<{ id: string; api_key: string }>;
  stop(): Promise<void>;
}

export async function startXatServer(dataDir: string): Promise<XatServer> {
  const admin = { username: 'bench-admin', password: 'bench-password-0123' };
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let output = '';
  const child: ChildProcess = spawn(process.execPath, [XAT, 'serve'], {
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
  child.stdout?.on('data', (d) => {
    output += d;
  });
  child.stderr?.on('data', (d) => {
    output += d;
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  };
  let up = false;
  for (let i = 0; i < 240 && child.exitCode === null && !up; i++) {
    try {
      up = (await fetch(`${url}/health/`)).ok;
    } catch {
      // not listening yet
    }
    if (!up) await new Promise((r) => setTimeout(r, 250));
  }
  if (!up) {
    await stop();
    throw new Error(`xat serve did not come up:\n${output}`);
  }
  const token = await fetch(`${url}/api/v1/auth/token/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(admin),
  }).then((r) => r.json() as Promise<{ access: string }>);
  return {
    url,
    async createCollector(name) {
      const res = await fetch(`${url}/api/v1/collectors/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token.access}` },
        body: JSON.stringify({ name }),
      });
      if (res.status !== 201) throw new Error(`create collector: ${res.status} ${await res.text()}`);
      return (await res.json()) as { id: string; api_key: string };
    },
    stop,
  };
}
