import { gzipSync } from 'node:zlib';
import { parseCollection } from '@xat/procfs';
import { describe, expect, it } from 'vitest';
import { createCollector, createTestTenant, type TestTenant } from '../../../../test/helpers.ts';
import { fileForm } from '../../../../test/multipart.ts';
import {
  agentRequest,
  cpuRows,
  expectReferenceSeries,
  fixture,
  hostSeries,
  keepSeriesForYears,
} from './test-support.ts';

const FIXTURES = ['sys-info-test', 'loadtest-cpuinfo'] as const;

const upload = (t: TestTenant, key: string, name: string, content: Buffer | string) => {
  const form = fileForm(name, content);
  return agentRequest(t, key, {
    method: 'POST',
    url: '/api/v1/metrics/',
    payload: form.payload,
    headers: form.headers,
  });
};

describe.each(FIXTURES)('the %s recording', (name) => {
  const collection = fixture(name, `${name}.json`);
  const rounds = [...new Set(parseCollection(collection.toString('utf8')).measurements.map((m) => m.timestamp))];

  it('uploaded as a file: kept as collected data, and its series equal pcprocess’s values', async () => {
    const t = await createTestTenant();
    await keepSeriesForYears(t);
    const { id, api_key } = await createCollector(t);
    const res = await upload(t, api_key, `${name}.json`, collection);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ status: 'uploaded', file_size: collection.length, skipped: 0, out_of_range: 0 });
    expect(res.json().metrics_count).toBe(rounds.length - 1);

    const data = await t.request({ method: 'GET', url: `/api/v1/collectors/${id}/data/` });
    expect(data.json().results[0]).toMatchObject({
      row_count: rounds.length,
      data_start: new Date((rounds[0] ?? 0) * 1000).toISOString(),
      data_end: new Date((rounds.at(-1) ?? 0) * 1000).toISOString(),
    });

    await expectReferenceSeries(name, t.id, id);
  });

  it('replayed round by round through /v1/trickle gives the same series as the upload; gzip gives it too', async () => {
    const t = await createTestTenant();
    await keepSeriesForYears(t);
    const uploaded = await createCollector(t);
    expect((await upload(t, uploaded.api_key, 'c.json', collection)).statusCode).toBe(201);
    const zipped = await createCollector(t);
    const gz = await upload(t, zipped.api_key, 'c.json.gz', gzipSync(collection));
    expect(gz.statusCode, gz.body).toBe(201);
    expect(gz.json().metrics_count).toBe(rounds.length - 1);

    const trickled = await createCollector(t);
    const measurements = parseCollection(collection.toString('utf8')).measurements;
    let session: string | undefined;
    for (const ts of rounds) {
      const res = await agentRequest(t, undefined, {
        method: 'POST',
        url: '/v1/trickle',
        headers: { apikey: trickled.api_key, 'content-type': 'application/json' },
        payload: { identifier: 'machine-id-1', measurements: measurements.filter((m) => m.timestamp === ts) },
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ status: 'ok', identifier: 'machine-id-1', metrics_count: 1, skipped: 0 });
      session ??= res.json().session_id;
      expect(res.json().session_id).toBe(session);
    }
    const reference = await hostSeries(t.id, uploaded.id);
    expect(reference).toHaveLength(rounds.length - 1);
    expect(await hostSeries(t.id, trickled.id)).toEqual(reference);
    expect(await hostSeries(t.id, zipped.id)).toEqual(reference);
    expect(await cpuRows(t.id, trickled.id)).toEqual(await cpuRows(t.id, uploaded.id));
  });

  it('as the reference’s portal CSV: stored with the CSV’s values', async () => {
    const t = await createTestTenant();
    await keepSeriesForYears(t);
    const { id, api_key } = await createCollector(t);
    const csv = fixture(name, `${name}-portal.csv`);
    const res = await upload(t, api_key, `${name}-portal.csv`, csv);
    expect(res.statusCode, res.body).toBe(201);
    const lines = csv
      .toString('utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(',').map(Number));
    expect(res.json()).toMatchObject({ metrics_count: lines.length, skipped: 0, out_of_range: 0 });
    const series = await hostSeries(t.id, id);
    expect(series.map((r) => [r.t, r.cpu_user, r.cpu_system, r.cpu_idle, r.mem_used_kb, r.disk_write_bps])).toEqual(
      lines.map((l) => [l[0], l[1], l[2], l[3], l[7], l[11]]),
    );
  });
});

describe('collection files that cannot be used', () => {
  it('are refused with a 400 naming the problem and not kept', async () => {
    const t = await createTestTenant();
    const { id, api_key } = await createCollector(t);
    const cases: [string, Buffer | string, RegExp][] = [
      ['notes.txt', 'hello world\n', /^Not a pcc collection/],
      [
        'c.json',
        '{"timestamp":"yesterday","subsystem":"/proc/stat","measurement":"cpu 1"}\n',
        /^No line of the collection/,
      ],
      [
        'c.json',
        '{"timestamp":1767977160,"subsystem":"/proc/stat","measurement":"garbage"}\n',
        /^None of the 1 rounds/,
      ],
      ['c.json.gz', Buffer.from([0x1f, 0x8b, 1, 2, 3, 4, 5]), /^The file starts like gzip but cannot be decompressed/],
      ['c.zip', Buffer.from('PK\u0003\u0004rest'), /^Zip archives are not read/],
      [
        'p.csv',
        'timestamp,cpu_user,cpu_system,cpu_idle,cpu_iowait,cpu_steal,mem_total_kb,mem_used_kb,mem_free_kb,mem_cached_kb,disk_read_bytes,disk_write_bytes,net_rx_bytes,net_tx_bytes\n1,2\n',
        /^The portal CSV has a header but no valid data row/,
      ],
    ];
    for (const [file, content, message] of cases) {
      const res = await upload(t, api_key, file, content);
      expect(res.statusCode, `${file}: ${res.body}`).toBe(400);
      expect(res.json().file?.[0]).toMatch(message);
    }
    const data = await t.request({ method: 'GET', url: `/api/v1/collectors/${id}/data/` });
    expect(data.json().count).toBe(0);
  });

  it('a truncated gzip collection gives the rounds that made it', async () => {
    const t = await createTestTenant();
    await keepSeriesForYears(t);
    const { api_key } = await createCollector(t);
    const gz = gzipSync(fixture('sys-info-test', 'sys-info-test.json'));
    const res = await upload(t, api_key, 'cut.json.gz', gz.subarray(0, Math.floor(gz.length * 0.6)));
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().metrics_count).toBeGreaterThan(3);
    expect(res.json().metrics_count).toBeLessThan(17);
  });
});
