import { readdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { LoadTestCreateSchema } from '@xat/contracts';
import { Compile } from 'typebox/compile';
import { afterAll, describe, expect, it } from 'vitest';
import { FakeServer, sendJson } from '../testing/fake-server.ts';
import { runPcc } from '../testing/run-pcc.ts';
import { tempDirs } from '../testing/temp-dirs.ts';

const freshDir = tempDirs('pcc-loadtest-');
const servers: FakeServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.stop();
});
const COLLECTOR = 'c0ffee00-0000-4000-8000-000000000002';
const createCheck = Compile(LoadTestCreateSchema);

describe('pcc loadtest', () => {
  it('measures ten levels (100 % measured), prints --json with its verdict and uploads units and how they were measured', async () => {
    const uploads: unknown[] = [];
    const server = await FakeServer.start((req, res) => {
      if (req.url === '/api/v1/register/')
        return sendJson(res, 200, { status: 'registered', collector_id: COLLECTOR, name: 'srv', message: '' });
      uploads.push(req.json);
      sendJson(res, 201, { id: 'f00dfeed-0000-4000-8000-000000000003' });
    });
    servers.push(server);
    // Its own TMPDIR: the lock file is host-wide, and the test must not collide with a real load test.
    const tmp = freshDir();
    // --force with a one-look wait: other tests share the machine, and the quiet wait has its own tests.
    const res = await runPcc(
      ['loadtest', '--level-seconds', '0.25', '--json', '--notes', 'ci run', '--force', '--quiet-wait', '0'],
      {
        PCC_SERVER_URL: server.url,
        PCC_APIKEY: 'key-for-tests',
        PCC_DATA_DIR: join(tmp, 'data'),
        TMPDIR: tmp,
      },
    );
    const result = JSON.parse(res.stdout);
    // Levels of a quarter second are too short to be counted: never valid; invalid exits 3, and is uploaded all the same.
    expect(['suspect', 'invalid']).toContain(result.validity);
    expect(result.validity_reasons.map((r: { code: string }) => r.code)).toContain('level_too_short');
    expect(res.code, res.stderr).toBe(result.validity === 'invalid' ? 3 : 0);
    expect(res.stderr).toMatch(/\nVerdict: (suspect|invalid): /);
    expect(result.levels.map((l: { utilization: number }) => l.utilization)).toEqual([
      10, 20, 30, 40, 50, 60, 70, 80, 90, 100,
    ]);
    expect(result.vcpus).toBe(cpus().length);
    expect(result.effective_cpus).toBeLessThanOrEqual(cpus().length);
    expect(result.workers).toBe(Math.ceil(result.effective_cpus));
    const at100 = result.levels.at(-1);
    // Levels of a quarter second on a machine other tests share: only the shape is checked here (the accuracy is
    // the control loop's test, on a simulated machine, and the benchmark's, on this one).
    expect(result.max_units).toBe(Math.max(...result.levels.map((l: { work_units: number }) => l.work_units)));
    // The figure for the machine is the 100 % level's own, per effective CPU.
    expect(result.units_100pct).toBe(at100.work_units);
    expect(result.units_per_effective_cpu).toBeCloseTo(at100.work_units / result.effective_cpus, 1);
    // Flat out the machine is full; the load's own share is what other processes leave it.
    expect(at100.machine_utilization, res.stdout).toBeGreaterThan(80);
    expect(at100.achieved_utilization, res.stdout).toBeGreaterThan(0);
    expect(at100.achieved_utilization, res.stdout).toBeLessThanOrEqual(at100.machine_utilization + 1);
    expect(at100.work_units, res.stdout).toBeGreaterThan(0);
    expect(res.stderr).toMatch(/level +10%: \d+\.\d\d units\/s at \d+\.\d\d% load \(machine \d+\.\d\d% busy/); // plain lines: stderr is not a terminal

    expect(uploads).toHaveLength(1);
    const body = uploads[0] as Record<string, unknown>;
    expect(createCheck.Check(body), JSON.stringify([...createCheck.Errors(body)])).toBe(true);
    expect(body).toMatchObject({ collector: COLLECTOR, notes: 'ci run', units_100pct: Math.round(at100.work_units) });
    expect(body.details).toMatchObject({
      tool: 'pcc',
      level_seconds: 0.25,
      vcpus: cpus().length,
      effective_cpus: result.effective_cpus,
      levels: result.levels,
    });
    expect(body).not.toHaveProperty('series_id');
    expect((body.details as { achieved_utilization: Record<string, number> }).achieved_utilization['100']).toBe(
      at100.achieved_utilization,
    );
    // The flat-out speed at the end against the start: printed, and kept with the upload.
    expect(typeof result.speed_change_pct).toBe('number');
    expect((body.details as { speed_change_pct: number }).speed_change_pct).toBe(result.speed_change_pct);
  }, 30_000);

  it('--runs 2: one series, each run uploaded as it finishes with its place in it, a verdict per run, then a summary', async () => {
    const uploads: Record<string, unknown>[] = [];
    const server = await FakeServer.start((req, res) => {
      if (req.url === '/api/v1/register/')
        return sendJson(res, 200, { status: 'registered', collector_id: COLLECTOR, name: 'srv', message: '' });
      uploads.push(req.json as Record<string, unknown>);
      sendJson(res, 201, { id: `f00dfeed-0000-4000-8000-00000000000${uploads.length}` });
    });
    servers.push(server);
    const tmp = freshDir();
    const args = [
      'loadtest',
      '--runs',
      '2',
      '--run-gap',
      '0.5',
      '--level-seconds',
      '0.1',
      '--force',
      '--quiet-wait',
      '0',
    ];
    const res = await runPcc(args, {
      PCC_SERVER_URL: server.url,
      PCC_APIKEY: 'key-for-tests',
      PCC_DATA_DIR: join(tmp, 'data'),
      TMPDIR: tmp,
    });
    expect(uploads).toHaveLength(2);
    const seriesId = uploads[0]?.series_id;
    expect(seriesId).toMatch(/^[0-9a-f-]{36}$/);
    expect(uploads[1]?.series_id).toBe(seriesId);
    expect(uploads.map((u) => (u.details as { series: unknown }).series)).toEqual([
      { id: seriesId, index: 0, count: 2 },
      { id: seriesId, index: 1, count: 2 },
    ]);
    for (const u of uploads) expect(createCheck.Check(u), JSON.stringify([...createCheck.Errors(u)])).toBe(true);
    // Each run's verdict in words, the series summary last; the second run uploaded after the first was told.
    const verdicts = [...res.stdout.matchAll(/^Verdict: (valid|suspect|invalid):/gm)].map((m) => m[1]);
    expect(verdicts).toHaveLength(2);
    expect(res.stdout).toMatch(/^Run 1 of 2: \d+ vCPUs/m);
    expect(res.stdout.trimEnd().split('\n').at(-1)).toMatch(
      new RegExp(
        `^Series ${seriesId}: 2 runs; units/s at 100 %: median [\\d.]+, CV [\\d.]+ % \\(0 valid, \\d suspect, \\d invalid\\)\\.$`,
      ),
    );
    expect(res.stderr).toContain('Idle 0.5 s before run 2 of 2.');
    expect(res.code, res.stderr).toBe(verdicts.includes('invalid') ? 3 : 0);
  }, 60_000);

  it('checks --runs, --run-gap and --quiet-wait', async () => {
    const tmp = freshDir();
    for (const [flag, value] of [
      ['--runs', '21'],
      ['--runs', '1.5'],
      ['--run-gap', '1e9'],
      ['--quiet-wait', 'soon'],
    ] as const) {
      const res = await runPcc(['loadtest', '--no-upload', flag, value], { TMPDIR: tmp });
      expect(res.code, `${flag} ${value}`).toBe(1);
      expect(res.stderr).toContain(`${flag} must be`);
    }
  });

  it('refuses while another load test runs on the host', async () => {
    const tmp = freshDir();
    writeFileSync(join(tmp, 'pcc-loadtest.lock'), String(process.pid)); // a live process holds it
    const res = await runPcc(['loadtest', '--no-upload'], { TMPDIR: tmp });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`another load test is running on this host (pid ${process.pid})`);
  });

  it('keeps the result when the server refuses it, and says where', async () => {
    const server = await FakeServer.start((req, res) => {
      if (req.url === '/api/v1/register/')
        return sendJson(res, 200, { status: 'registered', collector_id: COLLECTOR, name: 'srv', message: '' });
      sendJson(res, 401, { detail: 'Collector API keys are accepted only by agent endpoints.' });
    });
    servers.push(server);
    const tmp = freshDir();
    const dataDir = join(tmp, 'data');
    const res = await runPcc(['loadtest', '--level-seconds', '0.1', '--force', '--quiet-wait', '0'], {
      PCC_SERVER_URL: server.url,
      PCC_APIKEY: 'key-for-tests',
      PCC_DATA_DIR: dataDir,
      TMPDIR: tmp,
    });
    // A failed upload exits 1 whatever the verdict: the result is not on the server.
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('upload refused: 401: Collector API keys are accepted only by agent endpoints.');
    expect(readdirSync(dataDir).some((f) => /^loadtest-.*\.json$/.test(f))).toBe(true);
  }, 30_000);
});
