/**
 * `pcc run` with benchmark jobs turned off (--no-jobs, PCC_JOBS=0): the real daemon in a child process against the
 * real server in this process. It samples and uploads as ever but never asks for a job, so the server shows it as a
 * server that does not run them (jobs_polled_at null); beside it a daemon with jobs on has polled within seconds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Collector } from '@xat/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logLines, startPcc } from '../testing/run-pcc.ts';
import { type ServerUnderTest, startServerUnderTest } from './test-server.ts';

const work = mkdtempSync(join(tmpdir(), 'pcc-no-jobs-'));
let server: ServerUnderTest;

beforeAll(async () => {
  server = await startServerUnderTest();
});
afterAll(async () => {
  await server?.close();
  rmSync(work, { recursive: true, force: true });
});

async function collector(id: string): Promise<Collector> {
  const res = await server.api('GET', `/api/v1/collectors/${id}/`);
  expect(res.status).toBe(200);
  return (await res.json()) as Collector;
}

async function until(check: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A daemon for a new collector: 1 s rounds and uploads, a data dir of its own. */
async function daemon(args: string[], env: Record<string, string> = {}) {
  const { id, api_key } = await server.createCollector();
  const agent = startPcc(['run', '--interval', '1s', '--upload-interval', '1s', ...args], {
    PCC_SERVER_URL: server.url,
    PCC_APIKEY: api_key,
    PCC_DATA_DIR: mkdtempSync(join(work, 'data-')),
    ...env,
  });
  return { id, agent };
}

describe('pcc run with benchmark jobs off', () => {
  it('--no-jobs and PCC_JOBS=0 never poll for a job (jobs_polled_at stays null); jobs on polls at once', async () => {
    const flagged = await daemon(['--no-jobs']);
    const env = await daemon([], { PCC_JOBS: '0' });
    const on = await daemon([]);
    const agents = [flagged, env, on];
    try {
      // Every daemon reached the server: registered and sending samples.
      await until(async () => {
        const rows = await Promise.all(agents.map((a) => collector(a.id)));
        return rows.every((c) => c.last_seen !== null && c.vcpus !== null);
      });
      await until(async () => (await collector(on.id)).jobs_polled_at !== null);
      expect((await collector(on.id)).agent_capabilities).toMatch(/^jobs,suite,/);
      // The jobs-on daemon polled within its first seconds; give the others as long again, and a few uploads more.
      const seen = Date.parse((await collector(on.id)).last_seen ?? '');
      await until(async () => Date.parse((await collector(flagged.id)).last_seen ?? '') > seen + 2000);
      await until(async () => Date.parse((await collector(env.id)).last_seen ?? '') > seen + 2000);
      for (const off of [flagged, env]) {
        const c = await collector(off.id);
        expect(c.jobs_polled_at).toBeNull();
        expect(c.agent_capabilities).toBe('');
      }
    } finally {
      const codes = await Promise.all(agents.map((a) => a.agent.stop()));
      expect(codes).toEqual([0, 0, 0]);
    }
    for (const off of [flagged, env]) {
      const logs = logLines(off.agent.output().stderr);
      expect(logs.find((l) => l.msg === 'pcc started')).toMatchObject({ jobs: false });
      expect(logs.some((l) => String(l.msg).startsWith('benchmark jobs off'))).toBe(true);
    }
    expect(logLines(on.agent.output().stderr).find((l) => l.msg === 'pcc started')).toMatchObject({ jobs: true });
  }, 60_000);
});
