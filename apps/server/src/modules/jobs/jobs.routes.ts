import { IdParams, JobCreateSchema, JobListQuery, JobSchema, Page } from '@xat/contracts';
import { Type } from 'typebox';
import type { App, Deps } from '../../app-types.ts';
import { notFound } from '../../http/errors.ts';
import { pageOf, pageParams } from '../../http/pagination.ts';
import { cancelJob, findJob, type JobRow, listGroupJobs, listJobs } from './jobs.queries.ts';
import { createJobs, toJobDto } from './jobs.service.ts';
import type { JobsContext } from './jobs-context.ts';

const tags = ['jobs'];

/** Wakes the long polls of the collectors whose new jobs may start now. */
export function wakeAgents(jobs: JobsContext, tenantId: string, created: readonly JobRow[]): void {
  const now = jobs.now().getTime();
  jobs.jobsQueued(
    tenantId,
    created.filter((j) => j.notBefore.getTime() <= now).map((j) => j.collectorId),
  );
}

/** Benchmark jobs, as people see them: start on chosen servers, list, show, cancel. */
export function jobRoutes(app: App, { db, guards }: Deps, jobs: JobsContext): void {
  const findDto = async (tenantId: string, id: string) => {
    const row = await findJob(db, tenantId, id);
    if (!row) throw notFound();
    return toJobDto(row);
  };

  app.post(
    '/api/v1/jobs/',
    {
      preValidation: guards.user('member'),
      schema: {
        summary: 'Start a benchmark on servers',
        description:
          'One job per chosen server, in one group: a profile (built-in or the tenant’s own), optionally fewer of its benchmarks or another number of repeats. With `stagger_seconds`, server k (in the order given) starts k × stagger_seconds later. Each server’s agent (`pcc run`) fetches its job, runs it and reports. A server whose agent has never asked for jobs (the original Go pcc) is refused, named under `collector_ids`.',
        tags,
        body: JobCreateSchema,
        response: { 201: Type.Array(JobSchema) },
      },
    },
    async (request, reply) => {
      const tenantId = request.tenant.id;
      const created = await createJobs(db, tenantId, { ...request.body, createdBy: request.principal.id }, jobs.now());
      wakeAgents(jobs, tenantId, created);
      reply.code(201);
      const groupId = created[0]?.groupId;
      return groupId ? (await listGroupJobs(db, tenantId, groupId)).map(toJobDto) : [];
    },
  );

  app.get(
    '/api/v1/jobs/',
    {
      preValidation: guards.user('viewer'),
      schema: {
        summary: 'List benchmark jobs',
        description:
          'Newest first, a page at a time; filter by server (`collector_id`), group (`group_id`: the jobs started together) or status. Running jobs carry their progress.',
        tags,
        querystring: JobListQuery,
        response: { 200: Page(JobSchema) },
      },
    },
    async (request) => {
      const tenantId = request.tenant.id;
      await jobs.sweep(tenantId);
      const page = pageParams(request.query);
      const { collector_id, group_id, status } = request.query;
      const { rows, count } = await listJobs(db, tenantId, {
        ...page,
        ...(collector_id ? { collectorId: collector_id } : {}),
        ...(group_id ? { groupId: group_id } : {}),
        ...(status ? { status } : {}),
      });
      return pageOf(request, page, count, rows.map(toJobDto));
    },
  );

  app.get(
    '/api/v1/jobs/:id/',
    {
      preValidation: guards.user('viewer'),
      schema: {
        summary: 'A benchmark job',
        description: 'Its status, progress (step k of n, elapsed, what the agent is doing), error and result.',
        tags,
        params: IdParams,
        response: { 200: JobSchema },
      },
    },
    async (request) => {
      await jobs.sweep(request.tenant.id);
      return findDto(request.tenant.id, request.params.id);
    },
  );

  app.post(
    '/api/v1/jobs/:id/cancel/',
    {
      preValidation: guards.user('member'),
      schema: {
        summary: 'Cancel a benchmark job',
        description:
          'A queued job is cancelled at once. A running one is asked to stop: its agent learns it on its next progress report (within seconds), stops and reports it cancelled; until then it shows running with the cancel in `error`. A job that already ended is answered as it is.',
        tags,
        params: IdParams,
        response: { 200: JobSchema },
      },
    },
    async (request) => {
      const tenantId = request.tenant.id;
      const { id } = request.params;
      await cancelJob(db, tenantId, id, `Cancelled by ${request.principal.username}.`, jobs.now());
      return findDto(tenantId, id);
    },
  );
}
