import pg from 'pg';
import { type Access, currentAccess } from './access-scope.ts';
import { restrictedSettings } from './roles.ts';

/** What a query outside every scope runs as: the owner (tests, the CLI) or nothing (the server). */
export type Unscoped = 'owner' | 'none';

export interface Pools {
  /** Restricted transactions: the restricted login, or the owner's login that `setRole`s to the restricted role. */
  readonly app: pg.Pool;
  /** The owner's connections (app.bypass_rls on); the same pool as `app` with one URL. */
  readonly owner: pg.Pool;
  readonly setRole: boolean;
  readonly unscoped: Unscoped;
}

type QueryConfig = pg.QueryConfig & { rowMode?: 'array' };
type Restricted = Exclude<Access, { kind: 'owner' }>;

export function accessNow(unscoped: Unscoped): Access {
  return currentAccess() ?? (unscoped === 'owner' ? { kind: 'owner' } : { kind: 'none' });
}

const isBegin = (text: string) => /^\s*begin\b/i.test(text);
// Not `rollback to savepoint …`, which leaves the transaction open.
const endsTransaction = (text: string) => /^\s*(commit|rollback|end|abort)\s*;?\s*$/i.test(text);
const textOf = (config: string | QueryConfig) => (typeof config === 'string' ? config : config.text);

/**
 * Runs `work` in a transaction of `client` that starts with `settings`; rolls back on failure. A client whose
 * rollback fails (its connection is gone) is released with the error, so the pool discards it.
 */
async function inTransaction<T>(
  client: pg.PoolClient,
  settings: string | undefined,
  work: () => Promise<T>,
): Promise<T> {
  let broken: Error | undefined;
  try {
    await client.query(settings ? `begin; ${settings}` : 'begin');
    const result = await work();
    await client.query('commit');
    return result;
  } catch (err) {
    await client.query('rollback').catch((e: Error) => {
      broken = e;
    });
    throw err;
  } finally {
    client.release(broken);
  }
}

/** One statement in a restricted transaction of its own (none is needed when there is nothing to set). */
async function queryRestricted(pools: Pools, access: Restricted, config: QueryConfig, values: unknown) {
  const settings = restrictedSettings(access, pools.setRole);
  if (!settings) return pools.app.query(config, values as unknown[]);
  const client = await pools.app.connect();
  return inTransaction(client, settings, () => client.query(config, values as unknown[]));
}

/**
 * A connection Drizzle runs a transaction on: when Drizzle sends BEGIN, the restricted settings follow in the same
 * transaction; a statement outside a transaction gets a transaction of its own. Only `query` and `release` are used.
 */
function restrictedClient(client: pg.PoolClient, settings: string | undefined): pg.PoolClient {
  let open = false;
  const query = async (config: string | QueryConfig, values?: unknown[]) => {
    const text = textOf(config);
    if (isBegin(text)) {
      const result = await client.query(config, values);
      open = true;
      if (settings) await client.query(settings);
      return result;
    }
    if (open || !settings) {
      if (endsTransaction(text)) open = false;
      return client.query(config, values);
    }
    await client.query(`begin; ${settings}`);
    try {
      const result = await client.query(config, values);
      await client.query('commit');
      return result;
    } catch (err) {
      await client.query('rollback').catch(() => undefined);
      throw err;
    }
  };
  return { query, release: (err?: Error | boolean) => client.release(err) } as unknown as pg.PoolClient;
}

/**
 * What Drizzle is given in place of a pool: each query runs under the access of the async context it starts in
 * (access-scope.ts) — the owner's pool as it is, or a restricted transaction with the tenant set LOCAL. Its
 * prototype is pg.Pool's because Drizzle takes a connection of its own for a transaction only from a pool.
 */
export function scopedPool(pools: Pools): pg.Pool {
  const facade = Object.create(pg.Pool.prototype) as pg.Pool;
  return Object.assign(facade, {
    query(config: string | QueryConfig, values?: unknown[]) {
      const access = accessNow(pools.unscoped);
      const cfg: QueryConfig = typeof config === 'string' ? { text: config } : config;
      if (access.kind === 'owner') return pools.owner.query(cfg, values);
      return queryRestricted(pools, access, cfg, values);
    },
    async connect() {
      const access = accessNow(pools.unscoped);
      if (access.kind === 'owner') return pools.owner.connect();
      return restrictedClient(await pools.app.connect(), restrictedSettings(access, pools.setRole));
    },
  });
}

/** A unit of work in one transaction on one connection of `pool`, under the current access (for the hot writers). */
export async function transactionOn<T>(
  pools: Pools,
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const access = accessNow(pools.unscoped);
  const client = await (access.kind === 'owner' && pool !== pools.owner && pools.owner !== pools.app
    ? pools.owner
    : pool
  ).connect();
  const settings = access.kind === 'owner' ? undefined : restrictedSettings(access, pools.setRole);
  return inTransaction(client, settings, () => work(client));
}
