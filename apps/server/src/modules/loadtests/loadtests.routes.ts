import {
  IdParams,
  type LoadTestCreate,
  LoadTestCreateSchema,
  type LoadTestImport,
  LoadTestImportSchema,
  LoadTestListQuery,
  LoadTestPatchSchema,
  Page,
  ReferenceLoadTestSchema,
} from '@xat/contracts';
import type { FastifyRequest } from 'fastify';
import { Compile } from 'typebox/compile';
import type { App, Deps } from '../../app-types.ts';
import { fieldErrors, issuesToFieldErrors, notFound } from '../../http/errors.ts';
import { pageOf, pageParams } from '../../http/pagination.ts';
import { deleteLoadTest, findLoadTest, insertLoadTest, listLoadTests, updateLoadTest } from './loadtests.queries.ts';
import { toLoadTestDto } from './loadtests.service.ts';
import { rethrowVanishedCollector, toValues, withVerdict } from './loadtests.values.ts';
import { PerfCpuMeasureError, parsePerfCpuMeasure } from './perfcpumeasure.ts';
import { UNIT_COLUMNS } from './units.ts';

const importCheck = Compile(LoadTestImportSchema);
type SchemaIssues = Parameters<typeof issuesToFieldErrors>[0];

/** The import's fields from either a JSON body or a multipart form (`file` part instead of `content`). */
async function readImport(request: FastifyRequest): Promise<{ input: LoadTestImport; contentField: string }> {
  if (!request.isMultipart()) {
    const body = request.body;
    if (!importCheck.Check(body))
      throw fieldErrors(issuesToFieldErrors(importCheck.Errors(body) as unknown as SchemaIssues, 'body'));
    return { input: body, contentField: 'content' };
  }
  const fields: Record<string, string> = {};
  for await (const part of request.parts()) {
    if (part.type === 'file') {
      const content = (await part.toBuffer()).toString('utf8');
      if (part.fieldname === 'file') fields.content = content;
    } else if (['collector', 'benchmark', 'notes'].includes(part.fieldname) && typeof part.value === 'string') {
      if (part.value !== '') fields[part.fieldname] = part.value;
    }
  }
  if (!importCheck.Check(fields)) {
    const { content, ...errors } = issuesToFieldErrors(importCheck.Errors(fields) as unknown as SchemaIssues, 'body');
    throw fieldErrors(content ? { ...errors, file: ['No file was submitted.'] } : errors);
  }
  return { input: fields, contentField: 'file' };
}

const tags = ['loadtests'];

export function loadTestRoutes(app: App, { db, guards }: Deps): void {
  const findDto = async (tenantId: string, id: string) => {
    const row = await findLoadTest(db, tenantId, id);
    if (!row) throw notFound();
    return toLoadTestDto(row);
  };

  // The reference serves both spellings; the plural one is kept out of the OpenAPI document.
  for (const [base, hide] of [
    ['/api/v1/loadtest', false],
    ['/api/v1/loadtests', true],
  ] as const) {
    app.get(
      `${base}/`,
      {
        preValidation: guards.user('viewer'),
        schema: {
          summary: 'List load tests',
          description:
            'CPU load-test results (work units per second at 10–100 % load) with their verdict (valid, suspect, invalid), newest first, a page at a time; filter by collector, series or validity. Each item carries the reference HEAD’s camelCase fields too (collectorId, serverName, provider, benchmarkId, data of {busyPct, workUnits} in work units per second, maxUnits, avgUnits, createdAt).',
          tags,
          hide,
          querystring: LoadTestListQuery,
          response: { 200: Page(ReferenceLoadTestSchema) },
        },
      },
      async (request) => {
        const page = pageParams(request.query);
        const { collector_id, series_id, validity } = request.query;
        const { rows, count } = await listLoadTests(db, request.tenant.id, {
          ...page,
          ...(collector_id ? { collectorId: collector_id } : {}),
          ...(series_id ? { seriesId: series_id.toLowerCase() } : {}),
          ...(validity ? { validity } : {}),
        });
        return pageOf(request, page, count, rows.map(toLoadTestDto));
      },
    );

    app.post(
      `${base}/`,
      {
        // The agent (pcc loadtest) uploads its own results with its collector key.
        preValidation: guards.userOrAgent('member'),
        schema: {
          summary: 'Store a load test',
          description:
            'A result of `pcc loadtest` (sent by the agent with its key, for its own collector only) or typed in by a member. The server judges it: validity and reasons, from the units and the conditions in `details`.',
          tags,
          hide,
          body: LoadTestCreateSchema,
          response: { 201: ReferenceLoadTestSchema },
        },
      },
      async (request, reply) => {
        const tenantId = request.tenant.id;
        if (request.agent && request.body.collector !== request.agent.collectorId)
          throw fieldErrors({ collector: ['An agent can only report results of its own collector.'] });
        const collectorId = request.body.collector;
        const values = await withVerdict(db, tenantId, await toValues(db, tenantId, request.body), collectorId);
        const row = await insertLoadTest(db, tenantId, {
          ...values,
          collectorId,
          ownerId: request.agent ? null : request.principal.id,
        }).catch((err) => rethrowVanishedCollector(err, request.body.collector));
        reply.code(201);
        return findDto(tenantId, row.id);
      },
    );

    app.post(
      `${base}/import/`,
      {
        preValidation: guards.user('member'),
        schema: {
          summary: 'Import a perfcpumeasure run',
          tags,
          hide,
          description:
            'Stores a perfcpumeasure run. Send JSON {collector, content, notes?} or multipart/form-data with a ' +
            '`file` part and `collector` (and optional `notes`, `benchmark`) fields.',
          body: { content: { 'application/json': { schema: LoadTestImportSchema } } },
          response: { 201: ReferenceLoadTestSchema },
        },
      },
      async (request, reply) => {
        const tenantId = request.tenant.id;
        const { input, contentField } = await readImport(request);
        const errors: Record<string, string[]> = {};
        let run: ReturnType<typeof parsePerfCpuMeasure> | undefined;
        try {
          run = parsePerfCpuMeasure(input.content);
        } catch (err) {
          if (!(err instanceof PerfCpuMeasureError)) throw err;
          errors[contentField] = [err.message];
        }
        const { collector, benchmark, notes } = input;
        const values = await toValues(
          db,
          tenantId,
          { collector, ...(benchmark !== undefined ? { benchmark } : {}), ...(notes !== undefined ? { notes } : {}) },
          errors,
        );
        if (!run) throw fieldErrors(errors);
        const units = run.units;
        UNIT_COLUMNS.forEach((column, i) => {
          values[column] = units[i] ?? 0;
        });
        // perfcpumeasure extrapolates its 100 % line (REFERENCE 3); the source says so to whoever reads it.
        values.details = { source: 'perfcpumeasure', siteid: run.siteid, host: run.host };
        const row = await insertLoadTest(db, tenantId, {
          ...(await withVerdict(db, tenantId, values, collector)),
          collectorId: collector,
          ownerId: request.principal.id,
        }).catch((err) => rethrowVanishedCollector(err, collector));
        reply.code(201);
        return findDto(tenantId, row.id);
      },
    );

    app.get(
      `${base}/:id/`,
      {
        preValidation: guards.user('viewer'),
        schema: {
          summary: 'A load test',
          description: 'One result with its levels, its verdict and the reasons for it.',
          tags,
          hide,
          params: IdParams,
          response: { 200: ReferenceLoadTestSchema },
        },
      },
      async (request) => findDto(request.tenant.id, request.params.id),
    );

    for (const method of ['PUT', 'PATCH'] as const) {
      app.route({
        method,
        url: `${base}/:id/`,
        preValidation: guards.user('member'),
        schema: {
          summary: method === 'PUT' ? 'Replace a load test' : 'Update a load test',
          description:
            'All of its fields (PUT) or those sent (PATCH). Any change is judged again, so the verdict always matches what is stored.',
          tags,
          hide,
          params: IdParams,
          body: method === 'PUT' ? LoadTestCreateSchema : LoadTestPatchSchema,
          response: { 200: ReferenceLoadTestSchema },
        },
        handler: async (request: FastifyRequest<{ Params: { id: string }; Body: Partial<LoadTestCreate> }>) => {
          const tenantId = request.tenant.id;
          const { id } = request.params;
          const current = await findLoadTest(db, tenantId, id);
          if (!current) throw notFound();
          const values = await toValues(db, tenantId, request.body);
          // Any change is judged again: the verdict always matches the units and details stored beside it.
          if (Object.keys(values).length)
            await updateLoadTest(
              db,
              tenantId,
              id,
              await withVerdict(db, tenantId, values, values.collectorId ?? current.collectorId, current),
            ).catch((err) => rethrowVanishedCollector(err, request.body.collector));
          return findDto(tenantId, id);
        },
      });
    }

    app.delete(
      `${base}/:id/`,
      {
        preValidation: guards.user('member'),
        schema: { summary: 'Delete a load test', description: 'Removes the result.', tags, hide, params: IdParams },
      },
      async (request, reply) => {
        if (!(await deleteLoadTest(db, request.tenant.id, request.params.id))) throw notFound();
        return reply.code(204).send();
      },
    );
  }
}
