import { type SQL, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Database, Db } from './database.ts';
import { openPglite } from './pglite.ts';
import { openPostgres } from './postgres.ts';
import type { Unscoped } from './scoped-pool.ts';

export * from './database.ts';
export { DatabaseLockedError, openPglite } from './pglite.ts';
export { openPostgres } from './postgres.ts';

export interface OpenOptions {
  databaseUrl: string | undefined;
  /** A second login owning the schema: DATABASE_URL is then the restricted login requests use. */
  databaseOwnerUrl?: string | undefined;
  dataDir: string | undefined;
  /** What queries outside every access scope run as (default owner: the CLI and tests; the server says none). */
  unscoped?: Unscoped;
}

export function openDatabase(opts: OpenOptions): Promise<Database> {
  const unscoped = opts.unscoped ?? 'owner';
  if (opts.databaseUrl) return openPostgres(opts.databaseUrl, { ownerUrl: opts.databaseOwnerUrl, unscoped });
  return openPglite(opts.dataDir, { unscoped });
}

export async function pingDatabase(db: Db): Promise<void> {
  await db.execute(sql`select 1`);
}

/**
 * `(a, b) in (…pairs)`: rows whose two columns match any of the pairs, the pairs sent as two array parameters
 * (one query however many pairs, and the same text whatever their number).
 */
export function inPairs(
  a: AnyPgColumn,
  b: AnyPgColumn,
  pairs: readonly (readonly [string, string])[],
  types: readonly [string, string],
): SQL {
  return sql`(${a}, ${b}) in (select * from unnest(${sql.param(pairs.map((p) => p[0]))}::${sql.raw(types[0])}[], ${sql.param(
    pairs.map((p) => p[1]),
  )}::${sql.raw(types[1])}[]))`;
}

/** Runs raw SQL and returns its rows (both drivers answer `{ rows }`). For SQL the query builder cannot express. */
export async function queryRows<T>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}
