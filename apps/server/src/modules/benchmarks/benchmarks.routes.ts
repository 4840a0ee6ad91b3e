import {
  type BenchmarkCreate,
  BenchmarkCreateSchema,
  BenchmarkListQuery,
  BenchmarkPatchSchema,
  BenchmarkSchema,
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
import { findCollector } from '../collectors/collectors.queries.ts';
import {
  type BenchmarkValues,
  type BenchmarkWithCollector,
  deleteBenchmark,
  findBenchmark,
  insertBenchmark,
  listBenchmarks,
  updateBenchmark,
} from './benchmarks.queries.ts';
import { benchmarkDtos, benchmarkStats } from './benchmarks.service.ts';

const date = (v: string | null) => (v === null ? null : new Date(v));

const SCORE_FIELDS = ['cpu_score', 'memory_score', 'disk_score', 'network_score', 'overall_score'] as const;

const BAD_DATE =
  'Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].';
const invalidPk = (id: string) => `Invalid pk "${id}" - object does not exist.`;

/** Wire fields → columns, only those present (PATCH semantics); every bad field in one 400. */
async function toValues(
  db: Db,
  tenantId: string,
  body: Partial<BenchmarkCreate>,
  current?: BenchmarkWithCollector,
): Promise<BenchmarkValues> {
  const v: BenchmarkValues = {};
  const errors: Record<string, string[]> = {};
  // A measured benchmark's scores are computed from its run whenever it is read: there is nothing to type in.
  if (current?.source === 'pcc')
    for (const field of SCORE_FIELDS)
      if (body[field] !== undefined) errors[field] = ['Computed from the measured benchmark run; it cannot be set.'];
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
  const dtoOf = async (tenantId: string, row: BenchmarkWithCollector) => {
    const [dto] = await benchmarkDtos(db, tenantId, [row]);
    if (!dto) throw notFound();
    return dto;
  };

  app.get(
    '/api/v1/benchmarks/',
    {
      preValidation: guards.user('viewer'),
      schema: {
        summary: 'List benchmarks',
        description:
          'Benchmarks of the tenant’s servers with status and scores, newest first, a page at a time; filtered by the query’s fields. Typed-in ones (source manual) show their scores as typed (0–100); measured ones (source pcc) show the scores of their run computed now against the baseline server (1.0 = baseline), with each component’s share.',
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
      return pageOf(request, page, count, await benchmarkDtos(db, request.tenant.id, rows));
    },
  );

  app.post(
    '/api/v1/benchmarks/',
    {
      preValidation: guards.user('member'),
      schema: {
        summary: 'Record a benchmark',
        description:
          'A benchmark of a collector typed in by hand (source manual): its name, type, status, times and scores (0–100).',
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
      return dtoOf(tenantId, found);
    },
  );

  app.get(
    '/api/v1/benchmarks/stats/',
    {
      preValidation: guards.user('viewer'),
      schema: {
        summary: 'Benchmark statistics',
        description:
          'Benchmarks per status, and the average scores of the completed ones (typed-in scores as typed, measured ones as computed now).',
        tags,
        response: { 200: BenchmarkStatsSchema },
      },
    },
    async (request) => benchmarkStats(db, request.tenant.id),
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
      return dtoOf(request.tenant.id, row);
    },
  );

  const update = async (request: FastifyRequest<{ Params: { id: string }; Body: Partial<BenchmarkCreate> }>) => {
    const tenantId = request.tenant.id;
    const { id } = request.params;
    const current = await findBenchmark(db, tenantId, id);
    if (!current) throw notFound();
    const values = await toValues(db, tenantId, request.body, current);
    const row = await updateBenchmark(db, tenantId, id, values).catch((err) =>
      rethrowVanishedCollector(err, request.body.collector),
    );
    const found = row && (await findBenchmark(db, tenantId, id));
    if (!found) throw notFound();
    return dtoOf(tenantId, found);
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
