import { and, eq, sql } from 'drizzle-orm';
import { type Db, queryRows } from '../../../db/client.ts';
import { metricBatches, tenants } from '../../../db/schema.ts';

export async function findRawRetentionDays(db: Db, tenantId: string): Promise<number | undefined> {
  const rows = await db
    .select({ days: tenants.retentionRawDays })
    .from(tenants)
    .where(eq(tenants.id, tenantId))
    .limit(1);
  return rows[0]?.days;
}

export async function findMetricBatch(db: Db, tenantId: string, collectorId: string, batchId: string) {
  const rows = await db
    .select({ written: metricBatches.written, duplicates: metricBatches.duplicates })
    .from(metricBatches)
    .where(
      and(
        eq(metricBatches.tenantId, tenantId),
        eq(metricBatches.collectorId, collectorId),
        eq(metricBatches.batchId, batchId),
      ),
    )
    .limit(1);
  return rows[0];
}

export async function insertMetricBatch(
  db: Db,
  tenantId: string,
  values: { collectorId: string; batchId: string; written: number; duplicates: number },
): Promise<void> {
  await db
    .insert(metricBatches)
    .values({ ...values, tenantId })
    .onConflictDoNothing();
}

/**
 * Adds the samples an agent reports it dropped to its collector's total, and keeps the clock skew measured from its
 * batch unless the one stored is within `tolerance` of it (so the correction stays the same from batch to batch
 * while the clock holds). Returns the skew in effect; the row is written only when something changes.
 */
export async function recordAgentSignals(
  db: Db,
  tenantId: string,
  collectorId: string,
  signals: { dropped: number; skew: number | null; tolerance: number },
): Promise<number | null> {
  const { dropped, skew, tolerance } = signals;
  const differs = sql`(${skew}::float8 is not null
    and (c.clock_skew_seconds is null or abs(c.clock_skew_seconds - ${skew}::float8) > ${tolerance}::float8))`;
  const rows = await queryRows<{ skew: number | null }>(
    db,
    sql`with cur as (
          select clock_skew_seconds from collectors where tenant_id = ${tenantId}::uuid and id = ${collectorId}::uuid
        ), upd as (
          update collectors c set
            dropped_samples = c.dropped_samples + ${dropped}::bigint,
            clock_skew_seconds = case when ${differs} then ${skew}::float8 else c.clock_skew_seconds end
          where c.tenant_id = ${tenantId}::uuid and c.id = ${collectorId}::uuid and (${dropped}::bigint > 0 or ${differs})
          returning c.clock_skew_seconds
        )
        select coalesce((select clock_skew_seconds from upd), (select clock_skew_seconds from cur)) as skew`,
  );
  const stored = rows[0]?.skew;
  return stored === null || stored === undefined ? null : Number(stored);
}
