import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { createCollector, createTestTenant, fixturePath, getApp, type TestTenant } from '../../../../test/helpers.ts';
import { fileForm } from '../../../../test/multipart.ts';
import { ingestSamples } from '../storage/ingest-queue.ts';
import { baseTime, get, sample } from './test-support.ts';

const FILES = ['proc/diskstats', 'proc/meminfo', 'proc/net/dev', 'proc/stat', 'statfs_ALL'];
const RANGES = { 'sys-info-test': [1767977160, 1767977245], 'loadtest-cpuinfo': [1767982248, 1767982333] } as const;
type Recording = keyof typeof RANGES;

const fixture = (recording: Recording) => readFileSync(fixturePath('pcc', recording, `${recording}.json`));
const reference = (recording: Recording, path: string) =>
  readFileSync(fixturePath('pcc', recording, 'csv', path), 'utf8');
const sortLines = (text: string) => text.split('\n').sort().join('\n');

async function upload(t: TestTenant, collectorId: string, name: string, content: Buffer) {
  const form = fileForm(name, content);
  const res = await t.request({
    method: 'POST',
    url: `/api/v1/collectors/${collectorId}/data/`,
    payload: form.payload,
    headers: form.headers,
  });
  expect(res.statusCode, res.body).toBe(201);
}

function unzip(body: Buffer): Record<string, string> {
  return Object.fromEntries(Object.entries(unzipSync(new Uint8Array(body))).map(([k, v]) => [k, strFromU8(v)]));
}

function expectReference(recording: Recording, files: Record<string, string>, expected: readonly string[]) {
  expect(Object.keys(files).sort()).toEqual([...expected].sort());
  for (const path of expected) expect(sortLines(files[path] ?? ''), path).toBe(sortLines(reference(recording, path)));
}

describe('GET /api/v1/collectors/:id/metrics/export/', () => {
  it('csv: a header of the fields, ISO timestamps, empty cells for gaps, as an attachment', async () => {
    const t = await createTestTenant();
    const { id } = await createCollector(t, { name: 'web 01/α' });
    const { database } = await getApp();
    const t0 = baseTime();
    await ingestSamples(database.db, t.id, id, [
      sample(t0, 1, { net_rx_bps: null }),
      sample(t0 + 10, 2.5),
      sample(t0 + 40, 3),
    ]);
    const res = await get(
      t,
      `/api/v1/collectors/${id}/metrics/export/?format=csv&from=${t0}&to=${t0 + 60}&step=raw&fields=cpu_busy,net_rx_bps`,
    );
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    const stamp = (s: number) => new Date(s * 1000).toISOString().replace('.000Z', 'Z');
    const compact = (s: number) => stamp(s).replace(/[-:]/g, '');
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="web_01_-${compact(t0)}-${compact(t0 + 60)}.csv"`,
    );
    expect(res.body).toBe(
      [
        'timestamp,cpu_busy,net_rx_bps',
        `${stamp(t0)},1,`,
        `${stamp(t0 + 10)},2.5,250`,
        `${stamp(t0 + 20)},,`,
        `${stamp(t0 + 40)},3,300`,
        '',
      ].join('\n'),
    );
  });

  it('json: the same series as the metrics endpoint', async () => {
    const t = await createTestTenant();
    const { id } = await createCollector(t);
    const { database } = await getApp();
    const t0 = baseTime();
    await ingestSamples(
      database.db,
      t.id,
      id,
      Array.from({ length: 12 }, (_, i) => sample(t0 + i * 10, i)),
    );
    const query = `from=${t0}&to=${t0 + 120}&step=1m&fields=cpu_busy`;
    const res = await get(t, `/api/v1/collectors/${id}/metrics/export/?format=json&${query}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename=".*\.json"$/);
    const series = (await get(t, `/api/v1/collectors/${id}/metrics/?${query}`)).json();
    expect(res.json()).toEqual(series);
    expect(series.series.cpu_busy).toEqual([2.5, 8.5]);
    expect(series.max.cpu_busy).toEqual([5, 11]);
  });

  it.each([
    ['sys-info-test', FILES],
    ['loadtest-cpuinfo', [...FILES, 'system_info.json']],
  ] as const)('pcprocess: %s uploaded as collected data → a zip of the reference files', async (recording, files) => {
    const t = await createTestTenant();
    const { id } = await createCollector(t);
    await upload(t, id, `${recording}.json`, fixture(recording));
    const [from, to] = RANGES[recording];
    const res = await get(t, `/api/v1/collectors/${id}/metrics/export/?format=pcprocess&from=${from}&to=${to}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/zip');
    expect(res.headers['content-disposition']).toMatch(/\.zip"$/);
    expectReference(recording, unzip(res.rawPayload), files);
  });

  it('pcprocess: overlapping and gzip uploads count once; only rounds in range are used', async () => {
    const t = await createTestTenant();
    const { id } = await createCollector(t);
    await upload(t, id, 'first.json', fixture('sys-info-test'));
    await upload(t, id, 'again.json.gz', gzipSync(fixture('sys-info-test')));
    await upload(t, id, 'portal.csv', readFileSync(fixturePath('pcc/sys-info-test/sys-info-test-portal.csv')));
    const [from, to] = RANGES['sys-info-test'];
    const url = `/api/v1/collectors/${id}/metrics/export/?format=pcprocess`;
    const whole = await get(t, `${url}&from=${from}&to=${to}`, 'viewer');
    expect(whole.statusCode).toBe(200);
    expectReference('sys-info-test', unzip(whole.rawPayload), FILES);

    // The last three rounds only: round 0 remembered, round 1 header, round 2 one row per subsystem.
    const stamps = [
      ...new Set(
        [
          ...fixture('sys-info-test')
            .toString()
            .matchAll(/"timestamp":(\d+)/g),
        ].map((m) => m[1]),
      ),
    ];
    const tail = unzip((await get(t, `${url}&from=${stamps.at(-3)}&to=${to}`)).rawPayload);
    const rows = (tail['proc/meminfo'] ?? '').trim().split('\n');
    expect(rows).toHaveLength(2);
    expect(rows[1]?.startsWith(`${to},`)).toBe(true);
  });

  it('pcprocess: 404 when no raw collection covers the range', async () => {
    const t = await createTestTenant();
    const { id } = await createCollector(t);
    const detail = 'No raw collection covers this range; pcprocess export needs uploaded raw data';
    const none = await get(t, `/api/v1/collectors/${id}/metrics/export/?format=pcprocess`);
    expect(none.statusCode).toBe(404);
    expect(none.json()).toEqual({ detail, code: 'not_found' });
    await upload(t, id, 'rec.json', fixture('sys-info-test'));
    const [from] = RANGES['sys-info-test'];
    const before = await get(
      t,
      `/api/v1/collectors/${id}/metrics/export/?format=pcprocess&from=${from - 7200}&to=${from - 1}`,
    );
    expect(before.statusCode).toBe(404);
    expect(before.json().detail).toBe(detail);
  });

  it('names bad parameters, 404s other tenants on every format, and serves viewers', async () => {
    const t = await createTestTenant();
    const { id } = await createCollector(t);
    await upload(t, id, 'rec.json', fixture('sys-info-test'));
    const url = `/api/v1/collectors/${id}/metrics/export/`;
    for (const [query, field] of [
      ['format=xlsx', 'format'],
      ['fields=cpu', 'fields'],
      ['from=later', 'from'],
      ['step=10s', 'step'],
    ] as const) {
      const res = await get(t, `${url}?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(Object.keys(res.json()), query).toEqual([field]);
    }
    const other = await createTestTenant();
    const [from, to] = RANGES['sys-info-test'];
    for (const format of ['csv', 'json', 'pcprocess']) {
      const query = `?format=${format}&from=${from}&to=${to}`;
      expect((await get(other, `${url}${query}`)).statusCode, format).toBe(404);
      expect((await get(t, `${url}${query}`, 'viewer')).statusCode, format).toBe(200);
    }
    expect((await get(t, url, false)).statusCode).toBe(401);
  });
});
