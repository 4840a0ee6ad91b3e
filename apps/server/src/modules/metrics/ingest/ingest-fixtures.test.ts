import { gzipSync } from 'node:zlib';
import { parseCollection } from '@xat/procfs';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createCollector, createTestTenant, getApp, type TestTenant } from '../../../../test/helpers.ts';
import { fileForm } from '../../../../test/multipart.ts';
import { queryRows } from '../../../db/client.ts';
import { agentRequest, fixture, hostSeries, keepSeriesForYears, referenceCsv } from './test-support.ts';

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

async function cpuRows(tenantId: string, collectorId: string) {
  const { database } = await getApp();
  return queryRows<{ t: number; cpu: number; user: number; system: number; idle: number }>(
    database.db,
    sql`select extract(epoch from ts)::float8 as t, cpu, "user", "system", idle from metric_cpus
        where tenant_id = ${tenantId}::uuid and collector_id = ${collectorId}::uuid order by ts, cpu`,
  );
}

describe.each(FIXTURES)('the %s recording', (name) => {
  const collection = fixture(name, `${name}.json`);
  const rounds = [...new Set(parseCollection(collection.toString('utf8')).measurements.map((m) => m.timestamp))];
  const stat = referenceCsv(name, 'proc/stat');
  const meminfo = referenceCsv(name, 'proc/meminfo');
  const disks = referenceCsv(name, 'proc/diskstats');
  const nets = referenceCsv(name, 'proc/net/dev');

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

    const series = await hostSeries(t.id, id);
    expect(series.map((r) => r.t)).toEqual(rounds.slice(1));
    // The reference's first row spans rounds 0→2 (REFERENCE 2.2); from the third round on both use one interval.
    const compared = rounds.slice(3);
    expect(compared.length).toBeGreaterThan(10);
    const cpus = await cpuRows(t.id, id);
    for (const ts of compared) {
      const row = series.find((r) => r.t === ts);
      const at = (rows: string[][], key?: string) => rows.filter((r) => r[0] === String(ts) && (!key || r[1] === key));
      const total = at(stat, '-1')[0]?.map(Number) ?? [];
      expect([row?.cpu_user, row?.cpu_nice, row?.cpu_system, row?.cpu_iowait, row?.cpu_steal, row?.cpu_idle]).toEqual(
        total.slice(2, 8),
      );
      expect(row?.cpu_busy).toBe(100 - (total[7] ?? Number.NaN));
      const mem = at(meminfo)[0]?.map(Number) ?? [];
      expect([
        row?.mem_free_kb,
        row?.mem_available_kb,
        row?.mem_used_kb,
        row?.mem_used_pct,
        row?.mem_buffers_kb,
        row?.mem_cached_kb,
        row?.mem_commit_kb,
        row?.mem_commit_pct,
        row?.mem_active_kb,
        row?.mem_inactive_kb,
        row?.mem_dirty_kb,
      ]).toEqual(mem.slice(1, 12));
      // Whole disks only (sda, sdb: not partitions or loop), physical interfaces only (eth0: not lo, docker0, veth*).
      const whole = [...at(disks, 'sda'), ...at(disks, 'sdb')];
      expect(row?.disk_read_iops).toBe(whole.reduce((s, r) => s + Number(r[3]), 0));
      expect(row?.disk_write_iops).toBe(whole.reduce((s, r) => s + Number(r[4]), 0));
      expect(row?.disk_write_bps).toBe(whole.reduce((s, r) => s + Number(r[7]) * 512, 0));
      const eth0 = at(nets, 'eth0')[0] ?? [];
      expect([row?.net_rx_pps, row?.net_tx_pps, row?.net_rx_bps, row?.net_tx_bps]).toEqual([
        Number(eth0[2]),
        Number(eth0[3]),
        Number(eth0[4]) * 1024,
        Number(eth0[5]) * 1024,
      ]);
      for (const ref of at(stat).filter((r) => r[1] !== '-1')) {
        const cpu = cpus.find((c) => c.t === ts && c.cpu === Number(ref[1]));
        expect([cpu?.user, cpu?.system, cpu?.idle]).toEqual([Number(ref[2]), Number(ref[4]), Number(ref[7])]);
      }
    }
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
