import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

// The real entry points, as a user runs them: `xat serve` (what `npm start` runs) and the admin commands.
const XAT = fileURLToPath(new URL('../bin/xat.mjs', import.meta.url));
const run = promisify(execFile);
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function freshDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'xat-cli-'));
  dirs.push(dir);
  return dir;
}

function xat(args: string[], env: Record<string, string>) {
  return run(process.execPath, [XAT, ...args], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    timeout: 60_000,
  }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}

async function startServe(
  env: Record<string, string>,
): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  let output = '';
  const child = spawn(process.execPath, [XAT, 'serve'], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
  });
  child.stdout?.on('data', (d) => {
    output += d;
  });
  child.stderr?.on('data', (d) => {
    output += d;
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 120 && child.exitCode === null; i++) {
    try {
      if ((await fetch(`${url}/health/`)).ok) return { child, url, output: () => output };
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  child.kill('SIGKILL');
  throw new Error(`xat serve did not come up:\n${output}`);
}

async function stop(child: ChildProcess): Promise<number | null> {
  child.kill('SIGTERM');
  if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
  return child.exitCode;
}

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

/** POST with an explicit Host header (fetch does not let a caller set Host); resolves to the status code. */
function postWithHost(url: string, host: string, body: unknown): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { host, 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

describe('xat serve (npm start)', () => {
  // Real processes, three starts of the embedded database: minutes on a loaded machine.
  it('starts on a fresh data dir, prints a one-time admin password, and the seed README curl flow works', {
    timeout: 180_000,
  }, async () => {
    const dataDir = freshDataDir();
    const { child, url, output } = await startServe({ DATA_DIR: dataDir, DATABASE_URL: '' });
    let password: string | undefined;
    try {
      password = /password: (\S+)/.exec(output())?.[1];
      expect(password, output()).toBeTruthy();
      const token = await post(`${url}/api/v1/auth/token/`, { username: 'admin', password });
      expect(token.status).toBe(200);
      const { access, user } = (await token.json()) as { access: string; user: { role: string } };
      expect(user.role).toBe('admin');

      const created = await post(
        `${url}/api/v1/collectors/`,
        { name: 'web-server-01' },
        { authorization: `Bearer ${access}` },
      );
      expect(created.status).toBe(201);
      const collector = (await created.json()) as { id: string; api_key: string; install_command: string };
      expect(collector.install_command).toBe(`curl -fsSL ${url}/install.sh | API_KEY=${collector.api_key} bash`);

      const registered = await post(
        `${url}/api/v1/register/`,
        { hostname: 'web-01', vcpus: 4, memory_gib: 16, processor_model: 'EPYC' },
        { apikey: collector.api_key },
      );
      expect(registered.status).toBe(200);
      const detail = await fetch(`${url}/api/v1/collectors/${collector.id}/`, {
        headers: { authorization: `Bearer ${access}` },
      });
      expect(await detail.json()).toMatchObject({ status: 'connected', specs_summary: '4 vCPUs | 16 GiB RAM | EPYC' });

      // A second process on the same embedded database refuses, saying why, instead of corrupting it.
      const second = await xat(['migrate'], { DATA_DIR: dataDir, DATABASE_URL: '' });
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(/in use by another xat process/);
    } finally {
      expect(await stop(child)).toBe(0);
    }
    // Restart: same data, no second admin; the password is not printed again, only where it waits until changed.
    const again = await startServe({ DATA_DIR: dataDir, DATABASE_URL: '' });
    try {
      expect(again.output()).not.toContain(password);
      expect(again.output()).toContain(
        `The first admin's password is still in ${join(dataDir, 'first-admin-password.txt')}`,
      );
    } finally {
      await stop(again.child);
    }
  });

  it('refuses to start on bad settings and lists every bad variable', async () => {
    const r = await xat(['serve'], {
      DATA_DIR: freshDataDir(),
      PORT: 'eighty',
      DATABASE_URL: 'mysql://x',
      ACCESS_TOKEN_LIFETIME: 'soon',
      MAX_UPLOAD_BYTES: 'lots',
    });
    expect(r.code).toBe(1);
    for (const name of ['PORT', 'DATABASE_URL', 'ACCESS_TOKEN_LIFETIME', 'MAX_UPLOAD_BYTES'])
      expect(r.stderr).toContain(name);
  });
});

describe('xat admin commands', () => {
  it('create-tenant is idempotent and create-superuser makes a user who can sign in on that host only', {
    timeout: 180_000,
  }, async () => {
    const dataDir = freshDataDir();
    const env = { DATA_DIR: dataDir };
    const domain = `acme-${Date.now()}.example.com`;
    const first = await xat(
      ['create-tenant', '--name', `Acme ${domain}`, '--domain', domain, '--domain', `www.${domain}`],
      env,
    );
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain(`domain ${domain} (primary)`);
    const second = await xat(['create-tenant', '--name', `Acme ${domain}`, '--domain', domain], env);
    expect(second.code).toBe(0);
    expect(second.stdout.match(/domain /g)?.length).toBe(2);

    const su = await xat(
      [
        'create-superuser',
        '--tenant',
        domain,
        '--username',
        'alice',
        '--email',
        'a@acme.test',
        '--password',
        'alice-password-9',
      ],
      env,
    );
    expect(su.code, su.stderr).toBe(0);
    const dup = await xat(
      [
        'create-superuser',
        '--tenant',
        domain,
        '--username',
        'alice',
        '--email',
        'a@acme.test',
        '--password',
        'alice-password-9',
      ],
      env,
    );
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain('already exists');

    const { child, url } = await startServe(env);
    try {
      const credentials = { username: 'alice', password: 'alice-password-9' };
      expect(await postWithHost(`${url}/api/v1/auth/token/`, domain, credentials)).toBe(200);
      expect(await postWithHost(`${url}/api/v1/auth/token/`, `www.${domain}`, credentials)).toBe(200);
      // The default tenant (localhost) has no alice.
      expect((await post(`${url}/api/v1/auth/token/`, credentials)).status).toBe(401);
    } finally {
      await stop(child);
    }
  });

  it('answers usage errors with exit code 2', async () => {
    const r = await xat(['create-tenant', '--name', 'x'], { DATA_DIR: freshDataDir() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Usage: xat');
  });
});
