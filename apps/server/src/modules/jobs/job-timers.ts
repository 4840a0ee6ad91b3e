import type { App, Deps } from '../../app-types.ts';
import { acrossTenants } from '../../db/access-scope.ts';
import { sweepJobTimeoutsForAllTenants } from './job-timeouts.queries.ts';
import type { JobsContext } from './jobs-context.ts';
import { runDueSchedulesForAllTenants } from './run-schedules.ts';

/** How often the server ends timed-out jobs of every tenant and starts due schedules. */
const EVERY_MS = 30_000;

/**
 * The jobs' clock work in the background: timed-out jobs ended and due schedules started every 30 s, across tenants
 * (as the owner), from every server process — both are single statements or `skip locked`, so processes share the
 * work rather than doubling it. The timer never keeps the process alive, and closing waits for a round under way.
 */
export function registerJobTimers(app: App, { db }: Deps, jobs: JobsContext): void {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const round = async () => {
    const now = jobs.now();
    try {
      const ended = await acrossTenants(() => sweepJobTimeoutsForAllTenants(db, now));
      if (ended.length) app.log.info({ jobs: ended.length }, 'jobs timed out');
      for (const run of await acrossTenants(() => runDueSchedulesForAllTenants(db, now))) {
        if (run.skipped) app.log.warn({ schedule: run.scheduleId, why: run.skipped }, 'schedule started no job');
        jobs.jobsQueued(
          run.tenantId,
          run.jobs.map((j) => j.collectorId),
        );
      }
    } catch (err) {
      app.log.error({ err }, 'job timers failed');
    }
  };
  const tick = () => {
    running ??= round().finally(() => {
      running = undefined;
    });
  };
  app.addHook('onReady', async () => {
    tick();
    timer = setInterval(tick, EVERY_MS);
    timer.unref();
  });
  // Before the server stops listening: waiting long polls answer now instead of holding the close up.
  app.addHook('preClose', async () => {
    clearInterval(timer);
    jobs.waiters.close();
  });
  app.addHook('onClose', async () => {
    clearInterval(timer);
    await running;
  });
}
