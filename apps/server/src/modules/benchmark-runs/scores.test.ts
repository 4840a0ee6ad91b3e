import type { Benchmark, BenchmarkRun, Scores } from '@xat/contracts';
import { describe, expect, it } from 'vitest';
import { createCollector, createTestTenant, type TestTenant } from '../../../test/helpers.ts';
import { around, type Figures, suiteResult, uploadResult } from './test-results.ts';

// The components' metrics, written out here rather than read from SUITE_METRICS: rtt is the one where lower is better.
const CPU = ['core_scaling.single_units_per_s', 'core_scaling.multi_units_per_s'];
const MEMORY = ['read', 'write', 'copy'].flatMap((k) => [`memory.${k}_gbps_1t`, `memory.${k}_gbps_all`]);
const DISK = ['disk.seq_read_mbps', 'disk.seq_write_mbps', 'disk.rand_read_iops', 'disk.rand_write_iops'];
const NETWORK_UP = ['network.upload_mbps', 'network.download_mbps'];
const LOWER = ['network.rtt_ms'];

/** Medians of two servers, metric by metric (not one scale), so each geometric mean has something to do. */
const A: Record<string, number> = {
  'core_scaling.single_units_per_s': 1000,
  'core_scaling.multi_units_per_s': 3800,
  'core_scaling.effective_cores': 3.8,
  'memory.read_gbps_1t': 12,
  'memory.write_gbps_1t': 9,
  'memory.copy_gbps_1t': 8,
  'memory.read_gbps_all': 30,
  'memory.write_gbps_all': 20,
  'memory.copy_gbps_all': 18,
  'disk.seq_read_mbps': 500,
  'disk.seq_write_mbps': 400,
  'disk.rand_read_iops': 20_000,
  'disk.rand_write_iops': 15_000,
  'disk.rand_read_p99_ms': 2,
  'network.upload_mbps': 900,
  'network.download_mbps': 940,
  'network.rtt_ms': 0.5,
};
const B: Record<string, number> = {
  ...A,
  'core_scaling.single_units_per_s': 1300,
  'core_scaling.multi_units_per_s': 9000,
  'memory.read_gbps_1t': 15,
  'memory.copy_gbps_all': 25,
  'disk.seq_read_mbps': 250,
  'disk.rand_write_iops': 5000,
  // Not in the disk score (a latency with no component): must not move it.
  'disk.rand_read_p99_ms': 40,
  'network.upload_mbps': 450,
  'network.rtt_ms': 2,
};

const figuresOf = (medians: Record<string, number>): Figures =>
  Object.fromEntries(Object.entries(medians).map(([k, m]) => [k, around(m)]));

/** What the scores of `own` against `base` must be, computed here from the medians. */
function expected(own: Record<string, number>, base: Record<string, number>) {
  const gm = (xs: number[]) => Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);
  const ratio = (k: string) => ((own[k] ?? Number.NaN) / (base[k] ?? Number.NaN)) ** (LOWER.includes(k) ? -1 : 1);
  const cpu = gm(CPU.map(ratio));
  const memory = gm(MEMORY.map(ratio));
  const disk = gm(DISK.map(ratio));
  const network = gm([...NETWORK_UP, ...LOWER].map(ratio));
  const overall = gm([cpu, memory, disk, network]);
  const sumLog = [cpu, memory, disk, network].reduce((s, v) => s + Math.abs(Math.log(v)), 0);
  const share = (v: number) => ({ factor: v ** 0.25, share_pct: sumLog ? (100 * Math.log(v)) / sumLog : 0 });
  return {
    cpu,
    memory,
    disk,
    network,
    overall,
    shares: { cpu: share(cpu), memory: share(memory), disk: share(disk), network: share(network) },
  };
}

function expectScores(got: Scores | Benchmark, want: ReturnType<typeof expected>) {
  const s =
    'overall_score' in got
      ? {
          cpu: got.cpu_score,
          memory: got.memory_score,
          disk: got.disk_score,
          network: got.network_score,
          overall: got.overall_score,
          shares: got.score_shares ?? {},
        }
      : got;
  for (const k of ['cpu', 'memory', 'disk', 'network', 'overall'] as const) expect(s[k], k).toBeCloseTo(want[k], 4);
  for (const k of ['cpu', 'memory', 'disk', 'network'] as const) {
    expect(s.shares[k]?.factor, `${k} factor`).toBeCloseTo(want.shares[k].factor, 4);
    expect(s.shares[k]?.share_pct, `${k} share`).toBeCloseTo(want.shares[k].share_pct, 2);
  }
}

const runOf = async (t: TestTenant, id: string) =>
  (await t.request({ method: 'GET', url: `/api/v1/benchmark-runs/${id}/`, auth: 'viewer' })).json<BenchmarkRun>();
const benchmarkOf = async (t: TestTenant, id: string) =>
  (await t.request({ method: 'GET', url: `/api/v1/benchmarks/${id}/`, auth: 'viewer' })).json<Benchmark>();
const setBaseline = (t: TestTenant, id: string | null) =>
  t.request({ method: 'PATCH', url: '/api/v1/tenant/', payload: { baseline_collector_id: id } });

describe('benchmark scores', () => {
  it('are geometric means of ratios to the baseline, follow a baseline change and leave typed-in rows alone', async () => {
    const t = await createTestTenant();
    const a = await createCollector(t, { name: 'a' });
    const b = await createCollector(t, { name: 'b' });
    const runA = await uploadResult(t, a.api_key, suiteResult(figuresOf(A)));
    const runB = await uploadResult(t, b.api_key, suiteResult(figuresOf(B)));

    // No baseline chosen: the oldest server with a valid benchmark (a).
    const bScores = (await runOf(t, runB.id)).scores;
    expect(bScores.baseline_collector).toBe(a.id);
    expectScores(bScores, expected(B, A));
    const aScores = (await runOf(t, runA.id)).scores;
    expect(aScores).toMatchObject({ cpu: 1, memory: 1, disk: 1, network: 1, overall: 1 });
    expect(aScores.shares.cpu).toEqual({ factor: 1, share_pct: 0 });

    // The seed's benchmark rows show the same, marked measured.
    const seedB = await benchmarkOf(t, runB.benchmark_id);
    expect(seedB).toMatchObject({ source: 'pcc', run_id: runB.id, score_baseline: a.id, status: 'completed' });
    expectScores(seedB, expected(B, A));

    // A typed-in benchmark stays as typed and is marked manual.
    const typed = await t.request({
      method: 'POST',
      url: '/api/v1/benchmarks/',
      payload: { collector: b.id, name: 'by hand', status: 'completed', cpu_score: 55.5, overall_score: 60 },
    });
    expect(typed.statusCode, typed.body).toBe(201);
    expect(typed.json()).toMatchObject({
      source: 'manual',
      run_id: null,
      score_shares: null,
      score_baseline: null,
      cpu_score: 55.5,
      memory_score: null,
      overall_score: 60,
    });

    // Stats keep their shape: the typed score as typed beside the measured ones computed now.
    const stats = (await t.request({ method: 'GET', url: '/api/v1/benchmarks/stats/' })).json();
    const cpuAvg = (55.5 + 1 + expected(B, A).cpu) / 3;
    expect(stats.by_status.completed).toBe(3);
    expect(stats.avg_scores.cpu).toBeCloseTo(Math.round(cpuAvg * 10) / 10, 6);
    expect(stats.avg_scores.memory).toBeCloseTo(Math.round(((1 + expected(B, A).memory) / 2) * 10) / 10, 6);

    // b becomes the baseline: every score of every row follows.
    const patched = await setBaseline(t, b.id);
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json().baseline_collector_id).toBe(b.id);
    expectScores((await runOf(t, runA.id)).scores, expected(A, B));
    expect((await runOf(t, runB.id)).scores).toMatchObject({ baseline_collector: b.id, overall: 1 });
    const listed = (await t.request({ method: 'GET', url: `/api/v1/benchmarks/?collector_id=${a.id}` })).json();
    expectScores(listed.results[0], expected(A, B));
    expect(await benchmarkOf(t, typed.json().id)).toMatchObject({ source: 'manual', cpu_score: 55.5 });

    // The baseline's figures are its latest valid run's: a newer invalid run of b changes nothing, a valid one does.
    const noisy = { ...figuresOf(B), 'memory.read_gbps_1t': [5, 15, 40] };
    await uploadResult(t, b.api_key, suiteResult(noisy, { finishedAt: new Date(Date.now() + 60_000) }));
    expectScores((await runOf(t, runA.id)).scores, expected(A, B));
    const faster = { ...B, 'memory.read_gbps_1t': 30 };
    await uploadResult(t, b.api_key, suiteResult(figuresOf(faster), { finishedAt: new Date(Date.now() + 120_000) }));
    expectScores((await runOf(t, runA.id)).scores, expected(A, faster));

    // Reset: back to the oldest server.
    expect((await setBaseline(t, null)).json().baseline_collector_id).toBeNull();
    expect((await runOf(t, runA.id)).scores).toMatchObject({ baseline_collector: a.id, overall: 1 });
  });

  it('scores only the components a run has, and refuses typed scores on a measured row', async () => {
    const t = await createTestTenant();
    const a = await createCollector(t);
    const b = await createCollector(t);
    await uploadResult(t, a.api_key, suiteResult(figuresOf(A)));
    const memoryOnly = Object.fromEntries(MEMORY.map((k) => [k, around((B[k] ?? 0) * 2)]));
    const run = await uploadResult(t, b.api_key, suiteResult(memoryOnly));
    const scores = (await runOf(t, run.id)).scores;
    const memory = Math.exp(MEMORY.reduce((s, k) => s + Math.log(((B[k] ?? 0) * 2) / (A[k] ?? 1)), 0) / MEMORY.length);
    expect(scores.memory).toBeCloseTo(memory, 4);
    expect(scores).toMatchObject({ cpu: null, disk: null, network: null });
    // One component: the overall is that component, and all of the difference is its.
    expect(scores.overall).toBeCloseTo(memory, 4);
    expect(scores.shares).toEqual({ memory: { factor: scores.memory, share_pct: 100 } });

    const patch = await t.request({
      method: 'PATCH',
      url: `/api/v1/benchmarks/${run.benchmark_id}/`,
      payload: { cpu_score: 50, name: 'renamed' },
    });
    expect(patch.statusCode).toBe(400);
    expect(Object.keys(patch.json())).toEqual(['cpu_score']);
    const renamed = await t.request({
      method: 'PATCH',
      url: `/api/v1/benchmarks/${run.benchmark_id}/`,
      payload: { name: 'renamed' },
    });
    expect(renamed.json()).toMatchObject({ name: 'renamed', source: 'pcc' });
    expect(renamed.json().memory_score).toBeCloseTo(memory, 4);
  });

  it('takes only a collector of this tenant as the baseline (400 naming the field)', async () => {
    const t = await createTestTenant();
    const other = await createTestTenant();
    const foreign = await createCollector(other);
    for (const value of [foreign.id, 'not-a-uuid']) {
      const res = await setBaseline(t, value);
      expect(res.statusCode, value).toBe(400);
      expect(Object.keys(res.json())).toEqual(['baseline_collector_id']);
    }
    const member = await t.request({
      method: 'PATCH',
      url: '/api/v1/tenant/',
      auth: 'member',
      payload: { baseline_collector_id: null },
    });
    expect(member.statusCode).toBe(403);
    expect((await t.request({ method: 'GET', url: '/api/v1/tenant/' })).json().baseline_collector_id).toBeNull();
  });
});
