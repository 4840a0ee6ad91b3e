import { readFileSync } from 'node:fs';
import { HOST_FIELDS, type MetricSample } from '@xat/contracts';
import { sql } from 'drizzle-orm';
import type { InjectOptions } from 'fastify';
import { expect } from 'vitest';
import { fixturePath, getApp, type TestTenant } from '../../../../test/helpers.ts';
import type { App } from '../../../app-types.ts';
import { queryRows } from '../../../db/client.ts';

// Test support for the ingest tests (not a test file itself).

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

export async function countRows(table: string, tenantId: string, collectorId: string): Promise<number> {
  const { database } = await getApp();
  const rows = await queryRows<{ n: number }>(
    database.db,
    sql`select count(*)::int as n from ${sql.identifier(table)} where tenant_id = ${tenantId}::uuid and collector_id = ${collectorId}::uuid`,
  );
  return rows[0]?.n ?? 0;
}

export const fixture = (...path: string[]) => readFileSync(fixturePath('pcc', ...path));

/** A made-up interval sample, `secondsAgo` before now. */
export function sampleAt(timestamp: number, busy = 25): MetricSample {
  return {
    timestamp,
    interval_seconds: 10,
    host: { cpu_busy: busy, cpu_idle: 100 - busy, mem_used_kb: 1_000_000 },
    cpus: [
      { cpu: 0, busy },
      { cpu: 1, busy: busy / 2 },
    ],
    disks: [{ name: 'sda', read_bps: 4096, write_bps: 8192 }],
    interfaces: [{ name: 'eth0', rx_bps: 1000, tx_bps: 2000 }],
    filesystems: [{ mount_point: '/', size_bytes: 1e10, used_pct: 40 }],
  };
}

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
