import { and, eq, sql } from 'drizzle-orm';
import { type Db, inPairs } from '../../db/client.ts';
import { collectorRawState, metricBatches, tenants } from '../../db/schema.ts';

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

/** Collectors' stored previous rounds (JSON; null when none was usable yet), in one query; absent when none. */
export async function findRawStates(
  db: Db,
  pairs: readonly { tenantId: string; collectorId: string }[],
): Promise<{ tenantId: string; collectorId: string; lastRound: unknown }[]> {
  if (pairs.length === 0) return [];
  return db
    .select({
      tenantId: collectorRawState.tenantId,
      collectorId: collectorRawState.collectorId,
      lastRound: collectorRawState.lastRound,
    })
    .from(collectorRawState)
    .where(
      inPairs(
        collectorRawState.tenantId,
        collectorRawState.collectorId,
        pairs.map((p) => [p.tenantId, p.collectorId] as const),
        ['uuid', 'uuid'],
      ),
    );
}
