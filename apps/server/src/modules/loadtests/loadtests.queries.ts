import { and, count, desc, eq, getTableColumns, lt, ne, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { collectors, loadTestResults } from '../../db/schema.ts';

export type LoadTestRow = typeof loadTestResults.$inferSelect;
export type LoadTestValues = Partial<Omit<typeof loadTestResults.$inferInsert, 'tenantId' | 'id'>>;
export type LoadTestWithCollector = LoadTestRow & { collectorName: string; collectorVmBrand: string };

function selectWithCollector(db: Db) {
  return db
    .select({
      ...getTableColumns(loadTestResults),
      collectorName: collectors.name,
      collectorVmBrand: collectors.vmBrand,
    })
    .from(loadTestResults)
    .innerJoin(
      collectors,
      and(eq(collectors.tenantId, loadTestResults.tenantId), eq(collectors.id, loadTestResults.collectorId)),
    );
}

const newestFirst = [desc(loadTestResults.createdAt), desc(loadTestResults.id)];

export interface LoadTestFilter {
  collectorId?: string;
  seriesId?: string;
  validity?: string;
}

export async function listLoadTests(
  db: Db,
  tenantId: string,
  opts: { limit: number; offset: number } & LoadTestFilter,
) {
  const conditions: SQL[] = [eq(loadTestResults.tenantId, tenantId)];
  if (opts.collectorId) conditions.push(eq(loadTestResults.collectorId, opts.collectorId));
  if (opts.seriesId) conditions.push(eq(loadTestResults.seriesId, opts.seriesId));
  if (opts.validity) conditions.push(eq(loadTestResults.validity, opts.validity));
  const where = and(...conditions);
  const [rows, total] = await Promise.all([
    selectWithCollector(db)
      .where(where)
      .orderBy(...newestFirst)
      .limit(opts.limit)
      .offset(opts.offset),
    db.select({ n: count() }).from(loadTestResults).where(where),
  ]);
  return { rows, count: total[0]?.n ?? 0 };
}

export async function findLoadTest(db: Db, tenantId: string, id: string): Promise<LoadTestWithCollector | undefined> {
  const rows = await selectWithCollector(db)
    .where(and(eq(loadTestResults.tenantId, tenantId), eq(loadTestResults.id, id)))
    .limit(1);
  return rows[0];
}

/** Every run of the given collectors, newest first (one query): what a comparison picks its run sets from. */
export async function listRunsOfCollectors(db: Db, tenantId: string, collectorIds: readonly string[]) {
  if (collectorIds.length === 0) return [];
  return db
    .select({
      id: loadTestResults.id,
      collectorId: loadTestResults.collectorId,
      createdAt: loadTestResults.createdAt,
      units10pct: loadTestResults.units10pct,
      units20pct: loadTestResults.units20pct,
      units30pct: loadTestResults.units30pct,
      units40pct: loadTestResults.units40pct,
      units50pct: loadTestResults.units50pct,
      units60pct: loadTestResults.units60pct,
      units70pct: loadTestResults.units70pct,
      units80pct: loadTestResults.units80pct,
      units90pct: loadTestResults.units90pct,
      units100pct: loadTestResults.units100pct,
      validity: loadTestResults.validity,
      validityReasons: loadTestResults.validityReasons,
      seriesId: loadTestResults.seriesId,
      effectiveCpus: loadTestResults.effectiveCpus,
    })
    .from(loadTestResults)
    .where(
      and(
        eq(loadTestResults.tenantId, tenantId),
        sql`${loadTestResults.collectorId} = any(${sql.param([...collectorIds])}::uuid[])`,
      ),
    )
    .orderBy(...newestFirst);
}

/** The collectors other than `collectorId` with runs (other than `exceptId`) in this series: a series is one collector's. */
export async function listOtherCollectorsOfSeries(
  db: Db,
  tenantId: string,
  seriesId: string,
  collectorId: string,
  exceptId?: string,
): Promise<string[]> {
  const rows = await db
    .selectDistinct({ collectorId: loadTestResults.collectorId })
    .from(loadTestResults)
    .where(
      and(
        eq(loadTestResults.tenantId, tenantId),
        eq(loadTestResults.seriesId, seriesId),
        ne(loadTestResults.collectorId, collectorId),
        exceptId ? ne(loadTestResults.id, exceptId) : undefined,
      ),
    );
  return rows.map((r) => r.collectorId);
}

export async function insertLoadTest(
  db: Db,
  tenantId: string,
  values: LoadTestValues & { collectorId: string },
): Promise<LoadTestRow> {
  const rows = await db
    .insert(loadTestResults)
    .values({ ...values, tenantId })
    .returning();
  if (!rows[0]) throw new Error('insert returned no row');
  return rows[0];
}

export async function updateLoadTest(
  db: Db,
  tenantId: string,
  id: string,
  values: LoadTestValues,
): Promise<LoadTestRow | undefined> {
  const rows = await db
    .update(loadTestResults)
    .set(values)
    .where(and(eq(loadTestResults.tenantId, tenantId), eq(loadTestResults.id, id)))
    .returning();
  return rows[0];
}

export async function deleteLoadTest(db: Db, tenantId: string, id: string): Promise<boolean> {
  const rows = await db
    .delete(loadTestResults)
    .where(and(eq(loadTestResults.tenantId, tenantId), eq(loadTestResults.id, id)))
    .returning({ id: loadTestResults.id });
  return rows.length > 0;
}

export type CompareRun = Awaited<ReturnType<typeof listRunsOfCollectors>>[number];

/**
 * Results judged with rules older than `version`, after the (tenant, id) key `after`, in key order: one batch of
 * the re-judging at start, across all tenants.
 */
export async function listStaleVerdictsForAllTenants(
  db: Db,
  version: number,
  after: { tenantId: string; id: string } | undefined,
  limit: number,
) {
  return db
    .select()
    .from(loadTestResults)
    .where(
      and(
        lt(loadTestResults.judgeVersion, version),
        after
          ? sql`(${loadTestResults.tenantId}, ${loadTestResults.id}) > (${after.tenantId}::uuid, ${after.id}::uuid)`
          : undefined,
      ),
    )
    .orderBy(loadTestResults.tenantId, loadTestResults.id)
    .limit(limit);
}

export interface VerdictUpdate {
  tenantId: string;
  id: string;
  source: string;
  validity: string;
  validityReasons: unknown[];
  judgeVersion: number;
  seriesId: string | null;
  effectiveCpus: number | null;
}

/**
 * Stores new verdicts in one statement, across tenants. A row rewritten meanwhile with rules at least as new keeps
 * its own verdict; a series id or CPU count already stored is kept.
 */
export async function updateVerdictsForAllTenants(db: Db, rows: readonly VerdictUpdate[]): Promise<void> {
  if (rows.length === 0) return;
  const column = <K extends keyof VerdictUpdate>(key: K) => sql.param(rows.map((r) => r[key]));
  await db.execute(sql`
    update load_test_results t set
      source = v.source,
      validity = v.validity,
      validity_reasons = v.reasons::jsonb,
      judge_version = v.judge_version,
      series_id = coalesce(t.series_id, v.series_id),
      effective_cpus = coalesce(t.effective_cpus, v.effective_cpus)
    from unnest(
      ${column('tenantId')}::uuid[], ${column('id')}::uuid[], ${column('source')}::text[], ${column('validity')}::text[],
      ${sql.param(rows.map((r) => JSON.stringify(r.validityReasons)))}::text[], ${column('judgeVersion')}::int[],
      ${column('seriesId')}::uuid[], ${column('effectiveCpus')}::float8[]
    ) as v(tenant_id, id, source, validity, reasons, judge_version, series_id, effective_cpus)
    where t.tenant_id = v.tenant_id and t.id = v.id and t.judge_version < v.judge_version`);
}
