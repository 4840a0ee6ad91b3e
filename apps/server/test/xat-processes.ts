import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Test support: real `xat serve` processes on ports the OS picks, their JSON log lines kept. Not a test file.

const XAT = fileURLToPath(new URL('../bin/xat.mjs', import.meta.url));

export interface XatProcess {
  readonly child: ChildProcess;
  /** http://127.0.0.1:<port> once listening. */
  readonly url: string;
  /** Every JSON log line it wrote so far. */
  readonly logs: Record<string, unknown>[];
  /** SIGKILL: no shutdown, connections cut, nothing flushed. */
  kill9(): Promise<void>;
  /** SIGTERM, then SIGKILL if it has not exited within 10 s. */
  stop(): Promise<void>;
}

const exited = (child: ChildProcess, ms: number) =>
  new Promise<boolean>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(true);
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });

/** Starts `xat serve` with `env` on port 0; resolves when it logs its address (60 s at most). */
export async function startXat(env: Record<string, string>): Promise<XatProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'xat-proc-'));
  const child = spawn(process.execPath, [XAT, 'serve'], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  let pending = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`xat serve did not listen within 60 s: ${stderr}`)), 60_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-4000);
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        let entry: Record<string, unknown>;
        try {
          entry = JSON.parse(line);
        } catch {
          continue; // the first-start notice and other plain lines
        }
        logs.push(entry);
        const m = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(String(entry.msg ?? ''));
        if (m?.[1]) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`xat serve exited (${code ?? signal}) before listening: ${stderr}`));
    });
  });
  const cleanUp = () => rmSync(dataDir, { recursive: true, force: true });
  return {
    child,
    url,
    logs,
    async kill9() {
      child.kill('SIGKILL');
      await exited(child, 10_000);
      cleanUp();
    },
    async stop() {
      child.kill('SIGTERM');
      if (!(await exited(child, 10_000))) {
        child.kill('SIGKILL');
        await exited(child, 5_000);
      }
      cleanUp();
    },
  };
}

export interface Answer {
  status: number;
  body: string;
}

/** One HTTP request with a Host of our choice (20 s at most); rejects when the connection fails. */
export function request(
  url: string,
  opts: { method?: string; host: string; headers?: Record<string, string>; body?: unknown },
): Promise<Answer> {
  const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: opts.method ?? (body ? 'POST' : 'GET'),
        headers: { host: opts.host, ...(body ? { 'content-type': 'application/json' } : {}), ...opts.headers },
        timeout: 20_000,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(body);
  });
}
