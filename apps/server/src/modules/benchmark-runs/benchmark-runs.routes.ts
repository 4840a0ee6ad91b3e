import { BenchmarkRunListQuery, BenchmarkRunSchema, IdParams, Page, SuiteResultSchema } from '@xat/contracts';
import type { App, Deps } from '../../app-types.ts';
import { notFound } from '../../http/errors.ts';
import { pageOf, pageParams } from '../../http/pagination.ts';
import { deleteBenchmarkRun, findBenchmarkRun, listBenchmarkRuns } from './benchmark-runs.queries.ts';
import { storeBenchmarkRun, toBenchmarkRunDto } from './benchmark-runs.service.ts';
import { scoresForRuns } from './scores.service.ts';

const tags = ['benchmark-runs'];

/** Stored benchmark runs: listed, shown, deleted by people; uploaded by an agent without a job (`pcc bench`). */
export function benchmarkRunRoutes(app: App, { db, guards }: Deps): void {
  const dtoOf = async (tenantId: string, id: string) => {
    const row = await findBenchmarkRun(db, tenantId, id);
    if (!row) throw notFound();
    const scores = await scoresForRuns(db, tenantId, [row.id]);
    const own = scores.get(row.id);
    if (!own) throw notFound();
    return toBenchmarkRunDto(row, own);
  };

  app.get(
    '/api/v1/benchmark-runs/',
    {
      preValidation: guards.user('viewer'),
      schema: {
        summary: 'List benchmark runs',
        description:
          'Measured benchmark runs of the tenant’s servers, newest first, a page at a time: the server’s verdict per benchmark and for the run, the repeats, the reproducibility record and the scores against the baseline server computed now. Filtered by collector_id, profile and validity.',
        tags,
        querystring: BenchmarkRunListQuery,
        response: { 200: Page(BenchmarkRunSchema) },
      },
    },
    async (request) => {
      const tenantId = request.tenant.id;
      const page = pageParams(request.query);
      const { collector_id, profile, validity } = request.query;
      const { rows, count } = await listBenchmarkRuns(db, tenantId, {
        ...page,
        ...(collector_id ? { collectorId: collector_id } : {}),
        ...(profile ? { profile } : {}),
        ...(validity ? { validity } : {}),
      });
      const scores = await scoresForRuns(
        db,
        tenantId,
        rows.map((r) => r.id),
      );
      const results = rows.flatMap((row) => {
        const own = scores.get(row.id);
        return own ? [toBenchmarkRunDto(row, own)] : [];
      });
      return pageOf(request, page, count, results);
    },
  );

  app.post(
    '/api/v1/benchmark-runs/',
    {
      preValidation: guards.agent,
      schema: {
        summary: 'Agent: upload a benchmark run',
        description:
          'The agent uploads a suite result it ran without a job (`pcc bench`). The server judges every benchmark again from its repeats and stores its own verdict (the agent’s is kept beside it as agent_validity), and adds a benchmark (source pcc) whose scores are computed from the run.',
        tags,
        security: [{ apiKey: [] }],
        body: SuiteResultSchema,
        response: { 201: BenchmarkRunSchema },
      },
    },
    async (request, reply) => {
      const tenantId = request.tenant.id;
      const id = await storeBenchmarkRun(db, tenantId, request.agent.collectorId, null, request.body);
      const dto = await dtoOf(tenantId, id);
      reply.code(201);
      return dto;
    },
  );

  app.get(
    '/api/v1/benchmark-runs/:id/',
    {
      preValidation: guards.user('viewer'),
      schema: {
        summary: 'A benchmark run',
        description: 'One measured run with its benchmarks, verdicts, record and scores.',
        tags,
        params: IdParams,
        response: { 200: BenchmarkRunSchema },
      },
    },
    async (request) => dtoOf(request.tenant.id, request.params.id),
  );

  app.delete(
    '/api/v1/benchmark-runs/:id/',
    {
      preValidation: guards.user('member'),
      schema: {
        summary: 'Delete a benchmark run',
        description: 'Removes the run and the benchmark (source pcc) that showed its scores.',
        tags,
        params: IdParams,
      },
    },
    async (request, reply) => {
      if (!(await deleteBenchmarkRun(db, request.tenant.id, request.params.id))) throw notFound();
      return reply.code(204).send();
    },
  );
}
