import { AsyncLocalStorage } from 'node:async_hooks';
import { UUID } from '../lib/uuid.ts';

/**
 * Whose rows a query may touch, taken from the async context the query starts in (so no query has to pass it on):
 * - `tenant`: that tenant's rows only — the restricted role, `app.tenant_id` set for the query's transaction;
 * - `none`: no tenant's rows — the restricted role with nothing set: tenant-owned tables look empty;
 * - `owner`: every tenant's rows — the schema owner: migrations, partitions, maintenance, `…ForAllTenants`.
 */
export type Access =
  | { readonly kind: 'tenant'; readonly tenantId: string }
  | { readonly kind: 'none' }
  | { readonly kind: 'owner' };

// A function, not a value: a request's tenant is known only after its Host is looked up, within the same scope.
const storage = new AsyncLocalStorage<() => Access>();

const OWNER: Access = Object.freeze({ kind: 'owner' });
const NONE: Access = Object.freeze({ kind: 'none' });

function tenantAccess(tenantId: string): Access {
  // The id is written into the SQL that sets it (one round trip instead of two): only a uuid gets there.
  if (!UUID.test(tenantId)) throw new TypeError(`not a tenant id: ${JSON.stringify(tenantId)}`);
  return Object.freeze({ kind: 'tenant', tenantId: tenantId.toLowerCase() });
}

/** The access of the code running now; undefined outside every scope (the database's `unscoped` applies). */
export function currentAccess(): Access | undefined {
  return storage.getStore()?.();
}

// Awaited inside the scope: a Drizzle query is a lazy thenable that runs when awaited, so returning it unawaited
// would run it outside.
const within = <T>(access: Access, fn: () => T | PromiseLike<T>): Promise<T> =>
  storage.run(
    () => access,
    async () => await fn(),
  );

/** Runs `fn` (and everything it starts) on one tenant's rows. */
export function withTenant<T>(tenantId: string, fn: () => T | PromiseLike<T>): Promise<T> {
  return within(tenantAccess(tenantId), fn);
}

/** Runs `fn` seeing no tenant's rows (e.g. to prove a query cannot reach them). */
export function withoutTenant<T>(fn: () => T | PromiseLike<T>): Promise<T> {
  return within(NONE, fn);
}

/**
 * Runs `fn` as the schema owner, over every tenant: only for what deliberately crosses tenants or changes the
 * schema (migrations, partitions, maintenance, start-up jobs, the operator's CLI). Its callers say so in their names.
 */
export function acrossTenants<T>(fn: () => T | PromiseLike<T>): Promise<T> {
  return within(OWNER, fn);
}

/**
 * Runs a request's work: restricted from its first hook to its last, on the tenant `tenantOf` names when a query
 * starts (none before the Host is resolved, or on paths served for no tenant).
 */
export function runForRequest<T>(tenantOf: () => string | undefined, fn: () => T): T {
  let cached: { id: string; access: Access } | undefined;
  return storage.run(() => {
    const id = tenantOf();
    if (id === undefined) return NONE;
    if (cached?.id !== id) cached = { id, access: tenantAccess(id) };
    return cached.access;
  }, fn);
}
