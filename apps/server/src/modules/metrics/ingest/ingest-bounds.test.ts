import { randomUUID } from 'node:crypto';
import { MAX_METRIC_VALUE } from '@xat/contracts';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createCollector, createTestTenant, getApp, type TestTenant } from '../../../../test/helpers.ts';
import { queryRows } from '../../../db/client.ts';
import { MAX_ERROR_FIELDS } from './bounded-check.ts';
import { agentRequest, hostSeries, nowSeconds, rawRound, sampleAt } from './test-support.ts';

// Issue 12 item 7: values bounded per field; a bad sample is refused alone, with its reason, and the rest stored.

const post = (t: TestTenant, key: string, payload: string | object, url = '/api/v1/metrics/') =>
  agentRequest(t, key, {
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json' },
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });

const batch = (samples: unknown[]) => ({ batch_id: randomUUID(), collector_time: nowSeconds(), samples });

/** The collector's 1-minute rollup rows: bucket, samples, and cpu_busy / mem_used_kb sums and maxima. */
async function minuteRollups(tenantId: string, collectorId: string) {
  const { database } = await getApp();
  return queryRows<{ bucket: number; samples: number; sum_mem: number; max_mem: number; sum_busy: number }>(
    database.db,
    sql`select extract(epoch from bucket)::float8 as bucket, samples, sum_mem_used_kb as sum_mem,
               max_mem_used_kb as max_mem, sum_cpu_busy as sum_busy
        from metric_rollup_1m where tenant_id = ${tenantId}::uuid and collector_id = ${collectorId}::uuid order by 1`,
  );
}

describe('values bounded per field', () => {
  it('refuses each bad sample alone with its index, field and reason, and stores the others', async () => {
    const t = await createTestTenant();
    const { id, api_key } = await createCollector(t);
    const now = nowSeconds();
    const at = (i: number) => sampleAt(now - 100 + i * 10);
    const samples = [
      at(0),
      { ...at(1), host: { cpu_busy: -5 } },
      at(2),
      { ...at(3), host: { mem_used_kb: 1e30 } },
      { ...at(4), host: { cpu_user: 100.5 } },
      { ...at(5), cpus: [{ cpu: 0, busy: 250 }] },
      { ...at(6), disks: [{ name: 'sda', read_bps: -1 }] },
      { ...at(7), filesystems: [{ mount_point: '/', used_pct: 101 }] },
      { ...at(8), host: { cpu_busy: 'high' } },
      { host: {} },
      at(9),
    ];
    const res = await post(t, api_key, batch(samples));
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body).toMatchObject({ written: 3, duplicates: 0, refused_count: 8 });
    expect(body.refused).toEqual([
      { index: 1, field: 'host.cpu_busy', reason: 'Ensure this value is greater than or equal to 0.' },
      {
        index: 3,
        field: 'host.mem_used_kb',
        reason: `Ensure this value is less than or equal to ${MAX_METRIC_VALUE}.`,
      },
      { index: 4, field: 'host.cpu_user', reason: 'Ensure this value is less than or equal to 100.' },
      { index: 5, field: 'cpus.0.busy', reason: 'Ensure this value is less than or equal to 100.' },
      { index: 6, field: 'disks.0.read_bps', reason: 'Ensure this value is greater than or equal to 0.' },
      { index: 7, field: 'filesystems.0.used_pct', reason: 'Ensure this value is less than or equal to 100.' },
      { index: 8, field: 'host.cpu_busy', reason: 'Must be number or null.' },
      { index: 9, field: 'timestamp', reason: 'This field is required.' },
    ]);
    expect(body.samples).toEqual([
      '8 samples are malformed or hold a value beyond its bounds (first: samples.1.host.cpu_busy: Ensure this value is greater than or equal to 0.).',
    ]);
    expect((await hostSeries(t.id, id)).map((r) => r.t)).toEqual([now - 100, now - 80, now - 10]);
  });

  it('refuses values JSON makes infinite, and lists at most 20 refusals however many there are', async () => {
    const t = await createTestTenant();
    const { id, api_key } = await createCollector(t);
    const now = nowSeconds();
    const good = JSON.stringify(sampleAt(now - 5));
    const infinite = (i: number) => `{"timestamp":${now - 1000 + i},"host":{"net_rx_bps":1e999}}`;
    const body = `{"batch_id":"${randomUUID()}","collector_time":${now},"samples":[${Array.from({ length: 500 }, (_, i) => infinite(i)).join(',')},${good}]}`;
    const res = await post(t, api_key, body);
    expect(res.statusCode).toBe(400);
    expect(res.json().refused).toHaveLength(MAX_ERROR_FIELDS);
    // JSON.parse reads 1e999 as Infinity, which is no number to TypeBox.
    expect(res.json().refused[0]).toEqual({ index: 0, field: 'host.net_rx_bps', reason: 'Must be number or null.' });
    expect(res.json()).toMatchObject({ written: 1, refused_count: 500 });
    expect((await hostSeries(t.id, id)).map((r) => r.t)).toEqual([now - 5]);
  });

  it('never lets two 1.7e308 in a minute overflow the rollup: they are refused, the minute keeps the rest', async () => {
    const t = await createTestTenant();
    const { id, api_key } = await createCollector(t);
    const minute = Math.floor(nowSeconds() / 60) * 60 - 120;
    const huge = (ts: number) => ({ ...sampleAt(ts), host: { cpu_busy: 50, mem_used_kb: 1.7e308 } });
    const res = await post(t, api_key, batch([huge(minute + 10), sampleAt(minute + 20, 30), huge(minute + 30)]));
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ written: 1, refused_count: 2 });
    expect(res.json().refused.map((r: { index: number }) => r.index)).toEqual([0, 2]);
    // The values at the bounds' maximum, twice in the same minute, add up like any others.
    const top = (ts: number) => ({ timestamp: ts, host: { cpu_busy: 100, mem_used_kb: MAX_METRIC_VALUE } });
    const res2 = await post(t, api_key, batch([top(minute + 40), top(minute + 50)]));
    expect(res2.statusCode, res2.body).toBe(200);
    expect(await minuteRollups(t.id, id)).toEqual([
      {
        bucket: minute,
        samples: 3,
        sum_mem: 1_000_000 + 2 * MAX_METRIC_VALUE,
        max_mem: MAX_METRIC_VALUE,
        sum_busy: 230,
      },
    ]);
  });

  it('leaves out raw rounds whose values come out beyond their bounds and counts them as skipped', async () => {
    const t = await createTestTenant();
    const { id, api_key } = await createCollector(t);
    const base = nowSeconds() - 100;
    const round = (ts: number, memFree: number | string) =>
      rawRound(base, ts, 10 * (ts - base)).map((m) =>
        m.subsystem === '/proc/meminfo' ? { ...m, measurement: `MemTotal: 1000 kB\nMemFree: ${memFree} kB\n` } : m,
      );
    const measurements = [
      ...round(base + 10, 400),
      ...round(base + 20, '100000000000000000000'),
      ...round(base + 30, 400),
    ];
    const res = await post(t, api_key, { measurements });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      status: 'received',
      metrics_count: 1,
      skipped: 1,
      out_of_range: 0,
      messages: ['1 interval comes out with a value beyond its bounds.'],
    });
    expect((await hostSeries(t.id, id)).map((r) => r.t)).toEqual([base + 30]);
  });
});
