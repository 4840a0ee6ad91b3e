import { and, asc, desc, eq, isNotNull, type SQL, sql } from 'drizzle-orm';
import { type Db, queryRows } from '../../db/client.ts';
import { collectors, recordings, tenants } from '../../db/schema.ts';

/** The tenant's collectors, by name: the reference's dashboard list. */
export function listCollectorNames(db: Db, tenantId: string) {
  return db
    .select({ id: collectors.id, name: collectors.name, description: collectors.description })
    .from(collectors)
    .where(eq(collectors.tenantId, tenantId))
    .orderBy(asc(collectors.name), asc(collectors.id));
}

/** The collector's recording with the newest data (any source), or undefined. */
export async function findNewestRecording(db: Db, tenantId: string, collectorId: string) {
  const rows = await db
    .select({ id: recordings.id, startedAt: recordings.startedAt, endedAt: recordings.endedAt })
    .from(recordings)
    .where(
      and(
        eq(recordings.tenantId, tenantId),
        eq(recordings.collectorId, collectorId),
        isNotNull(recordings.startedAt),
        isNotNull(recordings.endedAt),
      ),
    )
    .orderBy(desc(recordings.endedAt), desc(recordings.createdAt))
    .limit(1);
  return rows[0];
}

/**
 * A trickle session still marked active shows as completed once no round came for the tenant's session timeout
 * (the recordings API shows it so too): the next round starts a new session anyway. Reading never changes it.
 */
const effectiveStatus = sql<string>`case when ${recordings.status} = 'active' and ${recordings.lastDataAt} is not null
    and ${recordings.lastDataAt} < now() - make_interval(mins => ${tenants.trickleSessionTimeoutMinutes})
  then 'completed' else ${recordings.status} end`;

const selectRecordings = (db: Db) =>
  db
    .select({
      id: recordings.id,
      collectorId: recordings.collectorId,
      collectorName: collectors.name,
      name: recordings.name,
      source: recordings.source,
      status: effectiveStatus,
      startedAt: recordings.startedAt,
      endedAt: recordings.endedAt,
      sampleCount: recordings.sampleCount,
      lastDataAt: recordings.lastDataAt,
      createdAt: recordings.createdAt,
    })
    .from(recordings)
    .innerJoin(collectors, and(eq(collectors.tenantId, recordings.tenantId), eq(collectors.id, recordings.collectorId)))
    .innerJoin(tenants, eq(tenants.id, recordings.tenantId));

export type RecordingItem = Awaited<ReturnType<ReturnType<typeof selectRecordings>['execute']>>[number];

const newestFirst = [sql`${recordings.startedAt} desc nulls last`, desc(recordings.createdAt), asc(recordings.id)];

/** Trickle sessions (recordings of source trickle), newest first; of one collector, of one (shown) status. */
export function listSessions(
  db: Db,
  tenantId: string,
  filter: { collectorId?: string; status?: 'active' | 'completed' },
): Promise<RecordingItem[]> {
  const conditions: SQL[] = [eq(recordings.tenantId, tenantId), eq(recordings.source, 'trickle')];
  if (filter.collectorId) conditions.push(eq(recordings.collectorId, filter.collectorId));
  if (filter.status) conditions.push(sql`${effectiveStatus} = ${filter.status}`);
  return selectRecordings(db)
    .where(and(...conditions))
    .orderBy(...newestFirst);
}

/** One recording of the given source in this tenant, or undefined. */
export async function findRecordingOf(
  db: Db,
  tenantId: string,
  id: string,
  source: 'trickle' | 'upload',
): Promise<RecordingItem | undefined> {
  const rows = await selectRecordings(db)
    .where(and(eq(recordings.tenantId, tenantId), eq(recordings.id, id), eq(recordings.source, source)))
    .limit(1);
  return rows[0];
}

/** Uploaded recordings (the reference's captures), newest data first. */
export function listUploads(db: Db, tenantId: string): Promise<RecordingItem[]> {
  return selectRecordings(db)
    .where(and(eq(recordings.tenantId, tenantId), eq(recordings.source, 'upload')))
    .orderBy(...newestFirst);
}

/** How many samples a collector has, how many timed in the last `recentSeconds`, and the newest one's time. */
export async function countSamples(
  db: Db,
  tenantId: string,
  collectorId: string,
  recentSeconds: number,
): Promise<{ total: number; recent: number; last: number | null }> {
  const [row] = await queryRows<{ total: number; recent: number; last: number | null }>(
    db,
    sql`select count(*)::int as total,
          (count(*) filter (where ts >= now() - make_interval(secs => ${recentSeconds})))::int as recent,
          extract(epoch from max(ts))::float8 as last
        from metric_samples where tenant_id = ${tenantId}::uuid and collector_id = ${collectorId}::uuid`,
  );
  return { total: Number(row?.total ?? 0), recent: Number(row?.recent ?? 0), last: row?.last ?? null };
}
