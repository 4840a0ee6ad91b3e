import {
  BENCHMARK_STATUSES,
  type Benchmark,
  type BenchmarkCreate,
  BenchmarkCreateSchema,
  BenchmarkListQuery,
  BenchmarkPatchSchema,
  BenchmarkSchema,
  type BenchmarkStats,
  BenchmarkStatsSchema,
  IdParams,
  Page,
} from '@xat/contracts';
import type { FastifyRequest } from 'fastify';
import type { App, Deps } from '../../app-types.ts';
import type { Db } from '../../db/client.ts';
import { isForeignKeyViolation } from '../../db/errors.ts';
import { fieldErrors, notFound } from '../../http/errors.ts';
import { pageOf, pageParams } from '../../http/pagination.ts';
import { roundHalfEven } from '../../lib/round.ts';
import { findCollector } from '../collectors/collectors.queries.ts';
import {
  type BenchmarkValues,
  type BenchmarkWithCollector,
  deleteBenchmark,
  findBenchmark,
  insertBenchmark,
  listBenchmarks,
  summarizeBenchmarks,
  updateBenchmark,
} from './benchmarks.queries.ts';

const iso = (d: Date | null) => d?.toISOString() ?? null;
const date = (v: string | null) => (v === null ? null : new Date(v));

export function toBenchmarkDto(row: BenchmarkWithCollector): Benchmark {
  return {
    id: row.id,
    collector: row.collectorId,
    collector_name: row.collectorName,
    name: row.name,
    benchmark_type: row.benchmarkType,
    status: row.status as Benchmark['status'],
    start_time: iso(row.startTime),
    end_time: iso(row.endTime),
    duration_seconds: row.durationSeconds,
    cpu_score: row.cpuScore,
    memory_score: row.memoryScore,
    disk_score: row.diskScore,
    network_score: row.networkScore,
    overall_score: row.overallScore,
    error_message: row.errorMessage,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

const BAD_DATE =
  'Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].';
const invalidPk = (id: string) => `Invalid pk "${id}" - object does not exist.`;

/** Wire fields → columns, only those present (PATCH semantics); every bad field in one 400. */
async function toValues(db: Db, tenantId: string, body: Partial<BenchmarkCreate>): Promise<BenchmarkValues> {
  const v: BenchmarkValues = {};
  const errors: Record<string, string[]> = {};
  if (body.collector !== undefined) {
    if (await findCollector(db, tenantId, body.collector)) v.collectorId = body.collector;
    else errors.collector = [invalidPk(body.collector)];
  }
  for (const [field, text] of [
    ['name', body.name],
    ['benchmark_type', body.benchmark_type],
    ['error_message', body.error_message],
  ] as const) {
    if (text === undefined) continue;
    if (text.includes('\0')) errors[field] = ['Null characters are not allowed.'];
    else if (field !== 'error_message' && !text.trim()) errors[field] = ['This field may not be blank.'];
  }
  for (const [field, text] of [
    ['start_time', body.start_time],
    ['end_time', body.end_time],
  ] as const) {
    // The schema's date-time format lets a leap second (…:60) through; Date (and PostgreSQL) do not.
    if (text && Number.isNaN(Date.parse(text))) errors[field] = [BAD_DATE];
  }
  if (Object.keys(errors).length) throw fieldErrors(errors);
  if (body.name !== undefined) v.name = body.name.trim();
  if (body.benchmark_type !== undefined) v.benchmarkType = body.benchmark_type.trim();
  if (body.status !== undefined) v.status = body.status;
  if (body.start_time !== undefined) v.startTime = date(body.start_time);
  if (body.end_time !== undefined) v.endTime = date(body.end_time);
  if (body.duration_seconds !== undefined) v.durationSeconds = body.duration_seconds;
  if (body.cpu_score !== undefined) v.cpuScore = body.cpu_score;
  if (body.memory_score !== undefined) v.memoryScore = body.memory_score;
  if (body.disk_score !== undefined) v.diskScore = body.disk_score;
  if (body.network_score !== undefined) v.networkScore = body.network_score;
  if (body.overall_score !== undefined) v.overallScore = body.overall_score;
  if (body.error_message !== undefined) v.errorMessage = body.error_message;
  return v;
}

/** The collector vanished between the check and the write: same answer as an unknown one. */
function rethrowVanishedCollector(err: unknown, collector: string | undefined): never {
  if (collector && isForeignKeyViolation(err)) throw fieldErrors({ collector: [invalidPk(collector)] });
  throw err;
}

const tags = ['benchmarks'];

export function benchmarkRoutes(app: App, { db, guards }: Deps): void {
  app.get(
    '/api/v1/benchmarks/',
    {
      preValidation: guards.user('viewer'),
      schema: {
        summary: 'List benchmarks',
        description:
          'Benchmark runs of the tenant’s servers with status and scores (0–100), newest first, a page at a time; filtered by the query’s fields.',
        tags,
        querystring: BenchmarkListQuery,
        response: { 200: Page(BenchmarkSchema) },
      },
    },
    async (request) => {
      const page = pageParams(request.query);
      const { status, collector_id } = request.query;
      const { rows, count } = await listBenchmarks(db, request.tenant.id, {
        ...page,
        ...(status ? { status } : {}),
        ...(collector_id ? { collectorId: collector_id } : {}),
      });
      return pageOf(request, page, count, rows.map(toBenchmarkDto));
    },
  );

  app.post(
    '/api/v1/benchmarks/',
    {
      preValidation: guards.user('member'),
      schema: {
        summary: 'Record a benchmark',
        description: 'A benchmark run of a collector: its name, type, status, times and scores (0–100).',
        tags,
        body: BenchmarkCreateSchema,
        response: { 201: BenchmarkSchema },
      },
    },
    async (request, reply) => {
      const tenantId = request.tenant.id;
      const values = await toValues(db, tenantId, request.body);
      const row = await insertBenchmark(db, tenantId, {
        ...values,
        collectorId: request.body.collector,
        name: request.body.name.trim(),
        ownerId: request.principal.id,
      }).catch((err) => rethrowVanishedCollector(err, request.body.collector));
      const found = await findBenchmark(db, tenantId, row.id);
      if (!found) throw notFound();
      reply.code(201);
      return toBenchmarkDto(found);
    },
  );

  app.get(
    '/api/v1/benchmarks/stats/',
    {
      preValidation: guards.user('viewer'),
      schema: {
        summary: 'Benchmark statistics',
        description: 'Runs per status, and the average scores of the completed ones.',
        tags,
        response: { 200: BenchmarkStatsSchema },
      },
    },
    async (request): Promise<BenchmarkStats> => {
      const { byStatus, completed, averages } = await summarizeBenchmarks(db, request.tenant.id);
      const counts = Object.fromEntries(BENCHMARK_STATUSES.map((s) => [s, byStatus.get(s) ?? 0]));
      const oneDp = (v: number | null) => (v === null ? null : roundHalfEven(v, 1));
      return {
        total: [...byStatus.values()].reduce((a, b) => a + b, 0),
        by_status: counts as BenchmarkStats['by_status'],
        avg_scores: completed
          ? {
              cpu: oneDp(averages.cpu),
              memory: oneDp(averages.memory),
              disk: oneDp(averages.disk),
              network: oneDp(averages.network),
              overall: oneDp(averages.overall),
            }
          : {},
      };
    },
  );

  app.get(
    '/api/v1/benchmarks/:id/',
    {
      preValidation: guards.user('viewer'),
      schema: {
        summary: 'A benchmark',
        description: 'One benchmark run.',
        tags,
        params: IdParams,
        response: { 200: BenchmarkSchema },
      },
    },
    async (request) => {
      const row = await findBenchmark(db, request.tenant.id, request.params.id);
      if (!row) throw notFound();
      return toBenchmarkDto(row);
    },
  );

  const update = async (request: FastifyRequest<{ Params: { id: string }; Body: Partial<BenchmarkCreate> }>) => {
    const tenantId = request.tenant.id;
    const { id } = request.params;
    if (!(await findBenchmark(db, tenantId, id))) throw notFound();
    const values = await toValues(db, tenantId, request.body);
    const row = await updateBenchmark(db, tenantId, id, values).catch((err) =>
      rethrowVanishedCollector(err, request.body.collector),
    );
    const found = row && (await findBenchmark(db, tenantId, id));
    if (!found) throw notFound();
    return toBenchmarkDto(found);
  };
  for (const method of ['PUT', 'PATCH'] as const) {
    app.route({
      method,
      url: '/api/v1/benchmarks/:id/',
      preValidation: guards.user('member'),
      schema: {
        summary: method === 'PUT' ? 'Replace a benchmark' : 'Update a benchmark',
        description: 'All of its fields (PUT) or those sent (PATCH).',
        tags,
        params: IdParams,
        body: method === 'PUT' ? BenchmarkCreateSchema : BenchmarkPatchSchema,
        response: { 200: BenchmarkSchema },
      },
      handler: update,
    });
  }

  app.delete(
    '/api/v1/benchmarks/:id/',
    {
      preValidation: guards.user('member'),
      schema: { summary: 'Delete a benchmark', description: 'Removes the benchmark run.', tags, params: IdParams },
    },
    async (request, reply) => {
      if (!(await deleteBenchmark(db, request.tenant.id, request.params.id))) throw notFound();
      return reply.code(204).send();
    },
  );
}
