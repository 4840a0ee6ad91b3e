import { describe, expect, it } from 'vitest';
import { createCollector, createTestTenant, getApp } from '../../../../test/helpers.ts';
import { ingestSamples } from '../storage/ingest-queue.ts';
import { summarizeHostFields } from './field-stats.queries.ts';
import { readDeviceSeries, readHostSeries } from './metrics-query.service.ts';
import { sample } from './test-support.ts';

const DAY = 86_400;
const RETENTION = { raw: 7, '1m': 90, '1h': 730 };

/** Samples every 10 s for `minutes`, starting on an hour boundary ~200 days back: past every live retention. */
async function oldSamples(minutes: number) {
  const t = await createTestTenant();
  const { id } = await createCollector(t);
  const { database } = await getApp();
  const t0 = Math.floor((Date.now() / 1000 - 200 * DAY) / 3600) * 3600;
  const values = Array.from({ length: minutes * 6 }, (_, i) => (i * 7) % 97);
  await ingestSamples(
    database.db,
    t.id,
    id,
    values.map((v, i) => sample(t0 + 10 * (i + 1), v)),
  );
  return { db: database.db, tenantId: t.id, id, t0, values };
}

describe('keep: a recording’s window, whatever its age', () => {
  it('reads raw samples months old that the live query clips away', async () => {
    const { db, tenantId, id, t0, values } = await oldSamples(5);
    const range = { from: t0, to: t0 + 300 };
    const now = Math.floor(Date.now() / 1000);
    const live = await readHostSeries(db, tenantId, id, ['cpu_busy'], {
      step: 'raw',
      range,
      retention: RETENTION,
      now,
    });
    expect(live.timestamps).toEqual([]);
    const kept = await readHostSeries(db, tenantId, id, ['cpu_busy'], { step: 'auto', range, keep: true });
    expect(kept).toMatchObject({ step: 'raw', step_seconds: 10, from: t0, to: t0 + 300 });
    expect(kept.timestamps).toEqual(values.map((_, i) => t0 + 10 * (i + 1)));
    expect(kept.series.cpu_busy).toEqual(values);
  });

  it('aggregates 1m and 1h buckets from raw rows: averages and maxima per wall-clock bucket', async () => {
    const { db, tenantId, id, t0, values } = await oldSamples(3);
    const range = { from: t0, to: t0 + 180 };
    const minute = await readHostSeries(db, tenantId, id, ['cpu_busy'], { step: '1m', range, keep: true });
    // Samples at t0+10 … t0+180: minute k holds the samples whose time falls in [t0+60k, t0+60k+60).
    const buckets = new Map<number, number[]>();
    values.forEach((v, i) => {
      const key = Math.floor((10 * (i + 1)) / 60) * 60 + t0;
      buckets.set(key, [...(buckets.get(key) ?? []), v]);
    });
    const keys = [...buckets.keys()].sort((a, b) => a - b);
    expect(minute).toMatchObject({ step: '1m', step_seconds: 60 });
    expect(minute.timestamps).toEqual(keys);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    keys.forEach((k, i) => {
      expect(minute.series.cpu_busy?.[i]).toBeCloseTo(mean(buckets.get(k) ?? []), 9);
      expect(minute.max?.cpu_busy?.[i]).toBe(Math.max(...(buckets.get(k) ?? [])));
    });
    const hour = await readHostSeries(db, tenantId, id, ['cpu_busy'], { step: '1h', range, keep: true });
    expect(hour.timestamps).toEqual([t0]);
    expect(hour.series.cpu_busy?.[0]).toBeCloseTo(mean(values), 9);
  });

  it('reads device series of the window unclipped', async () => {
    const { db, tenantId, id, t0, values } = await oldSamples(2);
    const range = { from: t0, to: t0 + 120 };
    const devices = await readDeviceSeries(db, tenantId, id, 'cpu', ['busy'], { step: 'raw', range, keep: true });
    expect(Object.keys(devices.series)).toEqual(['cpu0', 'cpu1']);
    expect(devices.series.cpu1?.busy).toEqual(values.map((v) => v + 1));
  });

  it('summarizes each field over the window: n, avg, linear percentiles, max', async () => {
    const { db, tenantId, id, t0, values } = await oldSamples(4);
    const stats = await summarizeHostFields(db, tenantId, id, ['cpu_busy', 'cpu_steal'], { from: t0, to: t0 + 240 });
    const sorted = [...values].sort((a, b) => a - b);
    const percentile = (p: number) => {
      const at = p * (sorted.length - 1);
      const lo = Math.floor(at);
      return (sorted[lo] ?? 0) + ((sorted[Math.ceil(at)] ?? 0) - (sorted[lo] ?? 0)) * (at - lo);
    };
    expect(stats.cpu_busy?.n).toBe(values.length);
    expect(stats.cpu_busy?.avg).toBeCloseTo(values.reduce((a, b) => a + b, 0) / values.length, 9);
    expect(stats.cpu_busy?.p50).toBeCloseTo(percentile(0.5), 9);
    expect(stats.cpu_busy?.p95).toBeCloseTo(percentile(0.95), 9);
    expect(stats.cpu_busy?.max).toBe(sorted.at(-1));
    // Never measured: no values, no statistics.
    expect(stats.cpu_steal).toEqual({ n: 0, avg: null, p50: null, p95: null, max: null });
  });
});
