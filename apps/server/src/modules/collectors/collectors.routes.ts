import {
  type Collector,
  type CollectorCreate,
  CollectorCreatedSchema,
  CollectorCreateSchema,
  CollectorListQuery,
  CollectorPatchSchema,
  CollectorSchema,
  IdParams,
  Page,
  RegenerateKeySchema,
} from '@xat/contracts';
import type { FastifyRequest } from 'fastify';
import type { App, Deps } from '../../app.ts';
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
  listCollectors,
  specsSummary,
  updateCollector,
} from './collectors.queries.ts';

const num = (v: string | null) => (v === null ? null : Number(v));

export function toCollectorDto(row: CollectorRow & { ownerUsername?: string | null }, config: Config): Collector {
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
    memory_gib: num(row.memoryGib),
    storage_gib: num(row.storageGib),
    storage_type: row.storageType as Collector['storage_type'],
    hourly_cost: num(row.hourlyCost),
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

const duplicateName = () => fieldError('name', 'A collector with this name already exists.');
const tags = ['collectors'];

export function collectorRoutes(app: App, { db, config, guards }: Deps): void {
  app.get(
    '/api/v1/collectors/',
    {
      preValidation: guards.user('viewer'),
      schema: { tags, querystring: CollectorListQuery, response: { 200: Page(CollectorSchema) } },
    },
    async (request) => {
      const page = pageParams(request.query);
      const { rows, count } = await listCollectors(db, request.tenant.id, {
        ...page,
        ...(request.query.status ? { status: request.query.status } : {}),
        ...(request.query.search ? { search: request.query.search } : {}),
        offlineSeconds: config.collectorOfflineSeconds,
      });
      return pageOf(
        request,
        page,
        count,
        rows.map((r) => toCollectorDto(r, config)),
      );
    },
  );

  app.post(
    '/api/v1/collectors/',
    {
      preValidation: guards.user('member'),
      schema: { tags, body: CollectorCreateSchema, response: { 201: CollectorCreatedSchema } },
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

  app.get(
    '/api/v1/collectors/:id/',
    { preValidation: guards.user('viewer'), schema: { tags, params: IdParams, response: { 200: CollectorSchema } } },
    async (request) => {
      const row = await findCollector(db, request.tenant.id, request.params.id);
      if (!row) throw notFound();
      return toCollectorDto(row, config);
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
    const found = await findCollector(db, request.tenant.id, request.params.id);
    if (!found) throw notFound();
    return toCollectorDto(found, config);
  };
  for (const method of ['PUT', 'PATCH'] as const) {
    app.route({
      method,
      url: '/api/v1/collectors/:id/',
      preValidation: guards.user('member'),
      schema: {
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
    { preValidation: guards.user('member'), schema: { tags, params: IdParams } },
    async (request, reply) => {
      if (!(await deleteCollector(db, request.tenant.id, request.params.id))) throw notFound();
      return reply.code(204).send();
    },
  );

  app.post(
    '/api/v1/collectors/:id/regenerate-key/',
    {
      preValidation: guards.user('member'),
      schema: { tags, params: IdParams, response: { 200: RegenerateKeySchema } },
    },
    async (request) => {
      const apiKey = newApiKey();
      const row = await updateCollector(db, request.tenant.id, request.params.id, { apiKeyHash: sha256(apiKey) });
      if (!row) throw notFound('Collector not found');
      return { api_key: apiKey, message: 'API key regenerated. The previous key no longer works.' };
    },
  );
}
