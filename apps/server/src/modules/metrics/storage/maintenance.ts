import type { App, Deps } from '../../../app-types.ts';
import { acrossTenants } from '../../../db/access-scope.ts';
import { LOCKS } from '../../../db/client.ts';
import { maintainPartitions } from './partitions.ts';

const HOUR_MS = 3_600_000;

/**
 * Partitions created ahead and expired ones dropped: at start, then hourly while the server runs. With several
 * processes on one PostgreSQL, one at a time does it (an advisory lock; the others skip that round): the work is
 * idempotent, but several at once would race to create and drop the same tables.
 */
export function registerMetricsMaintenance(app: App, { database, db }: Deps): void {
  let timer: NodeJS.Timeout | undefined;
  const run = async () => {
    try {
      const done = await database.exclusive(LOCKS.maintenance, { wait: false }, () =>
        acrossTenants(() => maintainPartitions(db)),
      );
      if (!done) app.log.debug('metric partition maintenance: another process is at it');
      else if (done.created || done.dropped.length) app.log.info(done, 'metric partitions maintained');
    } catch (err) {
      app.log.error({ err }, 'metric partition maintenance failed');
    }
  };
  app.addHook('onReady', async () => {
    await run();
    timer = setInterval(run, HOUR_MS);
    timer.unref();
  });
  app.addHook('onClose', async () => clearInterval(timer));
}
