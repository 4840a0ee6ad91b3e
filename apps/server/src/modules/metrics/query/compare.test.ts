import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createCollector, createTestTenant, getApp, type TestTenant } from '../../../../test/helpers.ts';
import { ingestSamples } from '../storage/ingest-queue.ts';
import { baseTime, get, sample } from './test-support.ts';

const URL = '/api/v1/metrics/compare/';

/** Three hosts sampling every 10 s: A from t0 (busy 10), B from t0+20 (busy 20), C from t0+600 (busy 30 then 31). */
async function threeHosts(t: TestTenant) {
  const { database } = await getApp();
  const t0 = baseTime();
  const hosts = [
    { name: 'a', start: t0, count: 30, busy: (_: number) => 10 },
    { name: 'b', start: t0 + 20, count: 30, busy: (_: number) => 20 },
    { name: 'c', start: t0 + 600, count: 6, busy: (i: number) => (i < 3 ? 30 : 31) },
  ];
  const ids: string[] = [];
  for (const h of hosts) {
    const { id, name } = await createCollector(t, { name: `${h.name}-${randomUUID().slice(0, 6)}` });
    ids.push(id);
    h.name = name;
    const samples = Array.from({ length: h.count }, (_, i) => sample(h.start + i * 10, h.busy(i)));
    await ingestSamples(database.db, t.id, id, samples);
  }
  return { t0, ids, names: hosts.map((h) => h.name) };
}

describe('GET /api/v1/metrics/compare/', () => {
  it('puts 3 hosts on shared wall-clock timestamps (align=absolute)', async () => {
    const t = await createTestTenant();
    const { t0, ids, names } = await threeHosts(t);
    const res = await get(
      t,
      `${URL}?collector_ids=${ids.join(',')}&field=cpu_busy&from=${t0}&to=${t0 + 3600}&step=raw`,
    );
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ field: 'cpu_busy', step: 'raw', step_seconds: 10, align: 'absolute' });
    // From A's first sample to A's last (t0+290) and C's last (t0+650), every 10 s.
    expect(body.timestamps).toHaveLength(66);
    expect(body.timestamps[0]).toBe(t0);
    expect(body.timestamps.at(-1)).toBe(t0 + 650);
    const [a, b, c] = body.series;
    expect([a.collector_id, b.collector_id, c.collector_id]).toEqual(ids);
    expect([a.collector_name, b.collector_name, c.collector_name]).toEqual(names);
    expect([a.start, b.start, c.start]).toEqual([t0, t0 + 20, t0 + 600]);
    expect(a.values.slice(0, 3)).toEqual([10, 10, 10]);
    expect(a.values[30]).toBeNull();
    expect(b.values.slice(0, 3)).toEqual([null, null, 20]);
    expect(b.values[31]).toBe(20);
    expect(c.values.slice(59, 62)).toEqual([null, 30, 30]);
    expect(c.values.at(-1)).toBe(31);
  });

  it('aligns each host at its first sample (align=start)', async () => {
    const t = await createTestTenant();
    const { t0, ids } = await threeHosts(t);
    const body = (
      await get(t, `${URL}?collector_ids=${ids.join(',')}&from=${t0}&to=${t0 + 3600}&step=raw&align=start`)
    ).json();
    expect(body).toMatchObject({ field: 'cpu_busy', align: 'start', step_seconds: 10 });
    expect(body.timestamps).toEqual(Array.from({ length: 30 }, (_, i) => i * 10));
    const [a, b, c] = body.series;
    expect(a.values).toEqual(new Array(30).fill(10));
    expect(b.values).toEqual(new Array(30).fill(20));
    expect(c.values).toEqual([30, 30, 30, 31, 31, 31, ...new Array(24).fill(null)]);
    expect(c.start).toBe(t0 + 600);
  });

  it('buckets to 1m from the rollups, for both alignments', async () => {
    const t = await createTestTenant();
    const { t0, ids } = await threeHosts(t);
    const query = `collector_ids=${ids.join(',')}&from=${t0}&to=${t0 + 3600}&step=1m`;
    const absolute = (await get(t, `${URL}?${query}`)).json();
    expect(absolute).toMatchObject({ step: '1m', step_seconds: 60 });
    expect(absolute.timestamps).toEqual(Array.from({ length: 11 }, (_, i) => t0 + i * 60));
    expect(absolute.series[0].values).toEqual([10, 10, 10, 10, 10, null, null, null, null, null, null]);
    expect(absolute.series[2].values.slice(9)).toEqual([null, 30.5]);
    const start = (await get(t, `${URL}?${query}&align=start`)).json();
    // B's samples (t0+20 … t0+310) fall in six minutes, A's in five.
    expect(start.timestamps).toEqual([0, 60, 120, 180, 240, 300]);
    expect(start.series.map((s: { values: unknown[] }) => s.values)).toEqual([
      [10, 10, 10, 10, 10, null],
      [20, 20, 20, 20, 20, 20],
      [30.5, null, null, null, null, null],
    ]);
  });

  it('refuses unknown, malformed and other tenants’ collectors, naming each', async () => {
    const t = await createTestTenant();
    const other = await createTestTenant();
    const mine = await createCollector(t);
    const theirs = await createCollector(other);
    const missing = randomUUID();
    const res = await get(t, `${URL}?collector_ids=${mine.id},${theirs.id},${missing},nope`);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      collector_ids: [`Unknown collector: ${theirs.id}`, `Unknown collector: ${missing}`, 'Unknown collector: nope'],
    });
  });

  it('names the bad parameter in a 400', async () => {
    const t = await createTestTenant();
    const a = await createCollector(t);
    const b = await createCollector(t);
    const two = `collector_ids=${a.id},${b.id}`;
    const cases: [string, string[]][] = [
      [`collector_ids=${a.id}`, ['collector_ids']],
      [`collector_ids=${Array.from({ length: 11 }, () => randomUUID()).join(',')}`, ['collector_ids']],
      ['', ['collector_ids']],
      [`${two}&field=cpu_bogus`, ['field']],
      [`${two}&align=end`, ['align']],
      [`${two}&step=2m`, ['step']],
      [`${two}&from=soon`, ['from']],
    ];
    for (const [query, fields] of cases) {
      const res = await get(t, `${URL}?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(Object.keys(res.json()).sort(), query).toEqual(fields);
    }
  });

  it('is readable by a viewer and refuses anonymous requests', async () => {
    const t = await createTestTenant();
    const a = await createCollector(t);
    const b = await createCollector(t);
    const url = `${URL}?collector_ids=${a.id},${b.id}`;
    const res = await get(t, url, 'viewer');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ timestamps: [], series: [{ values: [] }, { values: [] }] });
    expect((await get(t, url, false)).statusCode).toBe(401);
  });
});
