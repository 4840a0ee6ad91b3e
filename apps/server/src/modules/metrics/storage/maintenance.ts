import type { App, Deps } from '../../../app-types.ts';
import { acrossTenants } from '../../../db/access-scope.ts';
import { type Db, LOCKS } from '../../../db/client.ts';
import {
  createPartitionsAhead,
  dropPartitions,
  expiredPartitions,
  longestRetention,
  PARTITIONED,
  type RetentionDays,
} from './partitions.ts';
import { expiredRawDays, expireRawDays, expireRawDaysOf } from './raw-expiry.ts';
import { completeSilentSessions, deleteExpiredRecordings } from './recordings-upkeep.ts';

const HOUR_MS = 3_600_000;
const DAY = 86_400;

export interface MaintenanceResult {
  created: number;
  /** Partitions dropped whole: raw days no recording overlaps, rollup months past their retention. */
  dropped: string[];
  /** Raw partitions past retention kept for recordings, their other rows deleted (this run). */
  trimmed: string[];
  sessionsCompleted: number;
  recordingsDeleted: number;
}

/**
 * The hourly work on the metric tables, as the owner: partitions created ahead; trickle sessions silent past their
 * timeout completed; recordings past their tenant's recordings retention deleted with their series; raw days past
 * the longest live retention dropped — or, when a recording overlaps them, kept with only the recordings' rows
 * (raw-expiry.ts); rollup months past their retention dropped (recordings are read from raw rows). Per-tenant
 * retention shorter than the longest is applied when reading (queries clip `from`).
 *
 * `tenants` narrows it to those tenants (a test on a shared database, an operator): their sessions, recordings and
 * expired rows only; nothing is created, dropped or marked. `retention` replaces the tenants' longest retention.
 */
export async function maintainPartitions(
  db: Db,
  now = Date.now() / 1000,
  opts: { retention?: RetentionDays; tenants?: readonly string[] } = {},
): Promise<MaintenanceResult> {
  const { tenants } = opts;
  const created = tenants ? 0 : await createPartitionsAhead(db, now);
  let sessionsCompleted = 0;
  for (const tenantId of tenants ?? [undefined])
    sessionsCompleted += (await completeSilentSessions(db, { ...(tenantId ? { tenantId } : {}), now })).length;
  const recordingsDeleted = await deleteExpiredRecordings(db, now, tenants);
  const retention = opts.retention ?? (await longestRetention(db));
  const days = await expiredRawDays(db, now - retention.raw * DAY);
  if (tenants) {
    await expireRawDaysOf(db, days, tenants);
    return { created, dropped: [], trimmed: [], sessionsCompleted, recordingsDeleted };
  }
  const raw = await expireRawDays(db, days);
  const rollups = (await expiredPartitions(db, now, retention)).filter((name) =>
    Object.entries(PARTITIONED).some(([table, p]) => p.period === 'month' && name.startsWith(`${table}_p`)),
  );
  await dropPartitions(db, rollups);
  return { created, dropped: [...raw.dropped, ...rollups], trimmed: raw.trimmed, sessionsCompleted, recordingsDeleted };
}

/**
 * maintainPartitions at start, then hourly while the server runs. With several processes on one PostgreSQL, one at
 * a time does it (an advisory lock; the others skip that round): the work is idempotent, but several at once would
 * race to create and drop the same tables.
 */
export function registerMetricsMaintenance(app: App, { database, db }: Deps): void {
  let timer: NodeJS.Timeout | undefined;
  const run = async () => {
    try {
      const done = await database.exclusive(LOCKS.maintenance, { wait: false }, () =>
        acrossTenants(() => maintainPartitions(db)),
      );
      if (!done) app.log.debug('metric partition maintenance: another process is at it');
      else if (done.created || done.dropped.length || done.trimmed.length || done.sessionsCompleted)
        app.log.info(done, 'metric partitions maintained');
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
