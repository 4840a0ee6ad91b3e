import { readFileSync } from 'node:fs';
import {
  type FieldStats,
  type MetricSample,
  type MetricSeries,
  RECORDING_STAT_FIELDS,
  type Recording,
  type RecordingSummary,
} from '@xat/contracts';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { createCollector, createTestTenant, fixturePath, getApp } from '../../../test/helpers.ts';
import { fileForm } from '../../../test/multipart.ts';
import { insertLoadTest } from '../loadtests/loadtests.queries.ts';
import { DAY, daysAgo, hostSample, recordSeries, storeRecording, storeSamples } from './test-support.ts';

const at = (epoch: number) => new Date(epoch * 1000);
const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** The linear-interpolation percentile (Hyndman–Fan type 7), computed here from the values themselves. */
function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const position = p * (sorted.length - 1);
  const lo = Math.floor(position);
  const below = sorted[lo] ?? Number.NaN;
  const above = sorted[Math.min(lo + 1, sorted.length - 1)] ?? Number.NaN;
  return below + (above - below) * (position - lo);
}

function expectStats(actual: FieldStats | undefined, values: readonly number[], field: string) {
  if (values.length === 0) {
    expect(actual, field).toEqual({ n: 0, avg: null, p50: null, p95: null, max: null });
    return;
  }
  expect(actual?.n, field).toBe(values.length);
  expect(actual?.avg, field).toBeCloseTo(mean(values), 9);
  expect(actual?.p50, field).toBeCloseTo(percentile(values, 0.5), 9);
  expect(actual?.p95, field).toBeCloseTo(percentile(values, 0.95), 9);
  expect(actual?.max, field).toBe(Math.max(...values));
}

describe('GET /api/v1/recordings/:id/summary/', () => {
  it('gives avg, p50, p95 and max of each field over the window only, and the load tests inside it', async () => {
    const t = await createTestTenant();
    const { id } = await createCollector(t);
    const neighbour = await createCollector(t);
    const t0 = daysAgo(150);
    // 41 samples; the recording holds the middle 33 (the 4 on each side have extreme values that must not count).
    const hosts: MetricSample['host'][] = Array.from({ length: 41 }, (_, i) => {
      const outside = i < 4 || i >= 37;
      return {
        cpu_busy: outside ? 100 : ((i * 13) % 61) + 0.25,
        cpu_steal: outside ? 90 : i % 3,
        mem_used_pct: outside ? 99 : 40 + i / 2,
        mem_used_kb: outside ? 9e9 : 1_000_000 + i * 1024,
        net_rx_bps: i % 5 === 0 ? null : outside ? 1e12 : (i * 7919) % 10_007,
        disk_write_iops: outside ? 5000 : i % 2 === 0 ? 10 : 30,
      };
    });
    await storeSamples(
      t,
      id,
      hosts.map((h, i) => hostSample(t0 + 10 * i, h)),
    );
    const first = t0 + 40;
    const last = t0 + 360;
    const recording = await storeRecording(t, id, {
      startedAt: at(first),
      endedAt: at(last),
      sampleCount: 33,
      intervalSeconds: 10,
    });
    const { database } = await getApp();
    const loadTest = (collectorId: string, when: number) =>
      insertLoadTest(database.db, t.id, { collectorId, createdAt: at(when), units100pct: 1000 + when - t0 });
    const inside = await loadTest(id, t0 + 200);
    await loadTest(id, t0 - 60); // before
    await loadTest(id, last + 60); // after
    await loadTest(neighbour.id, t0 + 200); // another server

    const res = await t.request({ method: 'GET', url: `/api/v1/recordings/${recording.id}/summary/`, auth: 'viewer' });
    expect(res.statusCode, res.body).toBe(200);
    const summary = res.json<RecordingSummary>();
    expect(summary.recording).toEqual(recording);
    expect(Object.keys(summary.stats).sort()).toEqual([...RECORDING_STAT_FIELDS].sort());
    const window = hosts.slice(4, 37);
    for (const field of RECORDING_STAT_FIELDS) {
      const values = window.map((h) => h[field]).filter((v): v is number => typeof v === 'number');
      expectStats(summary.stats[field], values, field);
    }
    expect(summary.stats.net_rx_bps?.n).toBe(26); // nulls are no values
    expect(summary.load_tests).toEqual([
      { id: inside.id, created_at: at(t0 + 200).toISOString(), validity: inside.validity, units_100pct: 1200 },
    ]);
  });

  it('answers n = 0 and nulls for a recording that holds no sample yet', async () => {
    const t = await createTestTenant();
    const { id } = await createCollector(t);
    const empty = await storeRecording(t, id, { source: 'trickle', status: 'active', lastDataAt: new Date() });
    const res = await t.request({ method: 'GET', url: `/api/v1/recordings/${empty.id}/summary/` });
    expect(res.statusCode, res.body).toBe(200);
    const summary = res.json<RecordingSummary>();
    for (const field of RECORDING_STAT_FIELDS) expectStats(summary.stats[field], [], field);
    expect(summary.load_tests).toEqual([]);
  });
});

describe('GET /api/v1/recordings/:id/series/ of a recording months old', () => {
  it('reads every raw sample and 1m buckets averaged from them, where the live query keeps nothing', async () => {
    const t = await createTestTenant();
    const { id } = await createCollector(t);
    const t0 = daysAgo(200);
    const busy = Array.from({ length: 90 }, (_, i) => ((i * 37) % 89) + 0.5); // 15 minutes, every 10 s
    const recording = await recordSeries(
      t,
      id,
      t0,
      busy.map((cpu_busy) => ({ cpu_busy, mem_used_pct: 50 })),
    );
    const times = busy.map((_, i) => t0 + 10 * (i + 1));
    const url = `/api/v1/recordings/${recording.id}/series/`;

    const live = await t.request({
      method: 'GET',
      url: `/api/v1/collectors/${id}/metrics/?from=${t0}&to=${t0 + 900}&step=raw`,
    });
    expect(live.json<MetricSeries>().timestamps).toEqual([]); // past the 7 days of live raw retention

    for (const step of ['', '?step=raw']) {
      const raw = await t.request({ method: 'GET', url: `${url}${step}`, auth: 'viewer' });
      expect(raw.statusCode, raw.body).toBe(200);
      const series = raw.json<MetricSeries>();
      expect(series).toMatchObject({ collector_id: id, step: 'raw', step_seconds: 10, from: t0 + 10, to: t0 + 900 });
      expect(series.timestamps).toEqual(times);
      expect(series.series.cpu_busy).toEqual(busy);
      expect(series.series.mem_used_pct).toEqual(busy.map(() => 50));
      expect(series.series.cpu_steal).toEqual(busy.map(() => null));
    }

    const minute = (await t.request({ method: 'GET', url: `${url}?step=1m&fields=cpu_busy` })).json<MetricSeries>();
    const buckets = new Map<number, number[]>();
    times.forEach((time, i) => {
      const key = Math.floor(time / 60) * 60;
      buckets.set(key, [...(buckets.get(key) ?? []), busy[i] ?? Number.NaN]);
    });
    const keys = [...buckets.keys()].sort((a, b) => a - b);
    expect(minute).toMatchObject({ step: '1m', step_seconds: 60 });
    expect(Object.keys(minute.series)).toEqual(['cpu_busy']);
    expect(minute.timestamps).toEqual(keys);
    keys.forEach((key, i) => {
      expect(minute.series.cpu_busy?.[i]).toBeCloseTo(mean(buckets.get(key) ?? []), 9);
      expect(minute.max?.cpu_busy?.[i]).toBe(Math.max(...(buckets.get(key) ?? [])));
    });

    const cpus = await t.request({ method: 'GET', url: `${url}?group=cpu&fields=busy&step=raw` });
    expect(cpus.statusCode, cpus.body).toBe(200);
    expect(cpus.json()).toMatchObject({ group: 'cpu', timestamps: times, series: { cpu0: { busy } } });

    for (const [query, field] of [
      ['?fields=cpu', 'fields'],
      ['?group=cpu&fields=cpu_busy', 'fields'],
      ['?step=5s', 'step'],
      ['?group=gpu', 'group'],
    ] as const) {
      const res = await t.request({ method: 'GET', url: `${url}${query}` });
      expect(res.statusCode, query).toBe(400);
      expect(Object.keys(res.json()), query).toEqual([field]);
    }
  });
});

const unzip = (body: Buffer) =>
  Object.fromEntries(Object.entries(unzipSync(new Uint8Array(body))).map(([k, v]) => [k, strFromU8(v)]));
const sortLines = (text: string) => text.split('\n').sort().join('\n');

describe('GET /api/v1/recordings/:id/export/', () => {
  it('csv and json of the window at full resolution, named after the recording', async () => {
    const t = await createTestTenant();
    const { id } = await createCollector(t);
    const t0 = daysAgo(75);
    const recording = await recordSeries(t, id, t0, [{ cpu_busy: 1.5, net_rx_bps: 10 }, { cpu_busy: 2 }, {}], {
      name: 'Azure D4s / January',
    });
    const stamp = (s: number) => new Date(s * 1000).toISOString().replace('.000Z', 'Z');
    const url = `/api/v1/recordings/${recording.id}/export/`;
    const csv = await t.request({ method: 'GET', url: `${url}?fields=cpu_busy,net_rx_bps`, auth: 'viewer' });
    expect(csv.statusCode, csv.body).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    const compact = (s: number) => stamp(s).replace(/[-:]/g, '');
    expect(csv.headers['content-disposition']).toBe(
      `attachment; filename="Azure_D4s_January-${compact(t0 + 10)}-${compact(t0 + 30)}.csv"`,
    );
    expect(csv.body).toBe(
      [
        'timestamp,cpu_busy,net_rx_bps',
        `${stamp(t0 + 10)},1.5,10`,
        `${stamp(t0 + 20)},2,`,
        `${stamp(t0 + 30)},,`,
        '',
      ].join('\n'),
    );
    const json = await t.request({ method: 'GET', url: `${url}?format=json&fields=cpu_busy` });
    expect(json.statusCode).toBe(200);
    expect(json.headers['content-disposition']).toMatch(/\.json"$/);
    const series = await t.request({
      method: 'GET',
      url: `/api/v1/recordings/${recording.id}/series/?step=raw&fields=cpu_busy`,
    });
    expect(json.json()).toEqual(series.json());
    expect(json.json<MetricSeries>().series.cpu_busy).toEqual([1.5, 2, null]);
    for (const [query, field] of [
      ['?format=xlsx', 'format'],
      ['?fields=nope', 'fields'],
    ] as const) {
      const res = await t.request({ method: 'GET', url: `${url}${query}` });
      expect(res.statusCode, query).toBe(400);
      expect(Object.keys(res.json())).toEqual([field]);
    }
    const none = await t.request({ method: 'GET', url: `${url}?format=pcprocess` });
    expect(none.statusCode).toBe(404);
  });

  it('an uploaded January collection: series equal to pcprocess’s values, pcprocess export equal to its files', async () => {
    const t = await createTestTenant();
    const { id } = await createCollector(t);
    const content = readFileSync(fixturePath('pcc', 'sys-info-test', 'sys-info-test.json'));
    const form = fileForm('sys-info-test.json', content);
    const uploaded = await t.request({
      method: 'POST',
      url: `/api/v1/collectors/${id}/data/`,
      payload: form.payload,
      headers: form.headers,
    });
    expect(uploaded.statusCode, uploaded.body).toBe(201);
    // The upload is a recording of its own timestamps: from the collection's second round (its first interval) to
    // its last, January 2026.
    const recordingId = uploaded.json<{ recording_id: string | null }>().recording_id;
    const found = await t.request({ method: 'GET', url: `/api/v1/recordings/${recordingId}/` });
    expect(found.statusCode, found.body).toBe(200);
    const recording = found.json<Recording>();
    expect(recording).toMatchObject({ collector: id, source: 'upload', ended_at: at(1767977245).toISOString() });
    expect(recording.sample_count).toBeGreaterThan(0);
    const res = await t.request({ method: 'GET', url: `/api/v1/recordings/${recording.id}/export/?format=pcprocess` });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/zip');
    const files = unzip(res.rawPayload);
    const expected = ['proc/diskstats', 'proc/meminfo', 'proc/net/dev', 'proc/stat', 'statfs_ALL'];
    expect(Object.keys(files).sort()).toEqual(expected);
    for (const path of expected)
      expect(sortLines(files[path] ?? ''), path).toBe(
        sortLines(readFileSync(fixturePath('pcc', 'sys-info-test', 'csv', path), 'utf8')),
      );

    // Its series, read months later, are pcprocess's values (the all-CPU rows of proc/stat): one sample per round
    // after the first; the reference's first row spans rounds 0→2 (REFERENCE 2.2), so from the third round on.
    const reference = readFileSync(fixturePath('pcc', 'sys-info-test', 'csv', 'proc', 'stat'), 'utf8')
      .split('\n')
      .map((line) => line.split(',').map(Number))
      .filter((row) => row[1] === -1);
    const series = (
      await t.request({ method: 'GET', url: `/api/v1/recordings/${recording.id}/series/?step=raw` })
    ).json<MetricSeries>();
    expect(series.timestamps).toHaveLength(recording.sample_count);
    expect(series.timestamps.slice(1)).toEqual(reference.map((row) => row[0]));
    const columns = { cpu_user: 2, cpu_nice: 3, cpu_system: 4, cpu_iowait: 5, cpu_steal: 6, cpu_idle: 7 } as const;
    for (const [field, column] of Object.entries(columns))
      reference.slice(1).forEach((row, i) => {
        expect(series.series[field]?.[i + 2], `${field} at ${row[0]}`).toBeCloseTo(row[column] ?? Number.NaN, 9);
      });
  });
});

describe('a recording past every retention', () => {
  it('keeps its window readable a year on', async () => {
    const t = await createTestTenant();
    const { id } = await createCollector(t);
    const t0 = daysAgo(400);
    const recording = await recordSeries(t, id, t0, [{ cpu_busy: 7 }, { cpu_busy: 9 }]);
    expect(recording.started_at).toBe(at(t0 + 10).toISOString());
    const res = await t.request({ method: 'GET', url: `/api/v1/recordings/${recording.id}/series/?step=1h` });
    expect(res.json<MetricSeries>()).toMatchObject({ step: '1h', timestamps: [t0], series: { cpu_busy: [8] } });
    expect(Date.now() / 1000 - t0).toBeGreaterThan(365 * DAY);
  });
});
