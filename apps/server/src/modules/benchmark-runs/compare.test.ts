import type { BenchmarkCompare, BenchmarkCompareServer } from '@xat/contracts';
import { ratioOf, summarize } from '@xat/stats';
import { describe, expect, it } from 'vitest';
import { createCollector, createTestTenant, type TestTenant } from '../../../test/helpers.ts';
import { around, suiteResult, uploadResult } from './test-results.ts';

const url = '/api/v1/benchmark-runs/compare/';
const COPY = 'memory.copy_gbps_all';
const RTT = 'network.rtt_ms';
const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY);

/** A run of memory copy and network round trip with these medians, finished `daysAgo`. */
const run = (copy: number, rtt: number, daysAgo: number, curve?: [number, number][]) =>
  suiteResult(
    { [COPY]: around(copy), 'core_scaling.single_units_per_s': around(100), [RTT]: around(rtt) },
    {
      finishedAt: ago(daysAgo),
      ...(curve ? { curve: curve.map(([workers, units_per_s]) => ({ workers, units_per_s })) } : {}),
    },
  );

/**
 * a (baseline, $0.10/h): copy 10, 11, 9.5 and rtt 0.5, 0.6, 0.55, plus a run 40 days old; b ($0.25/h): copy 20, 21,
 * 19 and rtt 1.0, 1.1, 0.9, plus a suspect memory run (other load 7 %) and an invalid one (steal 12 %); c: one run.
 */
async function fleet() {
  const t = await createTestTenant();
  const a = await createCollector(t, { name: 'a', hourly_cost: 0.1 });
  const b = await createCollector(t, { name: 'b', hourly_cost: 0.25 });
  const c = await createCollector(t, { name: 'c' });
  const A = { copy: [10, 11, 9.5], rtt: [0.5, 0.6, 0.55] };
  const B = { copy: [20, 21, 19], rtt: [1.0, 1.1, 0.9] };
  for (let i = 0; i < 3; i++) {
    await uploadResult(
      t,
      a.api_key,
      run(A.copy[i] ?? 0, A.rtt[i] ?? 0, 3 - i, [
        [1, 100 + i],
        [2, 190 + i],
      ]),
    );
    await uploadResult(
      t,
      b.api_key,
      run(B.copy[i] ?? 0, B.rtt[i] ?? 0, 3 - i, [
        [1, 120],
        [2, 230 + 10 * i],
        [4, 400],
      ]),
    );
  }
  await uploadResult(t, a.api_key, run(50, 0.1, 40));
  const busy = (conditions: Parameters<typeof suiteResult>[1]) =>
    suiteResult({ [COPY]: around(5) }, { finishedAt: ago(1), ...conditions });
  await uploadResult(t, b.api_key, busy({ conditions: { memory: { other_load_pct: 7 } } }));
  await uploadResult(t, b.api_key, busy({ conditions: { memory: { steal_pct: 12 } } }));
  await uploadResult(t, c.api_key, run(15, 0.5, 1));
  return { t, a, b, c, A, B };
}

async function compare(t: TestTenant, query: string) {
  const res = await t.request({ method: 'GET', url: `${url}?${query}`, auth: 'viewer' });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<BenchmarkCompare>();
}

/** The figures @xat/stats gives for the same numbers. */
function expectStats(got: BenchmarkCompareServer['metrics'][string] | undefined, values: number[]) {
  const s = summarize(values);
  expect(got?.n).toBe(s.n);
  expect(got?.median).toBeCloseTo(s.median, 4);
  expect(got?.mean).toBeCloseTo(s.mean, 4);
  expect(got?.cv_pct).toBeCloseTo(s.cv_pct ?? Number.NaN, 4);
  expect(got?.ci95_low).toBeCloseTo(s.ci95?.[0] ?? Number.NaN, 4);
  expect(got?.ci95_high).toBeCloseTo(s.ci95?.[1] ?? Number.NaN, 4);
}

describe('benchmark compare', () => {
  it('gives n, median, CV and intervals per metric, ratios with Welch’s interval and verdicts against the first', async () => {
    const { t, a, b, c, A, B } = await fleet();
    const cmp = await compare(t, `collector_ids=${a.id},${b.id},${c.id}`);
    expect(cmp).toMatchObject({ days: 30, include: [], baseline_collector: a.id });
    expect(cmp.metrics.map((m) => m.key)).toContain(COPY);
    const [sa, sb, sc] = cmp.servers;
    expect(cmp.servers.map((s) => s.collector_name)).toEqual(['a', 'b', 'c']);

    // The 40-day-old run is outside the window.
    expectStats(sa?.metrics[COPY], A.copy);
    expectStats(sa?.metrics[RTT], A.rtt);
    expect(sa?.metrics[COPY]).toMatchObject({ verdict: 'baseline', ratio: { value: 1 } });
    expectStats(sb?.metrics[COPY], B.copy);

    const copy = ratioOf(B.copy, A.copy);
    expect(copy.verdict).toBe('faster');
    expect(sb?.metrics[COPY]?.verdict).toBe('faster');
    expect(sb?.metrics[COPY]?.ratio?.value).toBeCloseTo(copy.value, 2);
    expect(sb?.metrics[COPY]?.ratio?.ci95_low).toBeCloseTo(copy.ci95?.[0] ?? 0, 2);
    expect(sb?.metrics[COPY]?.ratio?.ci95_high).toBeCloseTo(copy.ci95?.[1] ?? 0, 2);
    expect(sb?.metrics[COPY]?.verdict_text).toMatch(/^\d\.\d\d× faster, 95 %: .*, 3 runs each$/);

    // Round trip: lower is better, so b's twice-as-long round trip is "slower", its ratio a's RTT ÷ b's.
    const inverse = (xs: number[]) => xs.map((x) => 1 / x);
    const rtt = ratioOf(inverse(B.rtt), inverse(A.rtt));
    expect(rtt.verdict).toBe('slower');
    expect(sb?.metrics[RTT]).toMatchObject({ verdict: 'slower', per_dollar_hour: null });
    expect(sb?.metrics[RTT]?.ratio?.value).toBeCloseTo(rtt.value, 2);

    // Per USD/hour: the mean and its interval divided by the hourly cost.
    const perDollar = summarize(B.copy);
    expect(sb?.metrics[COPY]?.per_dollar_hour?.value).toBeCloseTo(perDollar.mean / 0.25, 2);
    expect(sb?.metrics[COPY]?.per_dollar_hour?.ci95_low).toBeCloseTo((perDollar.ci95?.[0] ?? 0) / 0.25, 2);
    expect(sc?.metrics[COPY]?.per_dollar_hour).toBeNull();

    // One run: a figure but no verdict; a metric nobody measured: no runs.
    expect(sc?.metrics[COPY]).toMatchObject({ n: 1, verdict: 'single_run', cv_pct: null, ci95_low: null });
    expect(sc?.metrics[COPY]?.ratio?.value).toBeCloseTo(15 / Math.exp(summarize(A.copy.map(Math.log)).mean), 2);
    expect(sb?.metrics['disk.rand_read_iops']).toMatchObject({ n: 0, median: null, verdict: 'no_runs' });

    // Left out: b's suspect and invalid memory runs, counted with their reasons; its other benchmarks untouched.
    expect(sb?.benchmarks.memory).toEqual({
      used: 3,
      excluded: { suspect: 1, invalid: 1, reasons: ['other_load', 'steal'] },
    });
    expect(sb?.benchmarks.network).toEqual({ used: 3, excluded: { suspect: 0, invalid: 0, reasons: [] } });

    // Core scaling: the median units/s per worker count of the runs used.
    expect(sa?.curve).toEqual([
      { workers: 1, units_per_s: 101, n: 3 },
      { workers: 2, units_per_s: 191, n: 3 },
    ]);
    expect(sb?.curve.map((p) => [p.workers, p.units_per_s])).toEqual([
      [1, 120],
      [2, 240],
      [4, 400],
    ]);

    // Scores against the first server (no baseline chosen), from the window's medians.
    expect(sa?.scores).toMatchObject({ baseline_collector: a.id, memory: 1, cpu: 1, network: 1, overall: 1 });
    const memory = summarize(B.copy).median / summarize(A.copy).median;
    const network = summarize(A.rtt).median / summarize(B.rtt).median;
    expect(sb?.scores.memory).toBeCloseTo(memory, 4);
    expect(sb?.scores.network).toBeCloseTo(network, 4);
    expect(sb?.scores.overall).toBeCloseTo(Math.cbrt(memory * network * 1), 4);
  });

  it('adds suspect and invalid runs when asked and widens the window with days', async () => {
    const { t, a, b, A, B } = await fleet();
    const all = await compare(t, `collector_ids=${a.id},${b.id}&include=suspect,invalid&days=60`);
    const [sa, sb] = all.servers;
    expect(all).toMatchObject({ days: 60, include: ['suspect', 'invalid'] });
    expectStats(sa?.metrics[COPY], [50, ...A.copy]);
    expectStats(sb?.metrics[COPY], [...B.copy, 5, 5]);
    expect(sb?.benchmarks.memory).toEqual({ used: 5, excluded: { suspect: 0, invalid: 0, reasons: [] } });
    const suspectOnly = await compare(t, `collector_ids=${a.id},${b.id}&include=suspect`);
    expect(suspectOnly.servers[1]?.benchmarks.memory?.excluded).toEqual({ suspect: 0, invalid: 1, reasons: ['steal'] });
    expect(suspectOnly.servers[1]?.metrics[COPY]?.n).toBe(4);
  });

  it('answers 400 naming the field and 404 for another tenant’s collector', async () => {
    const t = await createTestTenant();
    const other = await createTestTenant();
    const a = await createCollector(t);
    const b = await createCollector(t);
    const foreign = await createCollector(other);
    const ids = (n: number) => Array.from({ length: n }, () => a.id).join(',');
    for (const [query, field] of [
      [`collector_ids=${a.id}`, 'collector_ids'],
      [`collector_ids=${a.id},nope`, 'collector_ids'],
      [`collector_ids=${a.id},${a.id}`, 'collector_ids'],
      [`collector_ids=${ids(11)}`, 'collector_ids'],
      ['', 'collector_ids'],
      [`collector_ids=${a.id},${b.id}&include=valid`, 'include'],
      [`collector_ids=${a.id},${b.id}&days=0`, 'days'],
    ]) {
      const res = await t.request({ method: 'GET', url: `${url}?${query}` });
      expect(res.statusCode, query).toBe(400);
      expect(Object.keys(res.json()), query).toEqual([field]);
    }
    const res = await t.request({ method: 'GET', url: `${url}?collector_ids=${a.id},${foreign.id}` });
    expect(res.statusCode).toBe(404);
    expect(res.json().detail).toContain(foreign.id);
    const empty = await compare(t, `collector_ids=${a.id},${b.id}`);
    expect(empty.servers[1]?.metrics[COPY]).toMatchObject({ n: 0, verdict: 'no_runs' });
    expect(empty.servers[0]?.scores).toMatchObject({ overall: null });
  });
});
