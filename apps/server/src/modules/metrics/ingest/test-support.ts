import { readFileSync } from 'node:fs';
import { HOST_FIELDS } from '@xat/contracts';
import { parseCollection } from '@xat/procfs';
import { sql } from 'drizzle-orm';
import type { InjectOptions } from 'fastify';
import { expect } from 'vitest';
import { fixturePath, getApp, type TestTenant } from '../../../../test/helpers.ts';
import type { App } from '../../../app-types.ts';
import { queryRows } from '../../../db/client.ts';

// Test support for the ingest tests (not a test file itself).

export { countRows, sampleAt } from '../storage/test-support.ts';

/** The shared test app (it serves /v1/trickle like every other route). */
export async function ingestApp(): Promise<App> {
  return (await getApp()).app;
}

/** app.inject on the ingest app as the tenant's agent (no user token). */
export async function agentRequest(t: TestTenant, key: string | undefined, opts: InjectOptions) {
  const app = await ingestApp();
  return app.inject({
    ...opts,
    headers: { host: t.host, ...(key === undefined ? {} : { 'x-api-key': key }), ...opts.headers },
  });
}

/** The fixtures are from January 2026: keep the tenant's raw series long enough to accept them. */
export async function keepSeriesForYears(t: TestTenant): Promise<void> {
  const res = await t.request({
    method: 'PATCH',
    url: '/api/v1/tenant/',
    payload: { retention_raw_days: 3650, retention_1m_days: 3650, retention_1h_days: 3650 },
  });
  expect(res.statusCode, res.body).toBe(200);
}

export type HostRow = { t: number; interval_seconds: number | null } & Record<
  (typeof HOST_FIELDS)[number],
  number | null
>;

/** The collector's stored host rows, oldest first. */
export async function hostSeries(tenantId: string, collectorId: string): Promise<HostRow[]> {
  const { database } = await getApp();
  return queryRows<HostRow>(
    database.db,
    sql`
    select extract(epoch from ts)::float8 as t, interval_seconds, ${sql.raw(HOST_FIELDS.map((f) => `"${f}"`).join(', '))}
    from metric_samples where tenant_id = ${tenantId}::uuid and collector_id = ${collectorId}::uuid order by ts`,
  );
}

export const fixture = (...path: string[]) => readFileSync(fixturePath('pcc', ...path));

export const nowSeconds = () => Math.floor(Date.now() / 1000);

/** A made-up raw round: /proc/stat with 100 ticks per second since `base`, `user` of them busy, and meminfo. */
export function rawRound(base: number, ts: number, user: number) {
  const idle = (ts - base) * 100 - user;
  return [
    { timestamp: ts, subsystem: '/proc/stat', measurement: `cpu  ${user} 0 0 ${idle} 0 0 0 0 0 0\nbtime 1700000000\n` },
    { timestamp: ts, subsystem: '/proc/meminfo', measurement: 'MemTotal: 1000 kB\nMemFree: 400 kB\n' },
  ];
}

/** The rows of one of the reference's pcprocess CSV files (header dropped), split into cells. */
export const referenceCsv = (name: string, path: string) =>
  fixture(name, 'csv', path)
    .toString('utf8')
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => line.split(','));

/** The rounds' timestamps of a fixture recording, oldest first. */
export const fixtureRounds = (name: string) => [
  ...new Set(parseCollection(fixture(name, `${name}.json`).toString('utf8')).measurements.map((m) => m.timestamp)),
];

/** The collector's stored per-CPU rows, oldest first. */
export async function cpuRows(tenantId: string, collectorId: string) {
  const { database } = await getApp();
  return queryRows<{ t: number; cpu: number; user: number; system: number; idle: number }>(
    database.db,
    sql`select extract(epoch from ts)::float8 as t, cpu, "user", "system", idle from metric_cpus
        where tenant_id = ${tenantId}::uuid and collector_id = ${collectorId}::uuid order by ts, cpu`,
  );
}

/**
 * The collector's series hold the fixture recording `name` with its own timestamps: one sample per round after the
 * first, each equal to the reference pcprocess's output (fixtures/pcc/<name>/csv) on every interval both compute
 * alike — host CPU, memory, whole-disk and physical-interface sums, and each CPU.
 */
export async function expectReferenceSeries(name: string, tenantId: string, collectorId: string): Promise<void> {
  const rounds = fixtureRounds(name);
  const stat = referenceCsv(name, 'proc/stat');
  const meminfo = referenceCsv(name, 'proc/meminfo');
  const disks = referenceCsv(name, 'proc/diskstats');
  const nets = referenceCsv(name, 'proc/net/dev');
  const series = await hostSeries(tenantId, collectorId);
  expect(series.map((r) => r.t)).toEqual(rounds.slice(1));
  // The reference's first row spans rounds 0→2 (REFERENCE 2.2); from the third round on both use one interval.
  const compared = rounds.slice(3);
  expect(compared.length).toBeGreaterThan(10);
  const cpus = await cpuRows(tenantId, collectorId);
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
}
