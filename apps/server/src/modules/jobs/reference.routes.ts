import { JobSchema, Uuid } from '@xat/contracts';
import { Type } from 'typebox';
import type { App, Deps } from '../../app-types.ts';
import { ApiError, fieldErrors } from '../../http/errors.ts';
import { findCollector } from '../collectors/collectors.queries.ts';
import { findJob, listGroupJobs } from './jobs.queries.ts';
import { wakeAgents } from './jobs.routes.ts';
import {
  ReferenceCompareCreatedSchema,
  ReferenceCompareCreateSchema,
  ReferenceComparisonSchema,
} from './jobs.schemas.ts';
import { createJobs, neverPolled, toJobDto } from './jobs.service.ts';
import type { JobsContext } from './jobs-context.ts';
import { describeComparison, LOADTEST_JOB, REFERENCE_LOADTEST } from './reference-compare.ts';

/** Field errors of createJobs under the names the reference's request uses. */
function renamed(err: unknown, names: Record<string, string>): never {
  if (err instanceof ApiError && err.statusCode === 400 && !('detail' in err.body))
    throw fieldErrors(Object.fromEntries(Object.entries(err.body).map(([k, v]) => [names[k] ?? k, v as string[]])));
  throw err;
}

/**
 * The reference's ways of starting a measurement, kept working on top of jobs: `loadtest(s)/run/<collector>` and the
 * benchmark comparison. The reference called into the monitored machine (pcd) and answered with the result; XAT never
 * opens a connection to a monitored machine, so these answer at once with the job(s), and the result lands when the
 * agent has run it.
 */
export function referenceJobRoutes(app: App, { db, guards }: Deps, jobs: JobsContext): void {
  for (const [base, hide] of [
    ['/api/v1/loadtest', false],
    ['/api/v1/loadtests', true],
  ] as const) {
    app.post(
      `${base}/run/:collector_id/`,
      {
        preValidation: guards.user('member'),
        schema: {
          summary: 'Run a CPU load test on a server',
          description:
            'The reference’s “Run LoadTest”: starts a job running the CPU utilization sweep once on the server. Unlike the reference (which waited for pcd and answered 201 with the LoadTestResult), the answer is 201 with the job: XAT never connects to the monitored machine; its agent fetches the job, and the result is stored when it ends (follow it at `/api/v1/jobs/<id>/`). A server whose agent cannot run jobs (the original Go pcc) answers 400 with code `agent_cannot_run_jobs`.',
          tags: ['loadtests'],
          hide,
          params: Type.Object({ collector_id: Uuid }),
          response: { 201: JobSchema },
        },
      },
      async (request, reply) => {
        const tenantId = request.tenant.id;
        const collector = await findCollector(db, tenantId, request.params.collector_id);
        if (!collector) throw new ApiError(404, { detail: 'Collector not found', code: 'not_found' });
        if (!collector.jobsPolledAt)
          throw new ApiError(400, { detail: neverPolled(collector.name), code: 'agent_cannot_run_jobs' });
        const [job] = await createJobs(
          db,
          tenantId,
          { ...LOADTEST_JOB, collector_ids: [collector.id], createdBy: request.principal.id },
          jobs.now(),
        );
        if (!job) throw new Error('no job created');
        wakeAgents(jobs, tenantId, [job]);
        const row = await findJob(db, tenantId, job.id);
        if (!row) throw new Error('the job vanished');
        reply.code(201);
        return toJobDto(row);
      },
    );
  }

  app.post(
    '/api/v1/pcc/benchmark/compare',
    {
      preValidation: guards.user('member'),
      schema: {
        summary: 'Start a benchmark comparison (reference)',
        description: `The reference’s comparison: one job per server in one group, whose id is the \`comparison_id\`. \`benchmark_id\` \`${REFERENCE_LOADTEST}\` (default) runs the CPU utilization sweep once; a profile name runs that profile. \`duration\` is accepted and ignored (a profile says how long it runs). Follow it with GET …/compare/<comparison_id> or the jobs API (\`group_id\`).`,
        tags: ['jobs'],
        body: ReferenceCompareCreateSchema,
        response: { 201: ReferenceCompareCreatedSchema },
      },
    },
    async (request, reply) => {
      const tenantId = request.tenant.id;
      const ids = request.body.servers.map((s) => s.server_id.toLowerCase());
      if (new Set(ids).size !== ids.length) throw fieldErrors({ servers: ['A server is listed twice.'] });
      const benchmark = request.body.benchmark_id ?? REFERENCE_LOADTEST;
      const what = benchmark === REFERENCE_LOADTEST ? LOADTEST_JOB : { profile: benchmark };
      const created = await createJobs(
        db,
        tenantId,
        { ...what, collector_ids: ids, createdBy: request.principal.id },
        jobs.now(),
      ).catch((err) => renamed(err, { collector_ids: 'servers', profile: 'benchmark_id' }));
      wakeAgents(jobs, tenantId, created);
      reply.code(201);
      return {
        success: true,
        comparison_id: created[0]?.groupId ?? '',
        message: `Benchmark started on ${created.length} server(s): each agent runs it when it next asks for work.`,
      };
    },
  );

  app.get(
    '/api/v1/pcc/benchmark/compare/:comparison_id',
    {
      preValidation: guards.user('viewer'),
      schema: {
        summary: 'A benchmark comparison (reference)',
        description:
          'Status, progress (0–100) and phase of the comparison and of each server, from its jobs in the database (any server process answers); the results (medians of each metric, validity, the stored run’s id) once every job has ended. `include_raw_data=true` adds each server’s measured benchmarks; nothing is made up.',
        tags: ['jobs'],
        params: Type.Object({ comparison_id: Uuid }),
        querystring: Type.Object({ include_raw_data: Type.Optional(Type.Boolean()) }),
        response: { 200: ReferenceComparisonSchema },
      },
    },
    async (request) => {
      const tenantId = request.tenant.id;
      await jobs.sweep(tenantId);
      const groupId = request.params.comparison_id.toLowerCase();
      const group = await listGroupJobs(db, tenantId, groupId);
      if (!group.length) {
        const detail = 'Comparison not found or expired';
        throw new ApiError(404, { detail, code: 'not_found', error: detail });
      }
      return describeComparison(db, tenantId, groupId, group, request.query.include_raw_data ?? false);
    },
  );
}
