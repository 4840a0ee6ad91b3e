import type { BenchmarkAlerts, BenchmarkHistory } from '@xat/contracts';
import { describe, expect, it } from 'vitest';
import { createCollector, createTestTenant, getApp, type TestTenant } from '../../../test/helpers.ts';
import { benchmarkSchedules } from '../../db/schema.ts';
import { around, suiteResult, uploadResult } from './test-results.ts';

const COPY = 'memory.copy_gbps_all';
const RTT = 'network.rtt_ms';
const DAY = 86_400_000;

/** One run a day, oldest first, the last finishing an hour ago; `steal` on the memory benchmark of the runs named. */
async function runs(t: TestTenant, apiKey: string, copy: number[], rtt: number[], stolen: number[] = []) {
  const ids: string[] = [];
  for (const [i, c] of copy.entries()) {
    const finishedAt = new Date(Date.now() - 3_600_000 - (copy.length - 1 - i) * DAY);
    const conditions = stolen.includes(i) ? { memory: { steal_pct: 12 } } : {};
    const result = suiteResult({ [COPY]: around(c), [RTT]: around(rtt[i] ?? 1) }, { finishedAt, conditions });
    ids.push((await uploadResult(t, apiKey, result)).id);
  }
  return ids;
}

const history = async (t: TestTenant, collector: string, metric: string, extra = '') => {
  const res = await t.request({
    method: 'GET',
    url: `/api/v1/benchmark-runs/history/?collector_id=${collector}&metric=${metric}${extra}`,
    auth: 'viewer',
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<BenchmarkHistory>();
};
const alerts = async (t: TestTenant) => {
  const res = await t.request({ method: 'GET', url: '/api/v1/benchmark-runs/alerts/', auth: 'viewer' });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<BenchmarkAlerts>();
};

async function schedule(tenantId: string, collectorId: string | null, dropAlertPct: number) {
  const { database } = await getApp();
  await database.db.insert(benchmarkSchedules).values({
    tenantId,
    collectorId,
    profile: 'quick',
    everyHours: 6,
    nextRunAt: new Date(Date.now() + 3_600_000),
    dropAlertPct,
  });
}

describe('benchmark watch', () => {
  it('flags runs more than the drop share worse than the server’s own median, and lists the fleet’s latest drops', async () => {
    const t = await createTestTenant();
    const a = await createCollector(t, { name: 'a' });
    const b = await createCollector(t, { name: 'b' });
    const c = await createCollector(t, { name: 'c' });
    // a: copy falls to 80 (median 100: 20 % worse), the round trip grows to 1.5 ms (50 % worse).
    const idsA = await runs(t, a.api_key, [100, 102, 98, 101, 80], [1, 1, 1, 1, 1.5]);
    // b: an early drop, then back to normal; c: a drop, but only two runs to take a median of.
    await runs(t, b.api_key, [50, 30, 50, 51, 49], [2, 2, 2, 2, 2]);
    await runs(t, c.api_key, [50, 20], [2, 2]);

    const copy = await history(t, a.id, COPY);
    expect(copy).toMatchObject({ collector_id: a.id, days: 30, drop_alert_pct: 10, median: 100, median_runs: 5 });
    expect(copy.metric).toMatchObject({ key: COPY, better: 'higher', unit: 'GB/s' });
    expect(copy.points.map((p) => p.run_id)).toEqual(idsA);
    expect(copy.points.map((p) => [p.value, p.drop, p.drop_pct])).toEqual([
      [100, false, 0],
      [102, false, -2],
      [98, false, 2],
      [101, false, -1],
      [80, true, 20],
    ]);
    const rtt = await history(t, a.id, RTT);
    expect(rtt.median).toBe(1);
    expect(rtt.points.map((p) => p.drop)).toEqual([false, false, false, false, true]);
    expect(rtt.points[4]?.drop_pct).toBe(50);
    expect((await history(t, c.id, COPY)).points.map((p) => p.drop)).toEqual([false, false]);

    const fleet = await alerts(t);
    expect(fleet.results.map((r) => [r.collector_name, r.metric, r.value, r.median, r.drop_pct])).toEqual([
      ['a', RTT, 1.5, 1, 50],
      ['a', COPY, 80, 100, 20],
    ]);
    expect(fleet.results[0]).toMatchObject({ run_id: idsA[4], drop_alert_pct: 10, validity: 'valid' });

    // a's own schedule lets 25 % pass: the copy drop is no longer one; the fleet schedule (5 %) applies to b only.
    await schedule(t.id, a.id, 25);
    await schedule(t.id, null, 5);
    expect((await history(t, a.id, COPY)).points.map((p) => p.drop)).toEqual([false, false, false, false, false]);
    expect((await history(t, b.id, COPY, '&days=10')).drop_alert_pct).toBe(5);
    expect((await alerts(t)).results.map((r) => [r.collector_name, r.metric])).toEqual([['a', RTT]]);

    // A window that leaves the old runs out leaves too few for a median.
    const short = await history(t, a.id, COPY, '&days=2');
    expect(short).toMatchObject({ median: null, median_runs: 2 });
    expect(short.points.every((p) => p.drop === false && p.drop_pct === null)).toBe(true);
  });

  it('flags an invalid latest run but takes the median from valid runs only', async () => {
    const t = await createTestTenant();
    const a = await createCollector(t, { name: 'noisy neighbour' });
    // The last two runs had steal: invalid, out of the median (of 100, 100, 100), the last one flagged.
    await runs(t, a.api_key, [100, 100, 100, 40, 60], [1, 1, 1, 1, 1], [3, 4]);
    const h = await history(t, a.id, COPY);
    expect(h).toMatchObject({ median: 100, median_runs: 3 });
    expect(h.points.map((p) => [p.validity, p.drop])).toEqual([
      ['valid', false],
      ['valid', false],
      ['valid', false],
      ['invalid', true],
      ['invalid', true],
    ]);
    expect((await alerts(t)).results).toEqual([
      expect.objectContaining({ metric: COPY, value: 60, median: 100, drop_pct: 40, validity: 'invalid' }),
    ]);
  });

  it('answers 404 for another tenant’s collector and 400 naming the field', async () => {
    const t = await createTestTenant();
    const other = await createTestTenant();
    const mine = await createCollector(t);
    const foreign = await createCollector(other);
    await runs(other, foreign.api_key, [100, 100, 100, 50], [1, 1, 1, 1]);
    const res = await t.request({
      method: 'GET',
      url: `/api/v1/benchmark-runs/history/?collector_id=${foreign.id}&metric=${COPY}`,
    });
    expect(res.statusCode).toBe(404);
    expect((await alerts(t)).results).toEqual([]);
    expect((await alerts(other)).count).toBe(1);
    for (const [query, field] of [
      [`collector_id=${mine.id}&metric=memory.nope`, 'metric'],
      [`metric=${COPY}`, 'collector_id'],
      [`collector_id=nope&metric=${COPY}`, 'collector_id'],
      [`collector_id=${mine.id}&metric=${COPY}&days=0`, 'days'],
    ]) {
      const bad = await t.request({ method: 'GET', url: `/api/v1/benchmark-runs/history/?${query}` });
      expect(bad.statusCode, query).toBe(400);
      expect(Object.keys(bad.json()), query).toEqual([field]);
    }
    const badDays = await t.request({ method: 'GET', url: '/api/v1/benchmark-runs/alerts/?days=99999' });
    expect(badDays.statusCode).toBe(400);
    expect(Object.keys(badDays.json())).toEqual(['days']);
  });
});
