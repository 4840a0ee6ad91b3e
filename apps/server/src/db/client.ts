import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { type SQL, sql } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { AnyPgColumn, PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import { type ArrayElementType, encodeArray } from './binary-arrays.ts';
import { describeHolder, tryLockFile } from './lock.ts';
import * as schema from './schema.ts';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

/** Runs a statement whose `$n` parameters are all arrays; returns its rows. */
export type RunStatement = (text: string, values: unknown[][]) => Promise<Record<string, unknown>[]>;

export interface Database {
  readonly db: Db;
  readonly kind: 'pglite' | 'postgres';
  /** Applies pending migrations; safe to call from several processes at once on PostgreSQL. */
  migrate(): Promise<void>;
  /**
   * A runner for one hot write statement (SQL with `$n` parameters, always the same text): on PostgreSQL it runs on
   * `connections` connections of its own, so it never queues behind request queries, prepared once per connection
   * under `name` (its plan is reused), every parameter an array sent in binary (`arrays`: the element type of each
   * parameter, in order); on PGlite it runs as any query.
   */
  writer(name: string, connections: number, arrays: readonly ArrayElementType[]): RunStatement;
  /** Calls `listener` when a pooled connection is lost while idle (PostgreSQL restarted, our backend killed). */
  onConnectionError(listener: (err: Error) => void): void;
  close(): Promise<void>;
}

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../drizzle', import.meta.url));

export class DatabaseLockedError extends Error {
  constructor(dir: string, holder: string | undefined) {
    super(
      `The embedded database in ${dir} is in use by another xat process${holder ? ` (${holder})` : ''}. ` +
        'Stop that process first, or point DATABASE_URL at a PostgreSQL server to run several.',
    );
    this.name = 'DatabaseLockedError';
  }
}

/**
 * PostgreSQL's 128 MB of shared buffers are all touched when PGlite starts (+130 MB idle RSS); 16 MB is what an
 * embedded database needs (its files stay in the OS page cache). Idle memory by setting: BENCHMARKS.md.
 */
const PGLITE_START_PARAMS = [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'];

/** Embedded PostgreSQL under dataDir/pgdata, guarded by a lock so a second process cannot corrupt it. */
export async function openPglite(
  dataDir: string | undefined,
  opts: { loadDataDir?: Blob } = {},
): Promise<Database & { client: PGlite }> {
  let release: (() => void) | undefined;
  let client: PGlite;
  if (dataDir === undefined) {
    client = new PGlite({
      startParams: PGLITE_START_PARAMS,
      ...(opts.loadDataDir ? { loadDataDir: opts.loadDataDir } : {}),
    });
  } else {
    const dir = join(dataDir, 'pgdata');
    mkdirSync(dir, { recursive: true });
    const lockFile = join(dataDir, 'pgdata.lock');
    const lock = tryLockFile(lockFile);
    if (!lock) throw new DatabaseLockedError(dir, describeHolder(lockFile));
    release = lock.release;
    client = new PGlite(dir, { startParams: PGLITE_START_PARAMS });
  }
  try {
    await client.waitReady;
  } catch (err) {
    release?.();
    throw err;
  }
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  return {
    client,
    db,
    kind: 'pglite',
    writer: () => async (text, values) => (await client.query<Record<string, unknown>>(text, values)).rows,
    // In-process: there is no connection to lose.
    onConnectionError: () => undefined,
    migrate: () => migratePglite(drizzlePglite(client), { migrationsFolder: MIGRATIONS_DIR }),
    async close() {
      await client.close();
      release?.();
    },
  };
}

/** How long to wait for a new PostgreSQL connection before the query fails (and its request gets 503). */
const CONNECT_TIMEOUT_MS = 5_000;

export async function openPostgres(url: string, poolSize = 10): Promise<Database> {
  const listeners = new Set<(err: Error) => void>();
  const newPool = (max: number) => {
    const pool = new pg.Pool({
      connectionString: url,
      max,
      keepAlive: true,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    });
    // pg emits 'error' on an idle client whose connection died (a restart, a failover, pg_terminate_backend); with no
    // listener Node exits. The pool has already dropped that client: the next query opens a new connection.
    pool.on('error', (err) => {
      for (const listener of listeners) listener(err);
    });
    // A client checked out but between two queries (in a transaction, the migrator's lock) emits on itself instead:
    // the query that follows fails, and the pool discards the client when it is released.
    pool.on('connect', (client) => client.on('error', () => undefined));
    return pool;
  };
  const pool = newPool(poolSize);
  const writers: pg.Pool[] = [];
  try {
    await pool.query('select 1');
  } catch (err) {
    await pool.end();
    throw err;
  }
  const db = drizzlePg(pool, { schema }) as unknown as Db;
  return {
    db,
    kind: 'postgres',
    writer(name, connections, arrays) {
      const own = newPool(connections);
      writers.push(own);
      return async (text, values) => {
        if (values.length !== arrays.length)
          throw new Error(`${name}: ${values.length} parameters for ${arrays.length}`);
        const binary = values.map((v, i) => encodeArray(arrays[i] as ArrayElementType, v));
        return (await own.query<Record<string, unknown>>({ name, text, values: binary })).rows;
      };
    },
    onConnectionError: (listener) => void listeners.add(listener),
    async migrate() {
      // One migrator at a time across processes: a session-level advisory lock on a dedicated connection.
      const conn = await pool.connect();
      try {
        await conn.query('select pg_advisory_lock(7361293)');
        await migratePg(drizzlePg(conn), { migrationsFolder: MIGRATIONS_DIR });
      } finally {
        await conn.query('select pg_advisory_unlock(7361293)').catch(() => undefined);
        conn.release();
      }
    },
    close: async () => {
      await Promise.all(writers.map((w) => w.end()));
      await pool.end();
    },
  };
}

export function openDatabase(opts: {
  databaseUrl: string | undefined;
  dataDir: string | undefined;
}): Promise<Database> {
  return opts.databaseUrl ? openPostgres(opts.databaseUrl) : openPglite(opts.dataDir);
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
