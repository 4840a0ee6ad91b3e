import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { type ArrayElementType, encodeArray } from './binary-arrays.ts';
import { type Database, type Db, LOCKS, MIGRATIONS_DIR, type Statement } from './database.ts';
import {
  type LoginFacts,
  OWNER_CONNECTION_OPTIONS,
  RESTRICTED_LOGIN_CHECK,
  RESTRICTED_ROLE,
  restrictedLoginProblem,
} from './roles.ts';
import * as schema from './schema.ts';
import { type Pools, scopedPool, transactionOn, type Unscoped } from './scoped-pool.ts';

/** How long to wait for a new PostgreSQL connection before the query fails (and its request gets 503). */
const CONNECT_TIMEOUT_MS = 5_000;
/** A lost LISTEN connection is opened again after this, doubling up to the second. */
const SUBSCRIBE_RETRY_MS = 1_000;
const SUBSCRIBE_RETRY_MAX_MS = 30_000;

export interface PostgresOptions {
  poolSize?: number;
  /**
   * The login owning the schema (DATABASE_OWNER_URL): migrations, partitions and what crosses tenants use it, and
   * `url` must then be a restricted login (checked after migrating). Without it `url` is the owner, and requests
   * switch to the restricted role for each transaction (SET LOCAL ROLE).
   */
  ownerUrl?: string | undefined;
  unscoped?: Unscoped;
}

/** Prepared-statement parameters: every array in binary, its element type checked (binary-arrays.ts). */
function binaryValues(statement: Statement, values: unknown[][]): Buffer[] {
  if (values.length !== statement.arrays.length)
    throw new Error(`${statement.name}: ${values.length} parameters for ${statement.arrays.length}`);
  return values.map((v, i) => encodeArray(statement.arrays[i] as ArrayElementType, v));
}

export async function openPostgres(url: string, options: PostgresOptions | number = {}): Promise<Database> {
  const opts = typeof options === 'number' ? { poolSize: options } : options;
  const listeners = new Set<(err: Error) => void>();
  const all: pg.Pool[] = [];
  const newPool = (connectionString: string, max: number, asOwner: boolean) => {
    const pool = new pg.Pool({
      connectionString,
      max,
      keepAlive: true,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      ...(asOwner ? { options: OWNER_CONNECTION_OPTIONS } : {}),
    });
    // pg emits 'error' on an idle client whose connection died (a restart, a failover, pg_terminate_backend); with no
    // listener Node exits. The pool has already dropped that client: the next query opens a new connection.
    pool.on('error', (err) => {
      for (const listener of listeners) listener(err);
    });
    // A client checked out but between two queries (in a transaction, the migrator's lock) emits on itself instead:
    // the query that follows fails, and the pool discards the client when it is released.
    pool.on('connect', (client) => client.on('error', () => undefined));
    all.push(pool);
    return pool;
  };
  const single = !opts.ownerUrl;
  const app = newPool(url, opts.poolSize ?? 10, single);
  const pools: Pools = {
    app,
    owner: single ? app : newPool(opts.ownerUrl as string, 3, true),
    setRole: single,
    unscoped: opts.unscoped ?? 'owner',
  };
  const subscriptions = new Set<() => Promise<void>>();
  const close = () =>
    Promise.all([...all.map((p) => p.end()), ...[...subscriptions].map((stop) => stop())]).then(() => undefined);
  try {
    await Promise.all([app.query('select 1'), pools.owner.query('select 1')]);
  } catch (err) {
    await close();
    throw err;
  }

  async function exclusive<T>(key: number, { wait }: { wait: boolean }, fn: () => Promise<T>) {
    // A session-level lock on a connection of its own, outside the pools: the work may need every pooled connection.
    const conn = new pg.Client({
      connectionString: opts.ownerUrl ?? url,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      options: OWNER_CONNECTION_OPTIONS,
    });
    conn.on('error', () => undefined); // a lost lock connection: the lock is gone with it, the work goes on
    await conn.connect();
    try {
      if (wait) await conn.query('select pg_advisory_lock($1)', [key]);
      else if (!(await conn.query<{ ok: boolean }>('select pg_try_advisory_lock($1) as ok', [key])).rows[0]?.ok)
        return undefined;
      return await fn();
    } finally {
      // Closing the session releases the lock.
      await conn.end().catch(() => undefined);
    }
  }

  function subscribe(channel: string, onMessage: (payload: string) => void): () => Promise<void> {
    if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`subscribe: ${channel} is not a channel name`);
    let stopped = false;
    let client: pg.Client | undefined;
    let retry: NodeJS.Timeout | undefined;
    let delay = SUBSCRIBE_RETRY_MS;
    const connect = async () => {
      if (stopped) return;
      const conn = new pg.Client({
        connectionString: url,
        connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
        keepAlive: true,
      });
      client = conn;
      const again = () => {
        if (client !== conn) return; // already handled
        client = undefined;
        conn.end().catch(() => undefined);
        if (stopped) return;
        retry = setTimeout(connect, delay);
        retry.unref();
        delay = Math.min(delay * 2, SUBSCRIBE_RETRY_MAX_MS);
      };
      conn.on('error', again);
      conn.on('end', again);
      conn.on('notification', (n) => {
        if (n.channel === channel && n.payload !== undefined) onMessage(n.payload);
      });
      try {
        await conn.connect();
        await conn.query(`listen ${channel}`);
        delay = SUBSCRIBE_RETRY_MS;
      } catch {
        again();
      }
    };
    void connect();
    const stop = async () => {
      stopped = true;
      subscriptions.delete(stop);
      clearTimeout(retry);
      const open = client;
      client = undefined;
      await open?.end().catch(() => undefined);
    };
    subscriptions.add(stop);
    return stop;
  }

  /** Refuses to serve when requests would not be held by row-level security (see roles.ts). */
  async function checkRestricted(): Promise<void> {
    const owner = (await pools.owner.query<{ u: string }>('select current_user as u')).rows[0]?.u ?? '';
    if (single) {
      const { rows } = await app.query<{ can: boolean; superuser: boolean; bypass: boolean }>(
        `select pg_has_role(current_user, $1, 'MEMBER') as can, rolsuper as superuser, rolbypassrls as bypass
         from pg_roles where rolname = $1`,
        [RESTRICTED_ROLE],
      );
      const role = rows[0];
      if (!role?.can || role.superuser || role.bypass)
        throw new Error(
          `${owner} (DATABASE_URL) cannot switch to a restricted ${RESTRICTED_ROLE} for requests: ` +
            `GRANT ${RESTRICTED_ROLE} TO ${owner}, and ALTER ROLE ${RESTRICTED_ROLE} NOSUPERUSER NOBYPASSRLS`,
        );
      return;
    }
    const facts = (await app.query<LoginFacts>(RESTRICTED_LOGIN_CHECK, [owner])).rows[0];
    const problem = facts && restrictedLoginProblem(facts, owner);
    if (problem) throw new Error(problem);
  }

  return {
    db: drizzle({ client: scopedPool(pools), schema }) as unknown as Db,
    kind: 'postgres',
    writer(connections) {
      const own = newPool(url, connections, single);
      return (work) =>
        transactionOn(pools, own, (client) =>
          work(async (statement, values) => {
            const binary = binaryValues(statement, values);
            return (
              await client.query<Record<string, unknown>>({
                name: statement.name,
                text: statement.text,
                values: binary,
              })
            ).rows;
          }),
        );
    },
    exclusive,
    subscribe,
    onConnectionError: (listener) => void listeners.add(listener),
    async migrate() {
      // One migrator at a time across processes.
      await exclusive(LOCKS.migrate, { wait: true }, async () => {
        const conn = await pools.owner.connect();
        try {
          await migrate(drizzle({ client: conn }), { migrationsFolder: MIGRATIONS_DIR });
        } finally {
          conn.release();
        }
      });
      await checkRestricted();
    },
    close,
  };
}
