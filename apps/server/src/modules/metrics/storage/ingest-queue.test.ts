import { randomInt } from 'node:crypto';
import type { MetricSample } from '@xat/contracts';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createCollector, createTestTenant, getApp } from '../../../../test/helpers.ts';
import { acrossTenants } from '../../../db/access-scope.ts';
import { queryRows } from '../../../db/client.ts';
import { configureIngest, configureIngestFor, ingestSamples } from './ingest-queue.ts';
import { dropPartitions } from './partitions.ts';

// An hour boundary in the recent past, so retention never drops what the test writes.
const T0 = Math.floor(Date.now() / 3_600_000) * 3600 - 3600;

function sample(ts: number, busy: number, extra: Partial<MetricSample> = {}): MetricSample {
  return {
    timestamp: ts,
    interval_seconds: 10,
    host: { cpu_busy: busy, cpu_idle: 100 - busy, mem_used_kb: 1000 + busy, net_rx_bps: null },
    cpus: [
      { cpu: 0, busy },
      { cpu: 1, busy: busy / 2 },
    ],
    disks: [{ name: 'sda', read_bps: busy * 512 }],
    interfaces: [{ name: 'eth0', rx_bps: 1e6 }],
    filesystems: [{ mount_point: '/', size_bytes: 1e10, used_pct: 42.5 }],
    ...extra,
  };
}

async function setup() {
  const t = await createTestTenant();
  const { id } = await createCollector(t);
  const { database } = await getApp();
  return { t, db: database.db, collectorId: id };
}

describe('ingestSamples', () => {
  it('stores host and device rows once and counts duplicates', async () => {
    const { t, db, collectorId } = await setup();
    const samples = [0, 10, 20, 30].map((i) => sample(T0 + i, i));
    expect(await ingestSamples(db, t.id, collectorId, samples)).toEqual({ written: 4, duplicates: 0 });
    // The same batch again, plus one new sample: only the new one is written.
    expect(await ingestSamples(db, t.id, collectorId, [...samples, sample(T0 + 40, 40)])).toEqual({
      written: 1,
      duplicates: 4,
    });
    const host = await queryRows<{ n: number; busy: number }>(
      db,
      sql`select count(*)::int as n, sum(cpu_busy)::float8 as busy from metric_samples where tenant_id = ${t.id} and collector_id = ${collectorId}`,
    );
    expect(host[0]).toEqual({ n: 5, busy: 100 });
    const cpus = await queryRows<{ n: number }>(
      db,
      sql`select count(*)::int as n from metric_cpus where tenant_id = ${t.id} and collector_id = ${collectorId}`,
    );
    expect(cpus[0]?.n).toBe(10);
    const nulls = await queryRows<{ rx: number | null }>(
      db,
      sql`select net_rx_bps as rx from metric_samples where tenant_id = ${t.id} and collector_id = ${collectorId} limit 1`,
    );
    expect(nulls[0]?.rx).toBeNull();
  });

  it('stores a device listed twice in one sample once (its first entry), beside one host row', async () => {
    const { t, db, collectorId } = await setup();
    const twice = sample(T0, 10, {
      cpus: [
        { cpu: 0, busy: 11 },
        { cpu: 0, busy: 99 },
      ],
      disks: [
        { name: 'sda', read_bps: 1 },
        { name: 'sda', read_bps: 2 },
      ],
    });
    // The same timestamp twice in one call, and again in a second call: one host row, one row per device.
    expect(await ingestSamples(db, t.id, collectorId, [twice, twice])).toEqual({ written: 1, duplicates: 1 });
    expect(await ingestSamples(db, t.id, collectorId, [twice])).toEqual({ written: 0, duplicates: 1 });
    const rows = await queryRows<{ cpus: number; busy: number; disks: number; read: number }>(
      db,
      sql`select (select count(*)::int from metric_cpus where tenant_id = ${t.id} and collector_id = ${collectorId}) as cpus,
                 (select busy from metric_cpus where tenant_id = ${t.id} and collector_id = ${collectorId}) as busy,
                 (select count(*)::int from metric_disks where tenant_id = ${t.id} and collector_id = ${collectorId}) as disks,
                 (select read_bps from metric_disks where tenant_id = ${t.id} and collector_id = ${collectorId}) as read`,
    );
    expect(rows[0]).toEqual({ cpus: 1, busy: 11, disks: 1, read: 1 });
  });

  it('keeps 1-minute and 1-hour rollups (avg and max) right, late data included', async () => {
    const { t, db, collectorId } = await setup();
    await ingestSamples(db, t.id, collectorId, [sample(T0, 10), sample(T0 + 10, 30), sample(T0 + 70, 50)]);
    // Late sample for the first minute.
    await ingestSamples(db, t.id, collectorId, [sample(T0 + 20, 80)]);
    const m = await queryRows<{ b: number; samples: number; avg: number; max: number }>(
      db,
      sql`
      select extract(epoch from bucket)::float8 as b, samples, avg_cpu_busy as avg, max_cpu_busy as max
      from metric_rollup_1m where tenant_id = ${t.id} and collector_id = ${collectorId} order by bucket`,
    );
    expect(m).toEqual([
      { b: T0, samples: 3, avg: 40, max: 80 },
      { b: T0 + 60, samples: 1, avg: 50, max: 50 },
    ]);
    const h = await queryRows<{ samples: number; avg: number; max: number }>(
      db,
      sql`
      select samples, avg_cpu_busy as avg, max_cpu_busy as max
      from metric_rollup_1h where tenant_id = ${t.id} and collector_id = ${collectorId}`,
    );
    expect(h).toEqual([{ samples: 4, avg: 42.5, max: 80 }]);
  });

  it('counts right when many requests share one flush, and a deleted collector takes its series along', async () => {
    const a = await setup();
    const others = await Promise.all([0, 1, 2].map(() => createCollector(a.t)));
    const ids = [a.collectorId, ...others.map((o) => o.id)];
    // 4 collectors × 2 overlapping submissions each, all at once: every timestamp is written exactly once.
    const results = await Promise.all(
      ids.flatMap((id) => [
        ingestSamples(a.db, a.t.id, id, [sample(T0, 1), sample(T0 + 10, 2)]),
        ingestSamples(a.db, a.t.id, id, [sample(T0 + 10, 2), sample(T0 + 20, 3)]),
      ]),
    );
    expect(results.reduce((n, r) => n + r.written, 0)).toBe(12);
    expect(results.reduce((n, r) => n + r.duplicates, 0)).toBe(4);
    const perCollector = await queryRows<{ c: string; n: number }>(
      a.db,
      sql`select collector_id as c, count(*)::int as n from metric_samples where tenant_id = ${a.t.id} group by 1`,
    );
    expect(perCollector.map((r) => r.n)).toEqual([3, 3, 3, 3]);

    expect((await a.t.request({ method: 'DELETE', url: `/api/v1/collectors/${a.collectorId}/` })).statusCode).toBe(204);
    for (const table of ['metric_samples', 'metric_cpus', 'metric_rollup_1m', 'metric_rollup_1h']) {
      const left = await queryRows<{ n: number }>(
        a.db,
        sql`select count(*)::int as n from ${sql.identifier(table)} where tenant_id = ${a.t.id} and collector_id = ${a.collectorId}`,
      );
      expect(left[0]?.n, table).toBe(0);
    }
  });

  it('averages each rollup field over the samples that have it (a gap is not a zero)', async () => {
    const { t, db, collectorId } = await setup();
    await ingestSamples(db, t.id, collectorId, [
      sample(T0, 10, { host: { cpu_busy: 10, mem_used_kb: 100 } }),
      sample(T0 + 10, 20, { host: { cpu_busy: 20 } }), // no memory figure in this round
    ]);
    await ingestSamples(db, t.id, collectorId, [sample(T0 + 20, 60, { host: { cpu_busy: 60, mem_used_kb: 400 } })]);
    const rows = await queryRows<{ samples: number; busy: number; mem: number; mem_max: number; rx: number | null }>(
      db,
      sql`select samples, avg_cpu_busy as busy, avg_mem_used_kb as mem, max_mem_used_kb as mem_max, avg_net_rx_bps as rx
      from metric_rollup_1m where tenant_id = ${t.id} and collector_id = ${collectorId}`,
    );
    expect(rows).toEqual([{ samples: 3, busy: 30, mem: 250, mem_max: 400, rx: null }]);
  });

  it('writes the same through Drizzle as through the prepared statement', async () => {
    const { t, db, collectorId } = await setup();
    const { database } = await getApp();
    // This file's own module instance: unprepared path first, then the app's prepared one again.
    configureIngest(db, { concurrency: 1 });
    try {
      expect(await ingestSamples(db, t.id, collectorId, [sample(T0, 10), sample(T0 + 10, 20)])).toEqual({
        written: 2,
        duplicates: 0,
      });
    } finally {
      configureIngestFor(database);
    }
    expect(await ingestSamples(db, t.id, collectorId, [sample(T0 + 10, 20), sample(T0 + 20, 30)])).toEqual({
      written: 1,
      duplicates: 1,
    });
    const cpus = await queryRows<{ n: number }>(
      db,
      sql`select count(*)::int as n from metric_cpus where tenant_id = ${t.id} and collector_id = ${collectorId}`,
    );
    expect(cpus[0]?.n).toBe(6);
  });
});

describe('a partition another process dropped', () => {
  it('is created again, and the write goes through', async () => {
    const { t, db, collectorId } = await setup();
    const day = Date.UTC(2043, 0, 1) / 1000 + randomInt(0, 3000) * 86_400;
    const stamp = new Date(day * 1000).toISOString().slice(0, 10).replaceAll('-', '');
    const names = ['metric_cpus', 'metric_disks', 'metric_net', 'metric_fs', 'metric_samples'].map(
      (table) => `${table}_p${stamp}`,
    );
    try {
      expect(await ingestSamples(db, t.id, collectorId, [sample(day, 10)])).toEqual({ written: 1, duplicates: 0 });
      // Dropped behind this process's back: it still believes the partitions are there.
      for (const name of names) await acrossTenants(() => db.execute(sql.raw(`drop table "${name}"`)));
      expect(await ingestSamples(db, t.id, collectorId, [sample(day + 10, 20)])).toEqual({ written: 1, duplicates: 0 });
      const rows = await queryRows<{ n: number }>(
        db,
        sql`select count(*)::int as n from metric_samples where tenant_id = ${t.id} and collector_id = ${collectorId}`,
      );
      expect(rows[0]?.n).toBe(1);
    } finally {
      await acrossTenants(() => dropPartitions(db, names));
    }
  });
});
