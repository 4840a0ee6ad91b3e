import { HOST_FIELDS } from '@xat/contracts';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createCollector, createTestTenant, getApp } from '../../../../test/helpers.ts';
import { queryRows } from '../../../db/client.ts';
import { ingestSamples } from '../storage/ingest-queue.ts';
import { baseTime, get, sample } from './test-support.ts';

const DAY = 86_400;

async function setup() {
  const t = await createTestTenant();
  const { id } = await createCollector(t);
  const { database } = await getApp();
  const ingest = (samples: Parameters<typeof ingestSamples>[3]) => ingestSamples(database.db, t.id, id, samples);
  return { t, id, db: database.db, ingest, url: `/api/v1/collectors/${id}/metrics/` };
}

describe('GET /api/v1/collectors/:id/metrics/', () => {
  it('returns raw samples as columns, with one null point where samples are missing', async () => {
    const { t, ingest, url } = await setup();
    const t0 = baseTime();
    // Every 10 s for 3 minutes, minus 30 s (three samples) after the first 100 s.
    const kept = Array.from({ length: 18 }, (_, i) => i).filter((i) => i < 10 || i > 12);
    await ingest(kept.map((i) => sample(t0 + i * 10, i)));
    const res = await get(t, `${url}?from=${t0 - 5}&to=${t0 + 200}&step=raw&fields=cpu_busy,mem_used_kb`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ step: 'raw', step_seconds: 10, from: t0 - 5, to: t0 + 200 });
    expect(body).not.toHaveProperty('max');
    expect(Object.keys(body.series)).toEqual(['cpu_busy', 'mem_used_kb']);
    const expectedTs = [
      ...kept.slice(0, 10).map((i) => t0 + i * 10),
      t0 + 100,
      ...kept.slice(10).map((i) => t0 + i * 10),
    ];
    expect(body.timestamps).toEqual(expectedTs);
    expect(body.series.cpu_busy).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, null, 13, 14, 15, 16, 17]);
    expect(body.series.mem_used_kb[0]).toBe(1000);
    expect(body.series.mem_used_kb[10]).toBeNull();
  });

  it('answers every host field by default, with nulls for what was not measured', async () => {
    const { t, ingest, url } = await setup();
    const t0 = baseTime();
    await ingest([sample(t0, 1, { net_rx_bps: null }), sample(t0 + 10, 2)]);
    const body = (await get(t, `${url}?from=${t0}&to=${t0 + 10}&step=raw`)).json();
    expect(Object.keys(body.series)).toEqual([...HOST_FIELDS]);
    expect(body.series.net_rx_bps).toEqual([null, 200]);
    expect(body.series.cpu_steal).toEqual([null, null]);
    expect(body.timestamps).toEqual([t0, t0 + 10]);
  });

  it('reads 1m and 1h steps from the rollups, with the bucket maxima', async () => {
    const { t, ingest, url } = await setup();
    const t0 = baseTime();
    // Minute 0: 0..5, minute 1: 6..11, nothing in minutes 2-3, minute 4: 20.
    await ingest([...Array.from({ length: 12 }, (_, i) => sample(t0 + i * 10, i)), sample(t0 + 240, 20)]);
    const m = (await get(t, `${url}?from=${t0}&to=${t0 + 299}&step=1m&fields=cpu_busy`)).json();
    expect(m).toMatchObject({ step: '1m', step_seconds: 60 });
    expect(m.timestamps).toEqual([t0, t0 + 60, t0 + 120, t0 + 240]);
    expect(m.series.cpu_busy).toEqual([2.5, 8.5, null, 20]);
    expect(m.max.cpu_busy).toEqual([5, 11, null, 20]);
    const h = (await get(t, `${url}?from=${t0}&to=${t0 + 3599}&step=1h&fields=cpu_busy,mem_used_kb`)).json();
    expect(h).toMatchObject({ step: '1h', step_seconds: 3600, timestamps: [t0] });
    expect(h.series.cpu_busy[0]).toBeCloseTo(86 / 13, 10);
    expect(h.max).toEqual({ cpu_busy: [20], mem_used_kb: [1020] });
  });

  it('step=auto: raw for an hour, 1m for 7 days, 1h for 30 days', async () => {
    const { t, ingest, url } = await setup();
    const t0 = baseTime();
    await ingest(Array.from({ length: 12 }, (_, i) => sample(t0 + i * 10, i)));
    const now = Math.floor(Date.now() / 1000);
    const hour = (await get(t, `${url}?fields=cpu_busy`)).json();
    // The default range is the hour up to the server's "now", read a moment after ours (a second may tick between).
    expect(hour.step).toBe('raw');
    expect(hour.to - now).toBeGreaterThanOrEqual(0);
    expect(hour.to - now).toBeLessThanOrEqual(2);
    expect(hour.from).toBe(hour.to - 3600);
    const week = (await get(t, `${url}?from=${now - 7 * DAY}&to=${now}&fields=cpu_busy`)).json();
    expect(week).toMatchObject({ step: '1m', step_seconds: 60, timestamps: [t0, t0 + 60] });
    expect(week.series.cpu_busy).toEqual([2.5, 8.5]);
    const month = (await get(t, `${url}?from=${now - 30 * DAY}&to=${now}&fields=cpu_busy`)).json();
    expect(month).toMatchObject({ step: '1h', step_seconds: 3600, timestamps: [t0] });
    expect(month.max.cpu_busy).toEqual([11]);
  });

  it('accepts ISO-8601 and clips `from` to the tenant’s retention for the resolution', async () => {
    const { t, ingest, url, db } = await setup();
    const t0 = baseTime();
    const old = t0 - 2 * DAY;
    await ingest([sample(old, 7), sample(old + 10, 8), sample(t0, 1), sample(t0 + 10, 2)]);
    const iso = (s: number) => new Date(s * 1000).toISOString();
    const all = (await get(t, `${url}?from=${iso(old - 60)}&to=${iso(t0 + 60)}&step=raw&fields=cpu_busy`)).json();
    expect(all.series.cpu_busy).toEqual([7, 8, null, 1, 2]);
    await queryRows(db, sql`update tenants set retention_raw_days = 1 where id = ${t.id}::uuid`);
    const now = Math.floor(Date.now() / 1000);
    const clipped = (await get(t, `${url}?from=${old - 60}&to=${t0 + 60}&step=raw&fields=cpu_busy`)).json();
    expect(clipped.from).toBe(now - DAY);
    expect(clipped.series.cpu_busy).toEqual([1, 2]);
    // The hourly rollup is kept longer: the old samples are still there.
    const hourly = (await get(t, `${url}?from=${old - 60}&to=${t0 + 60}&step=1h&fields=cpu_busy`)).json();
    expect(hourly.max.cpu_busy).toEqual([8, null, 2]);
  });

  it('names the bad parameter in a 400', async () => {
    const { t, url } = await setup();
    const cases: [string, Record<string, string[]> | string[]][] = [
      ['fields=cpu_busy,cpu_bogus,mem', { fields: ['Unknown field "cpu_bogus".', 'Unknown field "mem".'] }],
      ['from=yesterday', ['from']],
      ['to=2024-02-30T00:00:00Z', ['to']],
      ['from=2000&to=1000', { from: ['Must be before "to".'] }],
      ['step=5m', ['step']],
      ['group=gpu', ['group']],
      ['group=cpu&fields=cpu_busy', { fields: ['Unknown field "cpu_busy".'] }],
      ['from=x&to=y&fields=nope', ['fields', 'from', 'to']],
    ];
    for (const [query, expected] of cases) {
      const res = await get(t, `${url}?${query}`);
      expect(res.statusCode, query).toBe(400);
      if (Array.isArray(expected)) expect(Object.keys(res.json()).sort(), query).toEqual(expected);
      else expect(res.json(), query).toEqual(expected);
    }
  });

  it('group=cpu|disk|net|fs: one series per device', async () => {
    const { t, ingest, url } = await setup();
    const t0 = baseTime();
    await ingest([sample(t0, 1), sample(t0 + 10, 2), sample(t0 + 40, 3)]);
    const range = `from=${t0}&to=${t0 + 60}`;
    const cpu = (await get(t, `${url}?${range}&group=cpu&fields=busy,user`)).json();
    expect(cpu).toMatchObject({
      group: 'cpu',
      step: 'raw',
      step_seconds: 10,
      timestamps: [t0, t0 + 10, t0 + 20, t0 + 40],
    });
    expect(cpu.series).toEqual({
      cpu0: { busy: [1, 2, null, 3], user: [0.5, 1, null, 1.5] },
      cpu1: { busy: [2, 3, null, 4], user: [null, null, null, null] },
    });
    const disk = (await get(t, `${url}?${range}&group=disk`)).json();
    expect(Object.keys(disk.series)).toEqual(['sda', 'sdb']);
    expect(Object.keys(disk.series.sda)).toEqual(['read_bps', 'write_bps', 'read_iops', 'write_iops', 'busy_pct']);
    expect(disk.series.sda.read_bps).toEqual([512, 1024, null, 1536]);
    const net = (await get(t, `${url}?${range}&group=net&fields=rx_bps`)).json();
    expect(net.series).toEqual({ eth0: { rx_bps: [1000, 2000, null, 3000] } });
    const fs = (await get(t, `${url}?${range}&group=fs&fields=used_pct`)).json();
    expect(fs.series).toEqual({ '/': { used_pct: [41, 42, null, 43] }, '/boot': { used_pct: [10, 10, null, 10] } });
  });

  it('group over a long range averages each device per time bucket', async () => {
    const { t, ingest, url } = await setup();
    const t0 = baseTime();
    await ingest(Array.from({ length: 12 }, (_, i) => sample(t0 + i * 10, i)));
    const now = Math.floor(Date.now() / 1000);
    const body = (await get(t, `${url}?from=${now - 7 * DAY}&to=${now}&group=cpu&fields=busy`)).json();
    expect(body).toMatchObject({ step: '1m', step_seconds: 60, timestamps: [t0, t0 + 60] });
    expect(body.series).toEqual({ cpu0: { busy: [2.5, 8.5] }, cpu1: { busy: [3.5, 9.5] } });
  });

  it('is readable by a viewer, refuses anonymous requests, and hides other tenants’ collectors', async () => {
    const { t, ingest, url } = await setup();
    await ingest([sample(baseTime(), 1)]);
    expect((await get(t, url, 'viewer')).statusCode).toBe(200);
    expect((await get(t, `${url}?group=cpu`, 'viewer')).statusCode).toBe(200);
    expect((await get(t, url, false)).statusCode).toBe(401);
    const other = await createTestTenant();
    for (const query of ['', '?group=cpu', '?step=1h']) {
      const res = await get(other, `${url}${query}`);
      expect(res.statusCode, query).toBe(404);
      expect(res.json()).toEqual({ detail: 'Not found.', code: 'not_found' });
    }
  });

  it('is documented in the OpenAPI schema', async () => {
    const t = await createTestTenant();
    const res = await get(t, '/api/v1/schema/');
    expect(res.statusCode).toBe(200);
    const paths = Object.keys(res.json().paths);
    for (const path of [
      '/api/v1/collectors/{id}/metrics/',
      '/api/v1/collectors/{id}/metrics/export/',
      '/api/v1/metrics/compare/',
    ])
      expect(paths).toContain(path);
  });
});
