import {
  type Collector,
  type CollectorCreate,
  CollectorCreatedSchema,
  CollectorCreateSchema,
  CollectorListQuery,
  CollectorPatchSchema,
  type CollectorPerformance,
  CollectorSchema,
  FleetSummarySchema,
  IdParams,
  Page,
  RegenerateKeySchema,
} from '@xat/contracts';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { App, Deps } from '../../app-types.ts';
import type { Config } from '../../config.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import { newApiKey, sha256 } from '../../http/auth.ts';
import { fieldError, notFound } from '../../http/errors.ts';
import { pageOf, pageParams } from '../../http/pagination.ts';
import { publicBaseUrl } from '../../http/urls.ts';
import { collectorValues } from './collector-values.ts';
import {
  type CollectorRow,
  type CollectorValues,
  collectorStatus,
  deleteCollector,
  findCollector,
  insertCollector,
  specsSummary,
  updateCollector,
} from './collectors.queries.ts';
import { type FleetFilter, listCollectors, summarizeFleet } from './fleet.queries.ts';
import { findCollectorPerformance, toPerformanceDto } from './performance.queries.ts';

const num = (v: string | null) => (v === null ? null : Number(v));

export function toCollectorDto(
  row: CollectorRow & { ownerUsername?: string | null },
  config: Config,
  performance?: CollectorPerformance,
): Collector {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    status: collectorStatus(row.lastSeen, config.collectorOfflineSeconds),
    last_seen: row.lastSeen?.toISOString() ?? null,
    hostname: row.hostname,
    ip_address: row.ipAddress,
    os_name: row.osName,
    os_version: row.osVersion,
    kernel_version: row.kernelVersion,
    vm_brand: row.vmBrand as Collector['vm_brand'],
    processor_brand: row.processorBrand as Collector['processor_brand'],
    processor_model: row.processorModel,
    vcpus: row.vcpus,
    effective_cpus: row.effectiveCpus ?? null,
    dropped_samples: row.droppedSamples,
    clock_skew_seconds: row.clockSkewSeconds,
    jobs_polled_at: row.jobsPolledAt?.toISOString() ?? null,
    agent_capabilities: row.agentCapabilities,
    memory_gib: num(row.memoryGib),
    storage_gib: num(row.storageGib),
    storage_type: row.storageType as Collector['storage_type'],
    hourly_cost: num(row.hourlyCost),
    ...(performance ? { performance } : {}),
    pcd_address: row.pcdAddress,
    has_pcd_config: row.pcdAddress !== '',
    owner_username: row.ownerUsername ?? null,
    specs_summary: specsSummary(row),
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

const PERSON_FIELDS = [
  'name',
  'description',
  'vm_brand',
  'processor_brand',
  'processor_model',
  'vcpus',
  'memory_gib',
  'storage_gib',
  'storage_type',
  'hourly_cost',
  'pcd_address',
] as const;

function toValues(body: Partial<CollectorCreate>): CollectorValues {
  const values = collectorValues(body, PERSON_FIELDS);
  if (typeof values.name === 'string') values.name = values.name.trim();
  return values;
}

// The summary takes the list's filters; paging and ordering mean nothing to totals.
const FleetFilterQuery = Type.Object({
  status: CollectorListQuery.properties.status,
  search: CollectorListQuery.properties.search,
});

const duplicateName = () => fieldError('name', 'A collector with this name already exists.');
const tags = ['collectors'];

export function collectorRoutes(app: App, { db, config, guards }: Deps): void {
  const filterOf = (query: { status?: FleetFilter['status']; search?: string }): FleetFilter => ({
    ...(query.status ? { status: query.status } : {}),
    ...(query.search ? { search: query.search } : {}),
    offlineSeconds: config.collectorOfflineSeconds,
  });

  app.get(
    '/api/v1/collectors/',
    {
      preValidation: guards.user('viewer'),
      schema: {
        summary: 'List servers',
        description:
          'The tenant’s collectors (monitored servers) with status, specs and performance, a page at a time: filter by status, search by name, host or model, order by any column of `ordering`.',
        tags,
        querystring: CollectorListQuery,
        response: { 200: Page(CollectorSchema) },
      },
    },
    async (request) => {
      const page = pageParams(request.query);
      const { rows, count } = await listCollectors(db, request.tenant.id, {
        ...page,
        ...filterOf(request.query),
        ...(request.query.ordering ? { ordering: request.query.ordering } : {}),
      });
      return pageOf(
        request,
        page,
        count,
        rows.map((r) => toCollectorDto(r, config, toPerformanceDto(r))),
      );
    },
  );

  // Before `/:id/`, so "summary" is never read as an id.
  app.get(
    '/api/v1/collectors/summary/',
    {
      preValidation: guards.user('viewer'),
      schema: {
        summary: 'Fleet totals',
        tags,
        querystring: FleetFilterQuery,
        response: { 200: FleetSummarySchema },
        description: 'Totals of every server the `status` and `search` filters match, whatever page the list is on.',
      },
    },
    async (request) => {
      const s = await summarizeFleet(db, request.tenant.id, filterOf(request.query));
      return {
        count: s.count,
        connected: s.connected,
        disconnected: s.disconnected,
        pending: s.pending,
        vcpus: s.vcpus,
        effective_cpus: s.effectiveCpus,
        with_valid_results: s.withValidResults,
      };
    },
  );

  app.post(
    '/api/v1/collectors/',
    {
      preValidation: guards.user('member'),
      schema: {
        summary: 'Add a server',
        description:
          'Creates a collector and answers its API key once (only its hash is stored), with the one-line command that installs the agent with it.',
        tags,
        body: CollectorCreateSchema,
        response: { 201: CollectorCreatedSchema },
      },
    },
    async (request, reply) => {
      const apiKey = newApiKey();
      const values = { ...toValues(request.body), name: request.body.name.trim(), apiKeyHash: sha256(apiKey) };
      if (!values.name) throw fieldError('name', 'This field may not be blank.');
      let row: CollectorRow;
      try {
        row = await insertCollector(db, request.tenant.id, { ...values, ownerId: request.principal.id });
      } catch (err) {
        if (isUniqueViolation(err)) throw duplicateName();
        throw err;
      }
      const base = publicBaseUrl(request, config);
      reply.code(201);
      return {
        ...toCollectorDto({ ...row, ownerUsername: request.principal.username }, config),
        api_key: apiKey,
        install_command: `curl -fsSL ${base}/install.sh | API_KEY=${apiKey} bash`,
      };
    },
  );

  const findCollectorWithPerformance = async (tenantId: string, id: string) => {
    const [row, performance] = await Promise.all([
      findCollector(db, tenantId, id),
      findCollectorPerformance(db, tenantId, id),
    ]);
    return row && toCollectorDto(row, config, performance);
  };

  app.get(
    '/api/v1/collectors/:id/',
    {
      preValidation: guards.user('viewer'),
      schema: {
        summary: 'A server',
        description: 'One collector: its specs, status and performance (its valid load tests of the last days).',
        tags,
        params: IdParams,
        response: { 200: CollectorSchema },
      },
    },
    async (request) => {
      const row = await findCollectorWithPerformance(request.tenant.id, request.params.id);
      if (!row) throw notFound();
      return row;
    },
  );

  const update = async (request: FastifyRequest<{ Params: { id: string }; Body: Partial<CollectorCreate> }>) => {
    const values = toValues(request.body);
    if (values.name === '') throw fieldError('name', 'This field may not be blank.');
    try {
      const row = await updateCollector(db, request.tenant.id, request.params.id, values);
      if (!row) throw notFound();
    } catch (err) {
      if (isUniqueViolation(err)) throw duplicateName();
      throw err;
    }
    const found = await findCollectorWithPerformance(request.tenant.id, request.params.id);
    if (!found) throw notFound();
    return found;
  };
  for (const method of ['PUT', 'PATCH'] as const) {
    app.route({
      method,
      url: '/api/v1/collectors/:id/',
      preValidation: guards.user('member'),
      schema: {
        summary: method === 'PUT' ? 'Replace a server’s details' : 'Update a server’s details',
        description:
          'The fields people manage (name, description, specs, hourly cost, pcd address): all of them (PUT) or those sent (PATCH).',
        tags,
        params: IdParams,
        body: method === 'PUT' ? CollectorCreateSchema : CollectorPatchSchema,
        response: { 200: CollectorSchema },
      },
      handler: update,
    });
  }

  app.delete(
    '/api/v1/collectors/:id/',
    {
      preValidation: guards.user('member'),
      schema: {
        summary: 'Delete a server',
        description: 'Removes the collector with its metrics, load tests and files; its API key stops working.',
        tags,
        params: IdParams,
      },
    },
    async (request, reply) => {
      if (!(await deleteCollector(db, request.tenant.id, request.params.id))) throw notFound();
      return reply.code(204).send();
    },
  );

  app.post(
    '/api/v1/collectors/:id/regenerate-key/',
    {
      preValidation: guards.user('member'),
      schema: {
        summary: 'New API key',
        description:
          'Replaces the collector’s API key and answers the new one, once; the previous key stops working at once.',
        tags,
        params: IdParams,
        response: { 200: RegenerateKeySchema },
      },
    },
    async (request) => {
      const apiKey = newApiKey();
      const row = await updateCollector(db, request.tenant.id, request.params.id, { apiKeyHash: sha256(apiKey) });
      if (!row) throw notFound('Collector not found');
      return { api_key: apiKey, message: 'API key regenerated. The previous key no longer works.' };
    },
  );
}
