import { randomUUID } from 'node:crypto';
import type { CompareStatistics } from '@xat/contracts';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createCollector, createTestTenant, getApp, type TestTenant } from '../../../test/helpers.ts';
import { loadTestResults } from '../../db/schema.ts';
import { busyPccRun, linearUnits, pccRun, postRun } from './test-runs.ts';

const compareUrl = '/api/v1/loadtest/compare/';
type Entry = { collector_id: string; statistics: CompareStatistics } & Record<string, unknown>;

/** A series of valid pcc runs, one per figure at 100 %, oldest first. */
async function series(t: TestTenant, collector: string, fulls: number[], effectiveCpus?: number) {
  const id = randomUUID();
  const runs = [];
  for (const full of fulls)
    runs.push(await postRun(t, pccRun(collector, { full, seriesId: id, ...(effectiveCpus ? { effectiveCpus } : {}) })));
  return { id, runs };
}

/**
 * The fleet of these tests. A (baseline, 2 vCPUs, $0.10/h): an old valid run of 500, then a series of 100, 110,
 * 90 on 1.5 effective CPUs, a typed-in (suspect) run and a busy-machine (invalid) run; B = 2 × A; E = 1.1 × A;
 * F = 0.5 × A; C has one valid run of 150; D only a typed-in run.
 */
async function fleet() {
  const t = await createTestTenant();
  const a = await createCollector(t, { name: 'a', vcpus: 2, hourly_cost: 0.1 });
  const b = await createCollector(t, { name: 'b', vcpus: 4, hourly_cost: 0.2 });
  const c = await createCollector(t, { name: 'c' });
  const d = await createCollector(t, { name: 'd' });
  const e = await createCollector(t, { name: 'e' });
  const f = await createCollector(t, { name: 'f' });
  const oldA = await postRun(t, pccRun(a.id, { full: 500 }));
  const seriesA = await series(t, a.id, [100, 110, 90], 1.5);
  const typedA = await postRun(t, { collector: a.id, ...linearUnits(100), series_id: seriesA.id });
  const busyA = await postRun(t, { ...busyPccRun(a.id), series_id: seriesA.id });
  const seriesB = await series(t, b.id, [200, 220, 180]);
  const onlyC = await postRun(t, pccRun(c.id, { full: 150 }));
  const typedD = await postRun(t, { collector: d.id, ...linearUnits(100) });
  await series(t, e.id, [110, 121, 99]);
  await series(t, f.id, [50, 55, 45]);
  return { t, a, b, c, d, e, f, oldA, seriesA, typedA, busyA, seriesB, onlyC, typedD };
}

const get = (t: TestTenant, query: string) =>
  t.request({ method: 'GET', url: `${compareUrl}?${query}`, auth: 'viewer' });
const entries = async (t: TestTenant, query: string) => {
  const res = await get(t, query);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ comparison: Entry[]; count: number }>().comparison;
};
const ids = (...collectors: { id: string }[]) => `collector_ids=${collectors.map((c) => c.id).join(',')}`;

describe('compare with statistics', () => {
  it('uses the valid runs of each latest series, with n, median, CV, intervals and a verdict per pair', async () => {
    const { t, a, b, c, d, e, f, seriesA, typedA, busyA } = await fleet();
    const [sa, sb, sc, sd, se, sf] = (await entries(t, ids(a, b, c, d, e, f))).map((x) => x.statistics);

    expect(sa).toMatchObject({
      set: 'latest_series',
      effective_cpus: 1.5,
      // mean 100, s = 10, n = 3: 100 ± 4.3027 · 10 / √3
      per_vcpu: { value: 50, ci95_low: 37.58, ci95_high: 62.42 },
      per_effective_cpu: { value: 66.67, ci95_low: 50.11, ci95_high: 83.23 },
      units_per_dollar_hour: { value: 1000, ci95_low: 751.59, ci95_high: 1248.41 },
      ratio: { value: 1, ci95_low: null, ci95_high: null },
      verdict: 'baseline',
      verdict_text: 'baseline',
      monthly_cost_to_match: 73, // $0.10 × 730 h
    });
    expect(sa?.runs.map((r) => r.id)).toEqual([...seriesA.runs].reverse().map((r) => r.id));
    expect(sa?.excluded).toMatchObject({ suspect: 1, invalid: 1 });
    expect([...(sa?.excluded.reasons ?? [])].sort()).toEqual([
      'background_load',
      'conditions_unknown',
      'level_shortfall',
      'other_load',
      'units_not_increasing',
    ]);
    expect(sa?.levels).toHaveLength(10);
    expect(sa?.levels[0]).toEqual({
      utilization: 10,
      n: 3,
      median: 10,
      mean: 10,
      cv_pct: 10,
      ci95_low: 7.52,
      ci95_high: 12.48,
    });
    expect(sa?.levels[9]).toEqual({
      utilization: 100,
      n: 3,
      median: 100,
      mean: 100,
      cv_pct: 10,
      ci95_low: 75.16,
      ci95_high: 124.84,
    });
    expect(typedA.validity).toBe('suspect');
    expect(busyA.validity).toBe('invalid');

    // Welch on the logarithms, df = 4: 2 · exp(±2.7764 · 0.0817).
    expect(sb).toMatchObject({
      set: 'latest_series',
      effective_cpus: 4, // no run says: the collector's vCPUs
      per_vcpu: { value: 50, ci95_low: 37.58, ci95_high: 62.42 },
      units_per_dollar_hour: { value: 1000, ci95_low: 751.59, ci95_high: 1248.41 },
      ratio: { value: 2, ci95_low: 1.59, ci95_high: 2.51 },
      verdict: 'faster',
      verdict_text: '2.00× faster, 95 %: 1.59–2.51, 3 runs each',
      monthly_cost_to_match: 73, // $0.20 × 730 h ÷ 2
      excluded: { suspect: 0, invalid: 0, reasons: [] },
    });
    // 150 against the geometric mean of 100, 110, 90 (99.67).
    expect(sc).toMatchObject({
      set: 'last_30_days',
      ratio: { value: 1.51, ci95_low: null, ci95_high: null },
      verdict: 'single_run',
      verdict_text: 'single run: 1.51× — run the test again to know',
      per_vcpu: null,
      units_per_dollar_hour: null,
      monthly_cost_to_match: null,
    });
    expect(sc?.levels[9]).toMatchObject({ n: 1, median: 150, cv_pct: null, ci95_low: null });
    expect(sd).toMatchObject({
      runs: [],
      levels: [],
      excluded: { suspect: 1, invalid: 0, reasons: ['conditions_unknown'] },
      ratio: null,
      verdict: 'no_runs',
      verdict_text: 'no runs of this server to compare',
      per_effective_cpu: null,
    });
    expect(se).toMatchObject({
      ratio: { value: 1.1, ci95_low: 0.88, ci95_high: 1.38 },
      verdict: 'indistinguishable',
      verdict_text: 'indistinguishable (1.10×, 95 %: 0.88–1.38, 3 runs each)',
    });
    expect(sf).toMatchObject({
      ratio: { value: 0.5, ci95_low: 0.4, ci95_high: 0.63 },
      verdict: 'slower',
      verdict_text: '2.00× slower, 95 %: 1.59–2.51, 3 runs each',
    });
  });

  it('includes suspect and invalid runs only when asked, and counts what it left out', async () => {
    const { t, a, b, d, busyA } = await fleet();
    const stats = async (query: string) => (await entries(t, query)).map((x) => x.statistics);

    const [suspectA, suspectB, suspectD] = await stats(`${ids(a, b, d)}&include=suspect`);
    expect(suspectA?.runs).toHaveLength(4);
    expect(suspectA?.excluded).toMatchObject({ suspect: 0, invalid: 1 });
    expect(suspectA?.excluded.reasons).not.toContain('conditions_unknown');
    expect(suspectB?.verdict_text).toMatch(/^2\.\d\d× faster, 95 %: \d\.\d\d–\d\.\d\d, 3 and 4 runs$/);
    expect(suspectD).toMatchObject({ verdict: 'single_run', excluded: { suspect: 0, invalid: 0, reasons: [] } });

    const [allA] = await stats(`${ids(a, b)}&include=suspect,invalid`);
    expect(allA?.runs.map((r) => r.id)[0]).toBe(busyA.id);
    expect(allA?.levels[9]).toMatchObject({ n: 5, median: 100 });
    expect(allA?.excluded).toEqual({ suspect: 0, invalid: 0, reasons: [] });
    const [onlyInvalid] = await stats(`${ids(a, b)}&include=invalid`);
    expect(onlyInvalid?.excluded).toEqual({ suspect: 1, invalid: 0, reasons: ['conditions_unknown'] });
  });

  it('takes the run set asked for: all, the last 30 days, the latest series, or runs chosen by id', async () => {
    const { t, a, b, c, oldA, seriesA, seriesB } = await fleet();
    const { database } = await getApp();
    const fullsOf = async (query: string) =>
      (await entries(t, query)).map((x) => x.statistics.runs.map((r) => r.units_100pct));

    expect(await fullsOf(`${ids(a, b)}&set=all`)).toEqual([
      [90, 110, 100, 500],
      [180, 220, 200],
    ]);
    // The old run of 500 moves to 40 days ago: out of the last 30 days, still in all.
    await database.db
      .update(loadTestResults)
      .set({ createdAt: new Date(Date.now() - 40 * 86_400_000) })
      .where(and(eq(loadTestResults.tenantId, t.id), eq(loadTestResults.id, oldA.id)));
    expect((await fullsOf(`${ids(a, b)}&set=last_30_days`))[0]).toEqual([90, 110, 100]);
    expect((await fullsOf(`${ids(a, b)}&set=all`))[0]).toEqual([90, 110, 100, 500]);
    expect((await fullsOf(`${ids(a, c)}&set=latest_series`))[1]).toEqual([]);

    const chosen = [seriesA.runs[0], seriesA.runs[1], ...seriesB.runs].map((r) => r?.id).join(',');
    const picked = await entries(t, `${ids(a, b, c)}&run_ids=${chosen}`);
    expect(picked.map((x) => x.statistics.set)).toEqual(['chosen', 'chosen', 'chosen']);
    expect(picked.map((x) => x.statistics.runs.length)).toEqual([2, 3, 0]);
    expect(picked[2]?.statistics.verdict).toBe('no_runs');
    // The seed's fields still come from each server's newest run.
    expect(picked[2]).toMatchObject({ max_units: 150 });
  });

  it('refuses run ids that are not runs of the compared collectors in this tenant', async () => {
    const { t, a, b, c, seriesA, onlyC } = await fleet();
    const other = await createTestTenant();
    const foreign = await postRun(other, pccRun((await createCollector(other)).id, { full: 100 }));
    for (const run_ids of [onlyC.id, foreign.id, randomUUID(), `${seriesA.runs[0]?.id},${foreign.id}`]) {
      const res = await get(t, `${ids(a, b)}&run_ids=${run_ids}`);
      expect(res.statusCode, run_ids).toBe(400);
      expect(Object.keys(res.json()), run_ids).toEqual(['run_ids']);
      expect(res.json().run_ids.join(' '), run_ids).not.toContain(seriesA.runs[0]?.id);
    }
    expect((await get(t, `${ids(a, c)}&run_ids=${onlyC.id}`)).statusCode).toBe(200);
  });

  it('keeps the seed’s POST answer, adding the newest run’s validity and statistics', async () => {
    const { t, a, b, busyA } = await fleet();
    const res = await t.request({ method: 'POST', url: compareUrl, payload: { collector_ids: [a.id, b.id] } });
    expect(res.statusCode).toBe(200);
    const [ea, eb] = res.json<{ comparison: Entry[] }>().comparison;
    // A's newest run is the busy one: the seed's fields are its units, and its validity says so.
    expect(ea).toMatchObject({
      collector_name: 'a',
      max_units: 204,
      units_per_vcpu: 102,
      price_performance: 2040,
      ratio_to_baseline: 1,
      created_at: busyA.created_at,
      validity: 'invalid',
    });
    expect(eb).toMatchObject({ max_units: 180, ratio_to_baseline: 0.88, validity: 'valid' });
    expect(ea?.statistics).toMatchObject({ set: 'latest_series', verdict: 'baseline' });
    expect(eb?.statistics).toMatchObject({ verdict: 'faster', ratio: { value: 2 } });
    const viaGet = await entries(t, ids(a, b));
    expect(viaGet).toEqual(res.json().comparison);
  });

  it('answers another tenant’s collectors in place, as the POST does, and names a bad query in a 400', async () => {
    const { t, a, b } = await fleet();
    const other = await createTestTenant();
    const foreign = await createCollector(other);
    await postRun(other, pccRun(foreign.id, { full: 100 }));
    const [, mixed] = await entries(t, ids(a, foreign));
    expect(mixed).toEqual({ collector_id: foreign.id, error: 'Collector not found' });
    const [, stranger] = await entries(other, ids(foreign, a));
    expect(stranger).toEqual({ collector_id: a.id, error: 'Collector not found' });

    const eleven = Array.from({ length: 11 }, () => randomUUID()).join(',');
    const cases: [string, string][] = [
      ['', 'collector_ids'],
      [`collector_ids=${a.id}`, 'collector_ids'],
      [`collector_ids=${eleven}`, 'collector_ids'],
      [`collector_ids=${a.id},abc`, 'collector_ids'],
      [`${ids(a, b)}&set=everything`, 'set'],
      [`${ids(a, b)}&include=valid`, 'include'],
      [`${ids(a, b)}&run_ids=x`, 'run_ids'],
      [`${ids(a, b)}&run_ids=`, 'run_ids'],
    ];
    for (const [query, field] of cases) {
      const res = await get(t, query);
      expect(res.statusCode, query).toBe(400);
      expect(Object.keys(res.json()), query).toEqual([field]);
    }
    expect((await t.request({ method: 'GET', url: `${compareUrl}?${ids(a, b)}`, auth: false })).statusCode).toBe(401);
  });
});
