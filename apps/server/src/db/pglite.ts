import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { type Database, type Db, MIGRATIONS_DIR } from './database.ts';
import { describeHolder, tryLockFile } from './lock.ts';
import * as schema from './schema.ts';
import { scopedPglite } from './scoped-pglite.ts';
import type { Unscoped } from './scoped-pool.ts';

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

/**
 * Embedded PostgreSQL under dataDir/pgdata (in memory without one), guarded by a lock so a second process cannot
 * corrupt it. Restricted like PostgreSQL: see scoped-pglite.ts.
 */
export async function openPglite(
  dataDir: string | undefined,
  opts: { loadDataDir?: Blob; unscoped?: Unscoped } = {},
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
  const scoped = scopedPglite(client, opts.unscoped ?? 'owner');
  const db = drizzle({ client: scoped as unknown as PGlite, schema }) as unknown as Db;
  return {
    client,
    db,
    kind: 'pglite',
    writer: () => (work) =>
      scoped.transaction((tx) =>
        work(async (statement, values) => (await tx.query<Record<string, unknown>>(statement.text, values)).rows),
      ),
    exclusive: (_key, _opts, fn) => fn(),
    // In-process: there is no connection to lose.
    subscribe: () => async () => undefined,
    onConnectionError: () => undefined,
    // As PGlite's superuser, the owner of everything.
    migrate: () => migrate(drizzle({ client }), { migrationsFolder: MIGRATIONS_DIR }),
    async close() {
      await client.close();
      release?.();
    },
  };
}
