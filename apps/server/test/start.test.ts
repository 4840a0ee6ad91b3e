import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Starting as a user does: the one-line refusals, the first admin's password, and stopping however it was started.
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const XAT = join(ROOT, 'apps/server/bin/xat.mjs');
const PASSWORD_FILE = 'first-admin-password.txt';
const run = promisify(execFile);
const dirs: string[] = [];
const blockers: Server[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  for (const s of blockers) s.close();
});
// Compiled once here, so no test waits on (or sees the message of) a rebuild.
beforeAll(() => run(process.execPath, [XAT, '--help'], { timeout: 120_000 }), 120_000);

function freshDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'xat-start-'));
  dirs.push(dir);
  return dir;
}

/** A port something else listens on. */
async function busyPort(): Promise<number> {
  const server = createServer();
  blockers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const ENV = { LOG_LEVEL: 'warn', HOST: '127.0.0.1', DATABASE_URL: '', XAT_ADMIN_PASSWORD: '' };

/** `xat serve` that is expected to fail: its exit code and what it wrote to stderr, a rebuild notice aside. */
async function failedServe(env: Record<string, string>): Promise<{ code: number; errors: string[] }> {
  const result = await run(process.execPath, [XAT, 'serve'], {
    env: { ...process.env, ...ENV, ...env },
    timeout: 90_000,
  }).then(
    () => ({ code: 0, stderr: '' }),
    (e: { code: number; stderr: string }) => e,
  );
  const errors = result.stderr.split('\n').filter((l) => l && !l.startsWith('xat: building the server'));
  return { code: result.code, errors };
}

/** Spawns `command`, resolving once `url`/health/ answers 200. */
async function startUntilHealthy(command: string, args: string[], port: number, env: Record<string, string>) {
  let output = '';
  const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...ENV, PORT: String(port), ...env } });
  child.stdout?.on('data', (d) => {
    output += d;
  });
  child.stderr?.on('data', (d) => {
    output += d;
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 360 && child.exitCode === null; i++) {
    if (
      await fetch(`${url}/health/`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return { child, url, output: () => output };
    await new Promise((r) => setTimeout(r, 250));
  }
  child.kill('SIGKILL');
  throw new Error(`${command} ${args.join(' ')} did not come up:\n${output}`);
}

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve(child.exitCode)
    : new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

async function until(condition: () => Promise<boolean> | boolean, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 200)))
    if (await condition()) return true;
  return false;
}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('start failures', () => {
  it('each say what is wrong in one line, with no stack trace', { timeout: 180_000 }, async () => {
    const port = await busyPort();
    const file = join(freshDataDir(), 'a-file');
    writeFileSync(file, 'not a directory');
    const cases: [Record<string, string>, RegExp][] = [
      [
        { PORT: String(port), DATA_DIR: freshDataDir() },
        new RegExp(`^xat: port ${port} is already in use on 127.0.0.1`),
      ],
      [
        { DATABASE_URL: 'postgres://xat:hunter2-secret@127.0.0.1:1/xat', DATA_DIR: freshDataDir() },
        /^xat: cannot use PostgreSQL at xat@127\.0\.0\.1:1\/xat \(DATABASE_URL\): connection refused/,
      ],
      // 192.0.2.0/24 is reserved for documentation: never an address of this machine.
      [{ HOST: '192.0.2.1', DATA_DIR: freshDataDir() }, /^xat: HOST=192\.0\.2\.1 is not an address of this machine/],
      [{ HOST: 'no-such-host.invalid', DATA_DIR: freshDataDir() }, /^xat: HOST=no-such-host\.invalid does not resolve/],
      [{ DATA_DIR: join(file, 'data') }, /^xat: the data directory \(DATA_DIR\) cannot be used: ENOTDIR/],
    ];
    // With the admin's password given, so no first-admin notice joins the error.
    const admin = { XAT_ADMIN_PASSWORD: 'start-admin-password-1' };
    const results = await Promise.all(cases.map(([env]) => failedServe({ ...admin, ...env })));
    results.forEach(({ code, errors }, i) => {
      expect(code, errors.join('\n')).toBe(1);
      expect(errors, errors.join('\n')).toHaveLength(1);
      expect(errors[0]).toMatch(cases[i]?.[1] as RegExp);
    });
    expect(results[1]?.errors[0]).not.toContain('hunter2-secret');
  });
});

describe('the first admin password', () => {
  it('survives a first start that fails after creating the admin, and is deleted once changed', {
    timeout: 240_000,
  }, async () => {
    const dataDir = freshDataDir();
    const file = join(dataDir, PASSWORD_FILE);
    const failed = await failedServe({ PORT: String(await busyPort()), DATA_DIR: dataDir });
    expect(failed.code).toBe(1);
    expect(failed.errors.join('\n')).toContain(`the first admin's password is in ${file}`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const password = /^password: (\S+)$/m.exec(readFileSync(file, 'utf8'))?.[1] as string;
    expect(password).toMatch(/^\S{16}$/);

    const port = await freePort();
    const first = await startUntilHealthy(process.execPath, [XAT, 'serve'], port, { DATA_DIR: dataDir });
    try {
      expect(first.output()).toContain(`The first admin's password is still in ${file}`);
      expect(first.output()).not.toContain(password);
      const signIn = await fetch(`${first.url}/api/v1/auth/token/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password }),
      });
      expect(signIn.status).toBe(200);
      const { access } = (await signIn.json()) as { access: string };
      const changed = await fetch(`${first.url}/api/v1/auth/password/change/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${access}` },
        body: JSON.stringify({
          old_password: password,
          new_password: 'a-new-password-42',
          new_password2: 'a-new-password-42',
        }),
      });
      expect(changed.status).toBe(200);
    } finally {
      first.child.kill('SIGINT');
      expect(await exited(first.child)).toBe(0);
    }

    const second = await startUntilHealthy(process.execPath, [XAT, 'serve'], port, { DATA_DIR: dataDir });
    try {
      expect(second.output()).toContain(`The first admin's password has been changed: deleted ${file}`);
      expect(existsSync(file)).toBe(false);
    } finally {
      second.child.kill('SIGTERM');
      expect(await exited(second.child)).toBe(0);
    }
  });
});

describe('stopping', () => {
  it('SIGTERM to `npx xat serve` ends the server and frees its port', { timeout: 180_000 }, async () => {
    const port = await freePort();
    const npx = await startUntilHealthy('npx', ['xat', 'serve'], port, {
      DATA_DIR: freshDataDir(),
      LOG_LEVEL: 'info',
      XAT_ADMIN_PASSWORD: 'npx-admin-password-1',
    });
    const serverPid = Number(/"pid":(\d+).*XAT listening/.exec(npx.output())?.[1]);
    expect(serverPid, npx.output()).toBeGreaterThan(0);
    expect(serverPid).not.toBe(npx.child.pid);
    npx.child.kill('SIGTERM');
    await exited(npx.child);
    const ended = await until(() => !isAlive(serverPid), 15_000);
    if (!ended) process.kill(serverPid, 'SIGKILL'); // not left behind by a failing run
    expect(ended, `server ${serverPid} still running`).toBe(true);
    const refused = await fetch(`${npx.url}/health/`).then(
      () => false,
      () => true,
    );
    expect(refused).toBe(true);
    expect(npx.output()).toMatch(/"signal":"SIGTERM".*shutting down/);
  });
});
