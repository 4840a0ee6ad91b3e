import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createCollector, createTestTenant, type TestTenant } from '../../../test/helpers.ts';
import {
  DASHBOARD_COLLECTORS,
  DASHBOARD_CPU,
  DASHBOARD_DISK,
  DASHBOARD_LIVE,
  DASHBOARD_MEMORY,
  DASHBOARD_NETWORK,
  expectShape,
  TRICKLE_STATUS,
} from './test-shapes.ts';
import { fixture, ingest, insertRecording, iso, nowSeconds, referenceCsv, uploadFixture } from './test-support.ts';

// /dashboard/api/collectors/…: the reference perf-dashboard's per-collector routes, on a real January recording.

const NAME = 'sys-info-test';
const MB = 1e6;
const get = (t: TestTenant, url: string) => t.request({ method: 'GET', url, auth: 'viewer' });

/** The reference's pcprocess rows of one timestamp (and device), as numbers. */
const rowsAt = (rows: string[][], ts: number, key?: string) =>
  rows.filter((r) => r[0] === String(ts) && (key === undefined || r[1] === key)).map((r) => r.map(Number));
const stat = referenceCsv(NAME, 'proc/stat');
const meminfo = referenceCsv(NAME, 'proc/meminfo');
const disks = referenceCsv(NAME, 'proc/diskstats');
const nets = referenceCsv(NAME, 'proc/net/dev');
/** MemTotal (kB) of each round, read from the raw /proc/meminfo text of the recording. */
const memTotalKb = new Map(
  fixture(NAME, `${NAME}.json`)
    .toString('utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { timestamp: number; subsystem: string; measurement: string })
    .filter((m) => m.subsystem === '/proc/meminfo')
    .map((m) => [m.timestamp, Number(/^MemTotal:\s+(\d+) kB$/m.exec(m.measurement)?.[1])]),
);

describe('GET /dashboard/api/collectors/', () => {
  it('lists the tenant’s collectors by name, none of another tenant’s', async () => {
    const t = await createTestTenant();
    const b = await createCollector(t, { name: 'b-vm', description: 'second' });
    const a = await createCollector(t, { name: 'a-vm' });
    await createCollector(await createTestTenant(), { name: 'aa-other' });
    const res = await get(t, '/dashboard/api/collectors/');
    expect(res.statusCode).toBe(200);
    expectShape(res.json(), DASHBOARD_COLLECTORS);
    expect(res.json()).toEqual([
      { id: a.id, name: 'a-vm', description: '' },
      { id: b.id, name: 'b-vm', description: 'second' },
    ]);
    expect((await t.request({ method: 'GET', url: '/dashboard/api/collectors/', auth: false })).statusCode).toBe(401);
  });
});

describe('cpu, memory, disk, network of the newest recording', () => {
  it('answer the January upload whole, in the reference’s shapes, with pcprocess’s values in our units', async () => {
    const t = await createTestTenant();
    const { collector, recordingId, rows } = await uploadFixture(t, NAME);
    const times = rows.map((r) => r.t);
    // The reference’s first row spans rounds 0→2 (REFERENCE 2.2): from the third round on, both use one interval.
    const compared = times.slice(2);
    expect(compared.length).toBeGreaterThan(10);
    const index = (ts: number) => times.indexOf(ts);

    const cpu = await get(t, `/dashboard/api/collectors/${collector.id}/cpu/?hours=1`);
    expect(cpu.statusCode, cpu.body).toBe(200);
    const c = cpu.json();
    expectShape(c, DASHBOARD_CPU);
    expect(c).toMatchObject({
      collector_id: collector.id,
      collector_name: collector.name,
      recording_id: recordingId,
      from: iso(times[0] ?? 0),
      to: iso(times.at(-1) ?? 0),
    });
    expect(c.timestamps).toEqual(times.map(iso));
    for (const ts of compared) {
      const [total] = rowsAt(stat, ts, '-1');
      const i = index(ts);
      expect([c.cpu_user[i], c.cpu_system[i], c.cpu_iowait[i], c.cpu_steal[i], c.cpu_idle[i]]).toEqual([
        total?.[2],
        total?.[4],
        total?.[5],
        total?.[6],
        total?.[7],
      ]);
    }

    const mem = (await get(t, `/dashboard/api/collectors/${collector.id}/memory/`)).json();
    expectShape(mem, DASHBOARD_MEMORY);
    expect(mem.timestamps).toEqual(c.timestamps);
    for (const ts of compared) {
      const [m] = rowsAt(meminfo, ts);
      const totalKb = memTotalKb.get(ts);
      const i = index(ts);
      expect(mem.mem_used_percent[i]).toBe(m?.[4]);
      expect(mem.mem_used[i]).toBeCloseTo(((m?.[3] ?? 0) * 1024) / MB, 9);
      expect(mem.mem_available[i]).toBeCloseTo(((m?.[2] ?? 0) * 1024) / MB, 9);
      expect(mem.mem_buffers[i]).toBeCloseTo(((m?.[5] ?? 0) * 1024) / MB, 9);
      expect(mem.mem_cached[i]).toBeCloseTo(((m?.[6] ?? 0) * 1024) / MB, 9);
      expect(mem.mem_total[i]).toBeCloseTo(((totalKb ?? 0) * 1024) / MB, 9);
    }

    const disk = (await get(t, `/dashboard/api/collectors/${collector.id}/disk/`)).json();
    expectShape(disk, DASHBOARD_DISK);
    const net = (await get(t, `/dashboard/api/collectors/${collector.id}/network/`)).json();
    expectShape(net, DASHBOARD_NETWORK);
    for (const ts of compared) {
      const whole = [...rowsAt(disks, ts, 'sda'), ...rowsAt(disks, ts, 'sdb')];
      const sum = (col: number) => whole.reduce((s, r) => s + (r[col] ?? 0), 0);
      const i = index(ts);
      expect(disk.disk_read_iops[i]).toBeCloseTo(sum(3), 9);
      expect(disk.disk_write_iops[i]).toBeCloseTo(sum(4), 9);
      expect(disk.disk_read_mbps[i]).toBeCloseTo((sum(6) * 512) / MB, 9);
      expect(disk.disk_write_mbps[i]).toBeCloseTo((sum(7) * 512) / MB, 9);
      const [eth0] = rowsAt(nets, ts, 'eth0');
      expect(net.net_rx_pps[i]).toBeCloseTo(eth0?.[2] ?? -1, 9);
      expect(net.net_tx_pps[i]).toBeCloseTo(eth0?.[3] ?? -1, 9);
      expect(net.net_rx_mbps[i]).toBeCloseTo(((eth0?.[4] ?? 0) * 1024 * 8) / MB, 9);
      expect(net.net_tx_mbps[i]).toBeCloseTo(((eth0?.[5] ?? 0) * 1024 * 8) / MB, 9);
    }
  });

  it('without a recording: the last `hours` of live data; 404 {error} when there is none', async () => {
    const t = await createTestTenant();
    const c = await createCollector(t);
    const now = nowSeconds();
    const old = now - 2 * 3600;
    const recent = now - 60;
    await ingest(t.id, c.id, [
      { timestamp: old, interval_seconds: 10, host: { cpu_user: 40, cpu_idle: 60 } },
      { timestamp: recent, interval_seconds: 10, host: { cpu_user: 20, cpu_idle: 80 } },
    ]);
    const lastHour = (await get(t, `/dashboard/api/collectors/${c.id}/cpu/`)).json();
    expect(lastHour).toMatchObject({ recording_id: null, timestamps: [iso(recent)], cpu_user: [20], cpu_idle: [80] });
    expect(lastHour.cpu_steal).toEqual([null]);
    const threeHours = (await get(t, `/dashboard/api/collectors/${c.id}/cpu/?hours=3`)).json();
    // Two hours without a sample is a gap: one null point after the last sample, as every chart of ours.
    expect(threeHours.timestamps).toEqual([iso(old), iso(old + 10), iso(recent)]);
    expect(threeHours.cpu_user).toEqual([40, null, 20]);

    // A recording of the collector wins over the live hours.
    const rec = await insertRecording(t.id, { collectorId: c.id, source: 'live', startedAt: old, endedAt: old });
    expect((await get(t, `/dashboard/api/collectors/${c.id}/cpu/`)).json()).toMatchObject({
      recording_id: rec,
      timestamps: [iso(old)],
      cpu_user: [40],
    });

    const empty = await createCollector(t);
    for (const group of ['cpu', 'memory', 'disk', 'network']) {
      const res = await get(t, `/dashboard/api/collectors/${empty.id}/${group}/`);
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ error: 'No data available' });
    }
    expect((await get(t, `/dashboard/api/collectors/${c.id}/cpu/?hours=0`)).statusCode).toBe(400);
  });
});

describe('GET …/live/', () => {
  it('answers the samples of the last minutes or after `since`, missing values 0 except rates, amounts per interval', async () => {
    const t = await createTestTenant();
    const c = await createCollector(t, { name: 'live-vm' });
    const now = nowSeconds();
    const a = now - 30 * 60;
    const b = now - 120;
    const d = now - 60;
    await ingest(t.id, c.id, [
      { timestamp: a, interval_seconds: 10, host: { cpu_user: 99 } },
      {
        timestamp: b,
        interval_seconds: 5,
        host: {
          cpu_user: 12.5,
          cpu_system: 2.5,
          cpu_iowait: 1,
          cpu_idle: 84,
          cpu_steal: 0.25,
          mem_used_kb: 400_000,
          mem_used_pct: 25,
          mem_available_kb: 1_100_000,
          mem_buffers_kb: 50_000,
          mem_cached_kb: 300_000,
          disk_read_bps: 2_000_000,
          disk_write_bps: 500_000,
          disk_read_iops: 30,
          disk_write_iops: 12.4,
          net_rx_bps: 125_000,
          net_tx_bps: 250_000,
          net_rx_pps: 100,
          net_tx_pps: 200,
        },
      },
      { timestamp: d, interval_seconds: 5, host: { cpu_user: 50 } },
    ]);
    const live = await get(t, `/dashboard/api/collectors/${c.id}/live/`);
    expect(live.statusCode, live.body).toBe(200);
    const body = live.json();
    expectShape(body, DASHBOARD_LIVE);
    expect(body).toMatchObject({
      collector_id: c.id,
      collector_name: 'live-vm',
      has_live_data: true,
      sample_count: 2,
      timestamps: [iso(b), iso(d)],
      cpu: { user: [12.5, 50], system: [2.5, 0], iowait: [1, 0], idle: [84, 0], steal: [0.25, 0] },
      disk: {
        read_bytes: [10_000_000, 0], // 2 MB/s for 5 s
        write_bytes: [2_500_000, 0],
        read_ops: [150, 0],
        write_ops: [62, 0],
        read_iops: [30, null],
        write_iops: [12.4, null],
        read_mbps: [2, null],
        write_mbps: [0.5, null],
      },
      network: {
        rx_bytes: [625_000, 0],
        tx_bytes: [1_250_000, 0],
        rx_packets: [500, 0],
        tx_packets: [1000, 0],
        rx_mbps: [1, null], // 125 000 B/s = 1 Mbit/s
        tx_mbps: [2, null],
        rx_pps: [100, null],
        tx_pps: [200, null],
      },
    });
    const mb = (kb: number) => (kb * 1024) / MB;
    expect(body.memory.total_mb[0]).toBeCloseTo(mb(1_600_000), 9);
    expect(body.memory.used_mb[0]).toBeCloseTo(mb(400_000), 9);
    expect(body.memory.available_mb[0]).toBeCloseTo(mb(1_100_000), 9);
    expect(body.memory.buffers_mb[0]).toBeCloseTo(mb(50_000), 9);
    expect(body.memory.cached_mb[0]).toBeCloseTo(mb(300_000), 9);
    expect(body.memory.total_mb[1]).toBe(0);

    const hour = (await get(t, `/dashboard/api/collectors/${c.id}/live/?minutes=60`)).json();
    expect(hour.timestamps).toEqual([iso(a), iso(b), iso(d)]);
    // `since`: strictly after it, so a poll never gets a sample twice.
    const since = (await get(t, `/dashboard/api/collectors/${c.id}/live/?since=${iso(b)}`)).json();
    expect(since).toMatchObject({ sample_count: 1, timestamps: [iso(d)], cpu: { user: [50] } });
    const none = (await get(t, `/dashboard/api/collectors/${c.id}/live/?since=${iso(d)}`)).json();
    expect(none).toMatchObject({ has_live_data: false, sample_count: 0, timestamps: [] });

    const bad = await get(t, `/dashboard/api/collectors/${c.id}/live/?since=yesterday`);
    expect(bad.statusCode).toBe(400);
    expect(Object.keys(bad.json())).toEqual(['since']);
    expect((await get(t, `/dashboard/api/collectors/${c.id}/live/?minutes=0`)).statusCode).toBe(400);
  });
});

describe('GET …/trickle-status/', () => {
  it('counts samples of the last 5 minutes and in all, and names the newest', async () => {
    const t = await createTestTenant();
    const c = await createCollector(t);
    const idle = await get(t, `/dashboard/api/collectors/${c.id}/trickle-status/`);
    expectShape(idle.json(), TRICKLE_STATUS);
    expect(idle.json()).toMatchObject({
      collector_id: c.id,
      trickle_active: false,
      last_data_at: null,
      metrics_last_5min: 0,
      total_metrics: 0,
      collector_status: 'pending',
      collector_last_seen: null,
    });
    const now = nowSeconds();
    await ingest(
      t.id,
      c.id,
      [now - 3600, now - 400, now - 200, now - 100].map((timestamp) => ({ timestamp, host: { cpu_busy: 1 } })),
    );
    const status = (await get(t, `/dashboard/api/collectors/${c.id}/trickle-status/`)).json();
    expectShape(status, TRICKLE_STATUS);
    expect(status).toMatchObject({
      trickle_active: true,
      last_data_at: iso(now - 100),
      metrics_last_5min: 2,
      total_metrics: 4,
    });
  });
});

describe('tenancy', () => {
  it('another tenant’s collector, or none, is 404 {error} on every per-collector route', async () => {
    const t = await createTestTenant();
    const other = await createTestTenant();
    const foreign = await createCollector(other);
    await ingest(other.id, foreign.id, [{ timestamp: nowSeconds() - 60, host: { cpu_busy: 5 } }]);
    for (const id of [foreign.id, randomUUID()])
      for (const route of ['cpu', 'memory', 'disk', 'network', 'live', 'trickle-status']) {
        const res = await get(t, `/dashboard/api/collectors/${id}/${route}/`);
        expect(res.statusCode, route).toBe(404);
        expect(res.json(), route).toMatchObject({ error: 'Collector not found' });
      }
    // An unknown Host is no tenant's.
    const res = await t.request({ method: 'GET', url: '/dashboard/api/collectors/', headers: { host: 'nobody.test' } });
    expect(res.statusCode).toBe(404);
  });
});
