import DataLoader from 'dataloader';

/**
 * One lookup per key, batched: the calls made in one event-loop turn share one `find` (requests arriving together
 * cost one query). Nothing is kept between turns, so a change in the database shows from the next turn on. `keyOf`
 * names a key and the row it finds alike (rows carry their key's fields).
 */
export function batchedLookup<K, R extends K>(
  find: (keys: readonly K[]) => Promise<R[]>,
  keyOf: (keyOrRow: K) => string,
): (key: K) => Promise<R | undefined> {
  const loader = new DataLoader<K, R | undefined, string>(
    async (keys) => {
      const found = new Map((await find(keys)).map((row) => [keyOf(row), row]));
      return keys.map((key) => found.get(keyOf(key)));
    },
    { cache: false, maxBatchSize: 500, batchScheduleFn: setImmediate },
  );
  return (key) => loader.load(key);
}
