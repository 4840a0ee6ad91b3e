import { BUILTIN_PROFILES, type Profile, type SuiteBenchmark } from '@xat/contracts';
import { and, asc, count, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { benchmarkProfiles, benchmarkSchedules } from '../../db/schema.ts';

type ProfileRow = typeof benchmarkProfiles.$inferSelect;

const toProfile = (row: ProfileRow): Profile => ({
  name: row.name,
  label: row.label,
  benchmarks: row.benchmarks as SuiteBenchmark[],
  runs: row.runs,
  step_seconds: row.stepSeconds,
  disk_size_mb: row.diskSizeMb,
  builtin: false,
});

export const builtinProfile = (name: string) => BUILTIN_PROFILES.find((p) => p.name === name);

/** The built-in profiles, then the tenant's own by name. */
export async function listProfiles(db: Db, tenantId: string): Promise<Profile[]> {
  const rows = await db
    .select()
    .from(benchmarkProfiles)
    .where(eq(benchmarkProfiles.tenantId, tenantId))
    .orderBy(asc(benchmarkProfiles.name));
  return [...BUILTIN_PROFILES, ...rows.map(toProfile)];
}

/** A built-in profile or one of the tenant's. */
export async function findProfile(db: Db, tenantId: string, name: string): Promise<Profile | undefined> {
  const builtin = builtinProfile(name);
  if (builtin) return builtin;
  const rows = await db
    .select()
    .from(benchmarkProfiles)
    .where(and(eq(benchmarkProfiles.tenantId, tenantId), eq(benchmarkProfiles.name, name)))
    .limit(1);
  return rows[0] ? toProfile(rows[0]) : undefined;
}

export async function insertProfile(db: Db, tenantId: string, profile: Omit<Profile, 'builtin'>): Promise<Profile> {
  const [row] = await db
    .insert(benchmarkProfiles)
    .values({
      tenantId,
      name: profile.name,
      label: profile.label,
      benchmarks: [...profile.benchmarks],
      runs: profile.runs,
      stepSeconds: profile.step_seconds,
      diskSizeMb: profile.disk_size_mb,
    })
    .returning();
  if (!row) throw new Error('insert returned no row');
  return toProfile(row);
}

export async function deleteProfile(db: Db, tenantId: string, name: string): Promise<boolean> {
  const rows = await db
    .delete(benchmarkProfiles)
    .where(and(eq(benchmarkProfiles.tenantId, tenantId), eq(benchmarkProfiles.name, name)))
    .returning({ name: benchmarkProfiles.name });
  return rows.length > 0;
}

/** How many of the tenant's schedules run this profile. */
export async function countSchedulesOfProfile(db: Db, tenantId: string, name: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(benchmarkSchedules)
    .where(and(eq(benchmarkSchedules.tenantId, tenantId), eq(benchmarkSchedules.profile, name)));
  return row?.n ?? 0;
}
