import type { MetricSample } from '@xat/contracts';
import { sql } from 'drizzle-orm';
import { getApp } from '../../../../test/helpers.ts';
import { queryRows } from '../../../db/client.ts';

// Test support for the storage tests (not a test file itself); the ingest tests' builds on it.

export async function countRows(table: string, tenantId: string, collectorId: string): Promise<number> {
  const { database } = await getApp();
  const rows = await queryRows<{ n: number }>(
    database.db,
    sql`select count(*)::int as n from ${sql.identifier(table)} where tenant_id = ${tenantId}::uuid and collector_id = ${collectorId}::uuid`,
  );
  return rows[0]?.n ?? 0;
}

/** A made-up interval sample at `timestamp`, `busy` % busy. */
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

/** The timestamps of the collector's stored host rows, oldest first. */
export async function hostTimes(tenantId: string, collectorId: string): Promise<number[]> {
  const { database } = await getApp();
  const rows = await queryRows<{ t: number }>(
    database.db,
    sql`select extract(epoch from ts)::float8 as t from metric_samples
        where tenant_id = ${tenantId}::uuid and collector_id = ${collectorId}::uuid order by ts`,
  );
  return rows.map((r) => r.t);
}
