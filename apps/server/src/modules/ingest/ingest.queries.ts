import { and, eq, sql } from 'drizzle-orm';
import { type Db, queryRows } from '../../db/client.ts';
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

/** The collector's stored previous round (JSON; null when none was usable yet). */
export async function findRawState(db: Db, tenantId: string, collectorId: string): Promise<unknown> {
  const rows = await db
    .select({ lastRound: collectorRawState.lastRound })
    .from(collectorRawState)
    .where(and(eq(collectorRawState.tenantId, tenantId), eq(collectorRawState.collectorId, collectorId)))
    .limit(1);
  return rows[0]?.lastRound;
}

/**
 * Records that the collector sent raw rounds: `lastRound` replaces the stored one only when it is newer (two requests
 * racing cannot move it back). The trickle session is kept, or renewed when the collector was silent for longer than
 * `sessionGapSeconds`. Returns the session id.
 */
export async function upsertRawState(
  db: Db,
  tenantId: string,
  collectorId: string,
  lastRound: { timestamp: number } | undefined,
  sessionGapSeconds: number,
): Promise<string> {
  const round = JSON.stringify(lastRound ?? null);
  const rows = await queryRows<{ session_id: string }>(
    db,
    sql`
    insert into collector_raw_state as s (tenant_id, collector_id, last_round, session_id, updated_at)
    values (${tenantId}::uuid, ${collectorId}::uuid, ${round}::jsonb, gen_random_uuid(), now())
    on conflict (tenant_id, collector_id) do update set
      last_round = case
        when s.last_round = 'null'::jsonb
          or (excluded.last_round ->> 'timestamp')::float8 > (s.last_round ->> 'timestamp')::float8
        then excluded.last_round else s.last_round end,
      session_id = case
        when s.updated_at < now() - make_interval(secs => ${sessionGapSeconds}) then excluded.session_id
        else s.session_id end,
      updated_at = now()
    returning session_id`,
  );
  const sessionId = rows[0]?.session_id;
  if (!sessionId) throw new Error('upsert returned no row');
  return sessionId;
}
