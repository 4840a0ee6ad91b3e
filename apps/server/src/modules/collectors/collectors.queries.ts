import { and, eq, getTableColumns, isNull, lt, or, sql } from 'drizzle-orm';
import { type Db, inPairs } from '../../db/client.ts';
import { collectors, users } from '../../db/schema.ts';

export type CollectorRow = typeof collectors.$inferSelect;
export type CollectorValues = Partial<Omit<typeof collectors.$inferInsert, 'tenantId' | 'id'>>;
export type CollectorStatus = 'pending' | 'connected' | 'disconnected';
export type CollectorWithOwner = CollectorRow & { ownerUsername: string | null };

/** pending until first contact; connected while contact is more recent than `offlineSeconds`; else disconnected. */
export function collectorStatus(lastSeen: Date | null, offlineSeconds: number, now = Date.now()): CollectorStatus {
  if (!lastSeen) return 'pending';
  return now - lastSeen.getTime() <= offlineSeconds * 1000 ? 'connected' : 'disconnected';
}

/** "<n> vCPUs | <m> GiB RAM | <model>", or "Specs pending" until the agent has registered them. */
export function specsSummary(row: Pick<CollectorRow, 'vcpus' | 'memoryGib' | 'processorModel'>): string {
  if (!row.vcpus || row.memoryGib === null) return 'Specs pending';
  return [`${row.vcpus} vCPUs`, `${Number(row.memoryGib)} GiB RAM`, row.processorModel].filter(Boolean).join(' | ');
}

function selectWithOwner(db: Db) {
  return db
    .select({ ...getTableColumns(collectors), ownerUsername: users.username })
    .from(collectors)
    .leftJoin(users, and(eq(users.tenantId, collectors.tenantId), eq(users.id, collectors.ownerId)));
}

export async function findCollector(db: Db, tenantId: string, id: string): Promise<CollectorWithOwner | undefined> {
  const rows = await selectWithOwner(db)
    .where(and(eq(collectors.tenantId, tenantId), eq(collectors.id, id)))
    .limit(1);
  return rows[0];
}

/** Several collectors by id, in one query; ids not found (or another tenant's) are simply absent. */
export async function findCollectors(db: Db, tenantId: string, ids: readonly string[]) {
  if (ids.length === 0) return [];
  return db
    .select()
    .from(collectors)
    .where(and(eq(collectors.tenantId, tenantId), sql`${collectors.id} = any(${sql.param([...ids])}::uuid[])`));
}

/** The collectors holding these (tenant, key hash) pairs, in one query; pairs with no collector are absent. */
export async function findCollectorsByKeyHashes(
  db: Db,
  pairs: readonly { tenantId: string; apiKeyHash: string }[],
): Promise<{ tenantId: string; apiKeyHash: string; id: string; name: string }[]> {
  if (pairs.length === 0) return [];
  return db
    .select({
      tenantId: collectors.tenantId,
      apiKeyHash: collectors.apiKeyHash,
      id: collectors.id,
      name: collectors.name,
    })
    .from(collectors)
    .where(
      inPairs(
        collectors.tenantId,
        collectors.apiKeyHash,
        pairs.map((p) => [p.tenantId, p.apiKeyHash] as const),
        ['uuid', 'text'],
      ),
    );
}

export async function insertCollector(
  db: Db,
  tenantId: string,
  values: CollectorValues & { name: string; apiKeyHash: string },
): Promise<CollectorRow> {
  const rows = await db
    .insert(collectors)
    .values({ ...values, tenantId })
    .returning();
  if (!rows[0]) throw new Error('insert returned no row');
  return rows[0];
}

export async function updateCollector(
  db: Db,
  tenantId: string,
  id: string,
  values: CollectorValues,
): Promise<CollectorRow | undefined> {
  const rows = await db
    .update(collectors)
    .set({ ...values, updatedAt: new Date() })
    .where(and(eq(collectors.tenantId, tenantId), eq(collectors.id, id)))
    .returning();
  return rows[0];
}

const SERIES_TABLES = [
  'metric_samples',
  'metric_cpus',
  'metric_disks',
  'metric_net',
  'metric_fs',
  'metric_rollup_1m',
  'metric_rollup_1h',
];

/** Deletes the collector, its rows (foreign keys cascade) and its metric series (partitioned, no foreign keys). */
export async function deleteCollector(db: Db, tenantId: string, id: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const rows = await tx
      .delete(collectors)
      .where(and(eq(collectors.tenantId, tenantId), eq(collectors.id, id)))
      .returning({ id: collectors.id });
    if (rows.length === 0) return false;
    for (const table of SERIES_TABLES)
      await tx.execute(
        sql`delete from ${sql.identifier(table)} where tenant_id = ${tenantId} and collector_id = ${id}`,
      );
    return true;
  });
}

const TOUCH_EVERY_MS = 5000;
/** When this process last recorded contact, per database and collector (bounded: cleared when it grows large). */
const touched = new WeakMap<Db, Map<string, number>>();

/**
 * Records contact from the collector's agent. Skips the write when the stored contact is under 5 s old (status
 * resolution is minutes, and agents posting every round must not queue up on one row lock), and skips even the
 * query when this process recorded it under 5 s ago.
 */
export async function touchCollector(db: Db, tenantId: string, id: string, at = new Date()): Promise<void> {
  let recent = touched.get(db);
  if (!recent) {
    recent = new Map();
    touched.set(db, recent);
  }
  const last = recent.get(id);
  if (last !== undefined && at.getTime() - last < TOUCH_EVERY_MS && at.getTime() >= last) return;
  if (recent.size > 100_000) recent.clear();
  recent.set(id, at.getTime());
  await db
    .update(collectors)
    .set({ lastSeen: at })
    .where(
      and(
        eq(collectors.tenantId, tenantId),
        eq(collectors.id, id),
        or(isNull(collectors.lastSeen), lt(collectors.lastSeen, new Date(at.getTime() - TOUCH_EVERY_MS))),
      ),
    );
}
