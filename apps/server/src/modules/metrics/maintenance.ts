import type { App, Deps } from '../../app-types.ts';
import { acrossTenants } from '../../db/access-scope.ts';
import { maintainPartitions } from './partitions.ts';

const HOUR_MS = 3_600_000;

/** Partitions created ahead and expired ones dropped, as the schema's owner: at start, then hourly while the server runs. */
export function registerMetricsMaintenance(app: App, { db }: Deps): void {
  let timer: NodeJS.Timeout | undefined;
  const run = async () => {
    try {
      const { created, dropped } = await acrossTenants(() => maintainPartitions(db));
      if (created || dropped.length) app.log.info({ created, dropped }, 'metric partitions maintained');
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
