import type { App, Deps } from '../../app-types.ts';
import { agentJobRoutes } from './agent-jobs.routes.ts';
import { registerJobTimers } from './job-timers.ts';
import { JobWaiters } from './job-waiters.ts';
import { jobRoutes } from './jobs.routes.ts';
import { createJobsContext } from './jobs-context.ts';
import { profileRoutes } from './profiles.routes.ts';
import { referenceJobRoutes } from './reference.routes.ts';
import { scheduleRoutes } from './schedules.routes.ts';

/** Long polls one tenant may have waiting in one process; past it a poll answers at once (Retry-After). */
const MAX_WAITING_POLLS_PER_TENANT = 2000;

/**
 * Benchmark jobs: people start them (jobs, profiles, schedules, the reference's load-test and compare routes), agents
 * fetch and run them (agent jobs), and timers end the ones that cannot end by themselves. One waiting-poll registry
 * and one clock for all of them.
 */
export function jobsModule(app: App, deps: Deps, now: () => Date = () => new Date()): void {
  const jobs = createJobsContext(deps.database, new JobWaiters(MAX_WAITING_POLLS_PER_TENANT), now, (err) =>
    app.log.warn({ err }, 'could not tell the other server processes of new jobs'),
  );
  jobRoutes(app, deps, jobs);
  profileRoutes(app, deps);
  scheduleRoutes(app, deps, now);
  referenceJobRoutes(app, deps, jobs);
  agentJobRoutes(app, deps, jobs);
  registerJobTimers(app, deps, jobs);
  // The jobs other server processes queue wake this process's polls (job-wake.ts).
  let stopListening: (() => Promise<void>) | undefined;
  app.addHook('onReady', async () => {
    stopListening = jobs.wake.listen(jobs.waiters);
  });
  app.addHook('preClose', async () => {
    await stopListening?.();
  });
}
