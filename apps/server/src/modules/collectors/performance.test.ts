import type { Validity } from '@xat/contracts';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createCollector, createTestTenant, getApp, type TestTenant } from '../../../test/helpers.ts';
import { collectors, loadTestResults } from '../../db/schema.ts';

const DAY_MS = 86_400_000;

interface Run {
  units: number;
  validity: Validity;
  daysAgo: number;
  effectiveCpus?: number;
}

/** Stored as the judge would have left them: the verdict is set directly, the judge is not under test here. */
async function insertRuns(t: TestTenant, collectorId: string, runs: Run[]) {
  const { database } = await getApp();
  await database.db.insert(loadTestResults).values(
    runs.map((r) => ({
      tenantId: t.id,
      collectorId,
      units100pct: r.units,
      validity: r.validity,
      effectiveCpus: r.effectiveCpus ?? null,
      createdAt: new Date(Date.now() - r.daysAgo * DAY_MS),
    })),
  );
}

const eqId = (t: TestTenant, id: string) => and(eq(collectors.tenantId, t.id), eq(collectors.id, id));

async function setCpus(t: TestTenant, id: string, values: { effectiveCpus: number | null }) {
  const { database } = await getApp();
  await database.db.update(collectors).set(values).where(eqId(t, id));
}

/**
 * a: valid 100 / 200 / 300 (median 200), then an invalid run, a suspect one newest; a valid 10 000 from
 *    40 days ago is out of the window. 2 effective CPUs registered, none in the runs → 100 per CPU; $0.5/h → 400.
 * b: valid 150 / 150 measured on 1 and 2 effective CPUs (median 1.5) → 100 per CPU; no price → no value.
 * c: no runs.  d: one valid 800 on 8 vCPUs, nothing else known → 100 per CPU; $4/h → 200.  e: only a suspect run.
 */
async function seedRanked(t: TestTenant) {
  const a = await createCollector(t, { name: 'a', vcpus: 4, hourly_cost: 0.5 });
  const b = await createCollector(t, { name: 'b', vcpus: 4 });
  const c = await createCollector(t, { name: 'c', vcpus: 2, hourly_cost: 1 });
  const d = await createCollector(t, { name: 'd', vcpus: 8, hourly_cost: '4' });
  const e = await createCollector(t, { name: 'e', vcpus: 2 });
  await setCpus(t, a.id, { effectiveCpus: 2 });
  await insertRuns(t, a.id, [
    { units: 10_000, validity: 'valid', daysAgo: 40 },
    { units: 300, validity: 'valid', daysAgo: 9 },
    { units: 100, validity: 'valid', daysAgo: 8 },
    { units: 50, validity: 'invalid', daysAgo: 7 },
    { units: 200, validity: 'valid', daysAgo: 6 },
    { units: 900, validity: 'suspect', daysAgo: 1 },
  ]);
  await insertRuns(t, b.id, [
    { units: 150, validity: 'valid', daysAgo: 3, effectiveCpus: 1 },
    { units: 150, validity: 'valid', daysAgo: 2, effectiveCpus: 2 },
    { units: 9_000, validity: 'invalid', daysAgo: 1, effectiveCpus: 8 },
  ]);
  await insertRuns(t, d.id, [{ units: 800, validity: 'valid', daysAgo: 0 }]);
  await insertRuns(t, e.id, [{ units: 700, validity: 'suspect', daysAgo: 0 }]);
  return { a, b, c, d, e };
}

const names = async (t: TestTenant, ordering: string) => {
  const res = await t.request({ method: 'GET', url: `/api/v1/collectors/?ordering=${ordering}`, auth: 'viewer' });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ results: { name: string }[] }>().results.map((r) => r.name);
};

describe('servers list performance', () => {
  it('gives each server the medians of its valid runs of the last 30 days', async () => {
    const t = await createTestTenant();
    const { a, b } = await seedRanked(t);
    const list = await t.request({ method: 'GET', url: '/api/v1/collectors/' });
    const byName = Object.fromEntries(
      list.json<{ results: { name: string; performance: unknown }[] }>().results.map((r) => [r.name, r.performance]),
    );
    expect(byName).toEqual({
      a: {
        runs: 3,
        other_runs: 2,
        units_100pct: 200,
        per_effective_cpu: 100,
        units_per_dollar_hour: 400,
        latest_validity: 'suspect',
      },
      b: {
        runs: 2,
        other_runs: 1,
        units_100pct: 150,
        per_effective_cpu: 100,
        units_per_dollar_hour: null,
        latest_validity: 'invalid',
      },
      c: {
        runs: 0,
        other_runs: 0,
        units_100pct: null,
        per_effective_cpu: null,
        units_per_dollar_hour: null,
        latest_validity: null,
      },
      d: {
        runs: 1,
        other_runs: 0,
        units_100pct: 800,
        per_effective_cpu: 100,
        units_per_dollar_hour: 200,
        latest_validity: 'valid',
      },
      e: {
        runs: 0,
        other_runs: 1,
        units_100pct: null,
        per_effective_cpu: null,
        units_per_dollar_hour: null,
        latest_validity: 'suspect',
      },
    });
    const one = await t.request({ method: 'GET', url: `/api/v1/collectors/${a.id}/` });
    expect(one.json()).toMatchObject({ effective_cpus: 2, performance: byName.a });
    const patched = await t.request({ method: 'PATCH', url: `/api/v1/collectors/${b.id}/`, payload: { vcpus: 3 } });
    expect(patched.json()).toMatchObject({ vcpus: 3, effective_cpus: null, performance: byName.b });

    const summary = await t.request({ method: 'GET', url: '/api/v1/collectors/summary/' });
    expect(summary.json()).toMatchObject({ count: 5, with_valid_results: 3, vcpus: 4 + 3 + 2 + 8 + 2 });
    expect(summary.json().effective_cpus).toBe(2 + 3 + 2 + 8 + 2);
  });

  it('sorts the fleet on performance, per CPU and value, servers without results last either way', async () => {
    const t = await createTestTenant();
    await seedRanked(t);
    expect(await names(t, 'performance')).toEqual(['b', 'a', 'd', 'c', 'e']);
    expect(await names(t, '-performance')).toEqual(['d', 'a', 'b', 'c', 'e']);
    // All three reach 100 per CPU: ties fall back to the name.
    expect(await names(t, '-per_effective_cpu')).toEqual(['a', 'b', 'd', 'c', 'e']);
    expect(await names(t, 'value')).toEqual(['d', 'a', 'b', 'c', 'e']);
    expect(await names(t, '-value')).toEqual(['a', 'd', 'b', 'c', 'e']);
    expect(await names(t, '-hourly_cost')).toEqual(['d', 'c', 'a', 'b', 'e']);
    expect(await names(t, 'effective_cpus')).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('answers 400 naming ordering for an unknown sort key', async () => {
    const t = await createTestTenant();
    for (const ordering of ['speed', '--name', 'name,-vcpus']) {
      const res = await t.request({ method: 'GET', url: `/api/v1/collectors/?ordering=${ordering}` });
      expect(res.statusCode, ordering).toBe(400);
      expect(Object.keys(res.json()), ordering).toEqual(['ordering']);
    }
    const status = await t.request({ method: 'GET', url: '/api/v1/collectors/summary/?status=online' });
    expect(status.statusCode).toBe(400);
    expect(Object.keys(status.json())).toEqual(['status']);
  });

  it('never shows another tenant’s servers or runs in the list or the totals', async () => {
    const mine = await createTestTenant();
    const other = await createTestTenant();
    const own = await createCollector(mine, { name: 'own', vcpus: 2 });
    await insertRuns(mine, own.id, [{ units: 100, validity: 'valid', daysAgo: 1 }]);
    await seedRanked(other);
    const list = await mine.request({ method: 'GET', url: '/api/v1/collectors/?ordering=-performance' });
    expect(list.json()).toMatchObject({ count: 1, results: [{ name: 'own', performance: { runs: 1 } }] });
    const summary = await mine.request({ method: 'GET', url: '/api/v1/collectors/summary/' });
    expect(summary.json()).toEqual({
      count: 1,
      connected: 0,
      disconnected: 0,
      pending: 1,
      vcpus: 2,
      effective_cpus: 2,
      with_valid_results: 1,
    });
    const strangers = await other.request({ method: 'GET', url: `/api/v1/collectors/${own.id}/` });
    expect(strangers.statusCode).toBe(404);
  });
});
