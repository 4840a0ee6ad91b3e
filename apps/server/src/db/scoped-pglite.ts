import type { PGlite, QueryOptions, Transaction } from '@electric-sql/pglite';
import { restrictedSettings } from './roles.ts';
import { accessNow, type Unscoped } from './scoped-pool.ts';

/**
 * The embedded database restricted like PostgreSQL: its one session is the owner (PGlite's superuser), and every
 * query outside the owner's access runs in a transaction that switches to the restricted role (SET LOCAL ROLE) with
 * the tenant set LOCAL. Not a boundary inside one process — the process owns the files anyway — but the same
 * row-level security as production, so the default test run (PGlite) finds a query that reaches the wrong rows.
 */
export function scopedPglite(client: PGlite, unscoped: Unscoped) {
  /** Runs `work` in a transaction, restricted unless the access is the owner's. */
  async function transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    const access = accessNow(unscoped);
    return client.transaction(async (tx) => {
      if (access.kind !== 'owner') await tx.exec(restrictedSettings(access, true) as string);
      return work(tx);
    });
  }
  return {
    transaction,
    async query<T>(text: string, params?: unknown[], options?: QueryOptions) {
      if (accessNow(unscoped).kind === 'owner') return client.query<T>(text, params, options);
      return transaction((tx) => tx.query<T>(text, params, options));
    },
  };
}
