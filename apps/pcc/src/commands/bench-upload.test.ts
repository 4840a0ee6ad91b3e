/**
 * `pcc bench` uploading its result: the real agent in a child process against the real server in this process
 * (listening on 127.0.0.1, the default tenant's host; PGlite or PostgreSQL as DATABASE_URL says). Stored with the
 * server's own verdict and listed; a refused upload says the server's reason and keeps the result in the data dir;
 * a 503 on the way (a proxy in front of the server) is retried. Tiny runs: core scaling, 2 repeats of 0.3 s steps,
 * forced after a short look (the machine is shared).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchmarkRun, SuiteResult } from '@xat/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { judgeSuiteResult } from '../../../server/src/modules/benchmark-runs/judge.ts';
import { FakeServer, sendJson } from '../testing/fake-server.ts';
import { runPcc } from '../testing/run-pcc.ts';
import { type ServerUnderTest, startServerUnderTest } from './test-server.ts';

const work = mkdtempSync(join(tmpdir(), 'pcc-bench-upload-'));
let server: ServerUnderTest;
let url: string;
const fakes: FakeServer[] = [];

beforeAll(async () => {
  server = await startServerUnderTest();
  url = server.url;
});
afterAll(async () => {
  for (const f of fakes) await f.stop();
  await server?.close();
  rmSync(work, { recursive: true, force: true });
});

const createCollector = () => server.createCollector();

async function runsOf(collectorId: string): Promise<{ count: number; results: BenchmarkRun[] }> {
  const res = await server.api('GET', `/api/v1/benchmark-runs/?collector_id=${collectorId}`);
  expect(res.status).toBe(200);
  return (await res.json()) as { count: number; results: BenchmarkRun[] };
}

const TINY = [
  'bench',
  'core_scaling',
  '--runs',
  '2',
  '--step-seconds',
  '0.3',
  '--force',
  '--quiet-wait',
  '1',
  '--json',
];

/** `pcc bench` of TINY against `serverUrl` with `apiKey`: its exit, output, the result it printed, its data dir. */
async function bench(serverUrl: string, apiKey: string) {
  const dir = mkdtempSync(join(work, 'agent-'));
  const dataDir = join(dir, 'data');
  // TMPDIR of its own: the suite's host-wide lock file lives there, so other tests' benchmarks do not collide.
  const res = await runPcc(
    TINY,
    { PCC_SERVER_URL: serverUrl, PCC_APIKEY: apiKey, PCC_DATA_DIR: dataDir, TMPDIR: dir },
    { timeoutMs: 120_000 },
  );
  const result = JSON.parse(res.stdout) as SuiteResult;
  return { ...res, result, dataDir };
}

const keptFiles = (dataDir: string) =>
  existsSync(dataDir) ? readdirSync(dataDir).filter((f) => /^bench-.*\.json$/.test(f)) : [];

describe('pcc bench uploads its result as a benchmark run', () => {
  it('stored whole, listed with the server’s own verdict; the run’s id and page printed', async () => {
    const collector = await createCollector();
    const res = await bench(url, collector.api_key);
    const { result } = res;
    expect(result.benchmarks.map((b) => b.name)).toEqual(['core_scaling']);

    const list = await runsOf(collector.id);
    expect(list.count).toBe(1);
    const [run] = list.results;
    expect(run).toMatchObject({
      collector: collector.id,
      job_id: null,
      profile: result.profile,
      started_at: new Date(result.started_at).toISOString(),
      record: result.record,
    });
    // The server's verdict, from its own judge on what the agent sent; the agent's kept beside it.
    const judged = judgeSuiteResult(result);
    expect(run?.validity).toBe(judged.validity);
    expect(run?.benchmarks[0]?.agent_validity).toBe(result.benchmarks[0]?.validity);
    expect(run?.benchmarks[0]?.runs).toHaveLength(2);
    expect(run?.benchmarks[0]?.metrics['core_scaling.single_units_per_s']?.values).toEqual(
      result.benchmarks[0]?.metrics['core_scaling.single_units_per_s']?.values,
    );

    expect(res.stderr).toContain(`Uploaded as benchmark run ${run?.id}: the server judged it ${run?.validity}`);
    expect(res.stderr).toContain(`See it on ${url}/servers/${collector.id}\n`);
    expect(res.code, res.stderr).toBe(result.validity === 'invalid' ? 3 : 0);
    expect(keptFiles(res.dataDir)).toEqual([]);
  }, 150_000);

  it('a key the server refuses: its reason on stderr, the result kept in the data dir, exit 1', async () => {
    const refused = await fetch(`${url}/api/v1/benchmark-runs/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'not-a-key' },
      body: '{}',
    });
    const detail = ((await refused.json()) as { detail: string }).detail;
    expect(refused.status).toBe(401);

    const res = await bench(url, 'not-a-key');
    expect(res.code, res.stderr).toBe(1);
    expect(res.stderr).toContain(`Benchmark run not uploaded: 401: ${detail}\n`);
    const [file] = keptFiles(res.dataDir);
    expect(file).toBeDefined();
    expect(res.stderr).toContain(`The result is saved in ${join(res.dataDir, file ?? '')}.`);
    // The whole result, as printed: it can be sent later as it is.
    expect(JSON.parse(readFileSync(join(res.dataDir, file ?? ''), 'utf8'))).toEqual(res.result);
    expect(res.stderr).not.toContain('Uploaded as benchmark run');
  }, 150_000);

  it('a 503 on the way is retried as Retry-After says, then stored', async () => {
    const collector = await createCollector();
    let refusals = 0;
    // A proxy in front of the server: the first upload is refused as a busy server would, the rest goes through.
    const proxy = await FakeServer.start(async (req, res) => {
      if (req.method === 'POST' && refusals === 0) {
        refusals++;
        res.setHeader('retry-after', '1');
        return sendJson(res, 503, { detail: 'Service unavailable', code: 'unavailable' });
      }
      const answer = await fetch(`${url}${req.url}`, {
        method: req.method,
        headers: {
          'content-type': String(req.headers['content-type'] ?? 'application/json'),
          'x-api-key': String(req.headers['x-api-key'] ?? ''),
        },
        ...(req.method === 'GET' ? {} : { body: req.body }),
      });
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(await answer.text());
    });
    fakes.push(proxy);

    const res = await bench(proxy.url, collector.api_key);
    expect(refusals).toBe(1);
    expect(res.stderr).toMatch(/Upload of the benchmark run: the server answered 503; trying again in 1 s\./);
    const list = await runsOf(collector.id);
    expect(list.count).toBe(1);
    expect(res.stderr).toContain(`Uploaded as benchmark run ${list.results[0]?.id}`);
    expect(res.code, res.stderr).toBe(res.result.validity === 'invalid' ? 3 : 0);
    expect(keptFiles(res.dataDir)).toEqual([]);
  }, 150_000);

  it('--no-upload: measured and printed, nothing sent', async () => {
    const collector = await createCollector();
    const dir = mkdtempSync(join(work, 'agent-'));
    const res = await runPcc(
      [...TINY.slice(0, 4), '--step-seconds', '0.2', '--force', '--quiet-wait', '0', '--no-upload'],
      { PCC_SERVER_URL: url, PCC_APIKEY: collector.api_key, PCC_DATA_DIR: join(dir, 'data'), TMPDIR: dir },
      { timeoutMs: 120_000 },
    );
    expect(res.stdout).toContain('Single-core score');
    expect(res.stderr).not.toMatch(/Uploaded|not uploaded/);
    expect((await runsOf(collector.id)).count).toBe(0);
  }, 150_000);
});
