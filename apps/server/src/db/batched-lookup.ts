import DataLoader from 'dataloader';
import { withTenant } from './access-scope.ts';

/**
 * One lookup per key, batched: the calls made in one event-loop turn share one `find` per tenant (requests arriving
 * together cost one query each tenant). Each tenant's `find` runs on that tenant's rows (access-scope.ts), whatever
 * request started the batch. Nothing is kept between turns, so a change in the database shows from the next turn
 * on. `keyOf` names a key and the row it finds alike (rows carry their key's fields).
 */
export function batchedLookup<K extends { tenantId: string }, R extends K>(
  find: (keys: readonly K[]) => Promise<R[]>,
  keyOf: (keyOrRow: K) => string,
): (key: K) => Promise<R | undefined> {
  const loader = new DataLoader<K, R | undefined, string>(
    async (keys) => {
      const byTenant = new Map<string, K[]>();
      for (const key of keys) {
        const group = byTenant.get(key.tenantId);
        if (group) group.push(key);
        else byTenant.set(key.tenantId, [key]);
      }
      const found = new Map<string, R>();
      await Promise.all(
        [...byTenant].map(async ([tenantId, group]) => {
          for (const row of await withTenant(tenantId, () => find(group))) found.set(keyOf(row), row);
        }),
      );
      return keys.map((key) => found.get(keyOf(key)));
    },
    { cache: false, maxBatchSize: 500, batchScheduleFn: setImmediate },
  );
  return (key) => loader.load(key);
}
