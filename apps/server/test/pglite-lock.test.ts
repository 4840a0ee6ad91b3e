import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

// The embedded database's lock between real `xat` processes: never taken from a live one (paused or not), taken at
// once from a dead one. The earlier lock was a timestamp refreshed every 7.5 s and judged stale after 15 s.

const XAT = fileURLToPath(new URL('../bin/xat.mjs', import.meta.url));
const run = promisify(execFile);
const dataDir = mkdtempSync(join(tmpdir(), 'xat-lock-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

const env = (extra: Record<string, string> = {}) => ({
  ...process.env,
  DATA_DIR: dataDir,
  DATABASE_URL: '',
  LOG_LEVEL: 'warn',
  SECRET_KEY: 'lock-test-secret-key-long-enough-0123456789',
  ...extra,
});

/** `xat migrate` on the same data directory: what a second process gets. */
const migrate = () =>
  run(process.execPath, [XAT, 'migrate'], { env: env(), timeout: 60_000 }).then(
    () => ({ code: 0, stderr: '' }),
    (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
  );

async function health(url: string): Promise<number | undefined> {
  try {
    return (await fetch(`${url}/health/`, { signal: AbortSignal.timeout(2_000) })).status;
  } catch {
    return undefined;
  }
}

/** `xat serve` on the data directory, once it answers /health/ (at most 120 tries, 60 s). */
async function serve(): Promise<{ child: ChildProcess; url: string }> {
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const child = spawn(process.execPath, [XAT, 'serve'], { env: env({ PORT: String(port), HOST: '127.0.0.1' }) });
  children.push(child);
  let output = '';
  child.stderr?.on('data', (d) => {
    output += d;
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (let i = 0; i < 120 && Date.now() < deadline && child.exitCode === null; i++) {
    if ((await health(url)) === 200) return { child, url };
    await new Promise((r) => setTimeout(r, 500));
  }
  child.kill('SIGKILL');
  throw new Error(`xat serve did not come up:\n${output}`);
}

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) =>
    child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve()),
  );

describe('the embedded database lock between processes', () => {
  it('keeps a paused holder’s lock past the old 15 s staleness, and the holder carries on when resumed', async () => {
    const { child, url } = await serve();
    child.kill('SIGSTOP');
    try {
      // Longer than the old lock's 15 s staleness, after which a second process used to take it.
      await new Promise((r) => setTimeout(r, 16_000));
      const second = await migrate();
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(/in use by another xat process/);
      expect(second.stderr).toContain(`pid ${child.pid}, paused`);
    } finally {
      child.kill('SIGCONT');
    }
    expect(await health(url)).toBe(200);
    child.kill('SIGTERM');
    await exited(child);
  }, 120_000);

  it('is taken at once from a holder killed with SIGKILL', async () => {
    const { child } = await serve();
    child.kill('SIGKILL');
    await exited(child);
    // At once: the old lock refused this for 15 s after the holder's death.
    const next = await migrate();
    expect(next.stderr).not.toMatch(/in use/);
    expect(next.code).toBe(0);
  }, 120_000);
});
