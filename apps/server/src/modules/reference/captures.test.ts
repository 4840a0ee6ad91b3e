import { randomUUID } from 'node:crypto';
import { parseCollection } from '@xat/procfs';
import { describe, expect, it } from 'vitest';
import { createCollector, createTestTenant, type TestTenant } from '../../../test/helpers.ts';
import { CAPTURE_DATA, CAPTURES, expectShape } from './test-shapes.ts';
import { fixture, type HostRow, insertRecording, iso, referenceCsv, uploadFixture } from './test-support.ts';

// /api/v1/pcc/captures: the reference's captures over our uploaded recordings, on the two real January recordings.

const MB = 1e6;
const get = (t: TestTenant, url: string) => t.request({ method: 'GET', url, auth: 'viewer' });
const round2 = (x: number) => Math.round(x * 100) / 100;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const values = (rows: HostRow[], f: (r: HostRow) => number | null) =>
  rows.map(f).filter((v): v is number => v !== null);
/** Rounds in the file: a capture holds one sample per interval, one fewer than its rounds. */
const roundsOf = (name: string) =>
  new Set(parseCollection(fixture(name, `${name}.json`).toString('utf8')).measurements.map((m) => m.timestamp)).size;

describe('GET /api/v1/pcc/captures', () => {
  it('lists the tenant’s uploads, newest data first, with samples counted and means over them', async () => {
    const t = await createTestTenant();
    const a = await uploadFixture(t, 'sys-info-test', { name: 'azure-1' });
    const b = await uploadFixture(t, 'loadtest-cpuinfo', { name: 'azure-4' });
    // Not captures: a trickle session, and another tenant's upload.
    await insertRecording(t.id, {
      collectorId: a.collector.id,
      source: 'trickle',
      startedAt: 1767977170,
      endedAt: 1767977200,
    });
    await uploadFixture(await createTestTenant(), 'sys-info-test');

    const res = await get(t, '/api/v1/pcc/captures');
    expect(res.statusCode, res.body).toBe(200);
    expectShape(res.json(), CAPTURES);
    const expected = [
      { up: a, name: 'sys-info-test', server: 'azure-1' },
      { up: b, name: 'loadtest-cpuinfo', server: 'azure-4' },
    ]
      .sort((x, y) => (y.up.rows[0]?.t ?? 0) - (x.up.rows[0]?.t ?? 0))
      .map(({ up, name, server }) => {
        const samples = roundsOf(name) - 1;
        const disk = values(up.rows, (r) =>
          r.disk_read_bps === null && r.disk_write_bps === null
            ? null
            : (r.disk_read_bps ?? 0) + (r.disk_write_bps ?? 0),
        );
        return {
          id: up.recordingId,
          serverName: server,
          serverId: up.collector.id,
          duration: `${samples} samples`,
          capturedAt: iso(up.rows[0]?.t ?? 0),
          metrics: ['cpu', 'memory', 'disk', 'network'],
          sampleCount: samples,
          summary: {
            avgCpu: round2(mean(values(up.rows, (r) => r.cpu_busy))),
            avgMemory: round2(mean(values(up.rows, (r) => r.mem_used_pct))),
            avgDiskIO: round2(mean(disk) / MB),
          },
        };
      });
    expect(res.json().captures).toMatchObject(expected);
    expect(res.json().captures).toHaveLength(2);
  });
});

describe('GET /api/v1/pcc/captures/<id>/data', () => {
  it('answers the whole January series: UTC timestamps, busy %, used %, disk MB/s, network Mbit/s, pcprocess’s values', async () => {
    const t = await createTestTenant();
    const name = 'sys-info-test';
    const { collector, recordingId, rows } = await uploadFixture(t, name, { name: 'azure-1' });
    const res = await get(t, `/api/v1/pcc/captures/${recordingId}/data`);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expectShape(body, CAPTURE_DATA);
    expect(body).toMatchObject({ id: recordingId, serverName: collector.name, capturedAt: iso(rows[0]?.t ?? 0) });
    expect(body.units).toMatchObject({
      diskRead: 'MB/s (10^6 bytes per second)',
      networkRx: 'Mbit/s (10^6 bits per second)',
    });
    const times = rows.map((r) => r.t);
    expect(body.timeSeries.timestamps).toEqual(times.map(iso));
    expect(body.timeSeries.timestamps[0]).toMatch(/^2026-01-\d\dT\d\d:\d\d:\d\d\.000Z$/);

    const at = (csv: string[][], ts: number, key?: string) =>
      csv.filter((r) => r[0] === String(ts) && (key === undefined || r[1] === key)).map((r) => r.map(Number));
    const stat = referenceCsv(name, 'proc/stat');
    const meminfo = referenceCsv(name, 'proc/meminfo');
    const disks = referenceCsv(name, 'proc/diskstats');
    const nets = referenceCsv(name, 'proc/net/dev');
    // The reference's first row spans rounds 0→2 (REFERENCE 2.2): from the third round on, both use one interval.
    const compared = times.slice(2);
    expect(compared.length).toBeGreaterThan(10);
    const s = body.timeSeries;
    for (const ts of compared) {
      const i = times.indexOf(ts);
      expect(s.cpu[i]).toBe(100 - (at(stat, ts, '-1')[0]?.[7] ?? Number.NaN));
      expect(s.memory[i]).toBe(at(meminfo, ts)[0]?.[4]);
      const whole = [...at(disks, ts, 'sda'), ...at(disks, ts, 'sdb')];
      const sum = (col: number) => whole.reduce((acc, r) => acc + (r[col] ?? 0), 0);
      expect(s.diskRead[i]).toBeCloseTo((sum(6) * 512) / MB, 9);
      expect(s.diskWrite[i]).toBeCloseTo((sum(7) * 512) / MB, 9);
      const eth0 = at(nets, ts, 'eth0')[0] ?? [];
      expect(s.networkRx[i]).toBeCloseTo(((eth0[4] ?? Number.NaN) * 1024 * 8) / MB, 9);
      expect(s.networkTx[i]).toBeCloseTo(((eth0[5] ?? Number.NaN) * 1024 * 8) / MB, 9);
    }
  });

  it('another tenant’s capture, a recording that was not uploaded, or none, is 404 {error}', async () => {
    const t = await createTestTenant();
    const other = await uploadFixture(await createTestTenant(), 'sys-info-test');
    const trickle = await insertRecording(t.id, { collectorId: (await createCollector(t)).id, source: 'trickle' });
    for (const id of [other.recordingId, trickle, randomUUID()]) {
      const res = await get(t, `/api/v1/pcc/captures/${id}/data`);
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ error: 'Capture not found' });
    }
    expect((await get(t, '/api/v1/pcc/captures')).json()).toEqual({ captures: [] });
    expect((await t.request({ method: 'GET', url: '/api/v1/pcc/captures', auth: false })).statusCode).toBe(401);
  });
});
