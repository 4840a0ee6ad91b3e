/**
 * The real agent against the real server: `xat serve` on a free 127.0.0.1 port with its own data dir (embedded
 * PostgreSQL), a collector created through the API, then `pcc register`, `pcc status`, `pcc upload` and ~30 s of
 * `pcc run` with the server stopped for 15 s, checked from both sides (the agent's log and the stored series).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, hostname, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sharedFixturePath } from './testing/paths.ts';
import { logLines, runPcc, startPcc } from './testing/run-pcc.ts';
import { startXatServer } from './testing/xat-server.ts';

const work = mkdtempSync(join(tmpdir(), 'pcc-e2e-'));
const server = await startXatServer(join(work, 'server'));
const { url, auth } = server;

afterAll(async () => {
  await server.stop();
  rmSync(work, { recursive: true, force: true });
});

/** GET as the admin: the answer's JSON (undefined when it has none). */
const get = async <T>(path: string) =>
  (await (await fetch(`${url}${path}`, { headers: auth })).json().catch(() => undefined)) as T;

const collector = await server.createCollector(`e2e-${randomUUID().slice(0, 6)}`);
const agentEnv = (dataDir: string) => ({
  PCC_SERVER_URL: url,
  PCC_APIKEY: collector.api_key,
  PCC_DATA_DIR: dataDir,
});

describe('pcc against the real server', () => {
  it('register: the specs the server stores match this machine (vCPUs = nproc, memory within 1 %)', async () => {
    const res = await runPcc(['register'], agentEnv(join(work, 'agent-register')));
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain(`(${collector.id}) from ${hostname()}`);
    const json = await get<Record<string, unknown>>(`/api/v1/collectors/${collector.id}/`);
    expect(json.vcpus).toBe(cpus().length);
    const memory = Number(json.memory_gib);
    const real = totalmem() / 2 ** 30;
    expect(Math.abs(memory - real) / real).toBeLessThan(0.01);
    expect(json.hostname).toBe(hostname());
    expect(json.status).toBe('connected');
  });

  it('status: the server is reachable, the key masked', async () => {
    const res = await runPcc(['status', '--json'], agentEnv(join(work, 'agent-register')));
    expect(res.code).toBe(0);
    const status = JSON.parse(res.stdout);
    expect(status.server.reachable).toBe(true);
    expect(status.server.detail).toContain('healthy');
    expect(status.registration.collector_id).toBe(collector.id);
    expect(res.stdout).not.toContain(collector.api_key);
  });

  it('upload: a collection file becomes collected data', async () => {
    const file = sharedFixturePath('sys-info-test', 'sys-info-test.json');
    const res = await runPcc(['upload', file, '--json'], agentEnv(join(work, 'agent-upload')));
    expect(res.code, res.stderr).toBe(0);
    const answer = JSON.parse(res.stdout);
    expect(answer).toMatchObject({ status: 'uploaded', data_id: expect.any(String) });
  });

  it('run: a sample every interval; the server stopped 15 s and restarted → no gap once the agent catches up', async () => {
    const dataDir = join(work, 'agent-run');
    const agent = startPcc(['run'], {
      ...agentEnv(dataDir),
      PCC_FREQUENCY: '1s',
      PCC_UPLOAD_INTERVAL: '1s',
      PCC_LOG_LEVEL: 'debug',
    });
    const started = Math.floor(Date.now() / 1000);
    try {
      await new Promise((r) => setTimeout(r, 6000));
      await server.stop();
      await new Promise((r) => setTimeout(r, 15_000));
      await server.start();
      // Catching up: the spool drains (bounded wait).
      for (let i = 0; i < 60; i++) {
        const status = await runPcc(['status', '--json'], agentEnv(dataDir));
        if (JSON.parse(status.stdout).spool.pending_samples <= 1) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      await new Promise((r) => setTimeout(r, 1500));
    } finally {
      expect(await agent.stop()).toBe(0);
    }
    const to = Math.floor(Date.now() / 1000);
    // The agent's side: everything it sampled was written (none refused, none left), despite the outage.
    const logs = logLines(agent.output().stderr);
    const uploaded = logs.filter((l) => l.msg === 'batch uploaded');
    const written = uploaded.reduce((n, l) => n + Number(l.written ?? 0), 0);
    expect(logs.some((l) => l.msg === 'upload failed: will retry')).toBe(true); // the outage was seen
    expect(logs.filter((l) => l.level === 'error')).toEqual([]);
    expect(written).toBeGreaterThanOrEqual(to - started - 4);
    expect(logs.at(-1)).toMatchObject({ msg: 'pcc stopped', pending_samples: 0 });
    // The server's side: one point per second from the first to the last, no hole where the server was down.
    const json = await get<{ timestamps: number[] }>(
      `/api/v1/collectors/${collector.id}/metrics/?from=${started}&to=${to}&step=raw&fields=cpu_busy`,
    );
    const stamps = json.timestamps;
    expect(stamps, JSON.stringify(json)).toBeDefined();
    expect(stamps.length).toBeGreaterThan(20);
    for (let i = 1; i < stamps.length; i++)
      expect((stamps[i] as number) - (stamps[i - 1] as number), `after ${stamps[i - 1]}`).toBe(1);
  }, 90_000);
});
