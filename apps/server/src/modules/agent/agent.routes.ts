import { MetricsUploadedSchema, type Register, RegisteredSchema, RegisterSchema } from '@xat/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App, Deps } from '../../app.ts';
import { ApiError, fieldErrors } from '../../http/errors.ts';
import { collectorValues } from '../collectors/collector-values.ts';
import { type CollectorValues, touchCollector, updateCollector } from '../collectors/collectors.queries.ts';
import { receiveUpload, saveUpload } from '../data/upload.ts';

/** Only the fields the agent sent: a left-out field keeps its stored value. */
export const registrationValues = (body: Register): CollectorValues =>
  collectorValues(body, [
    'hostname',
    'ip_address',
    'os_name',
    'os_version',
    'kernel_version',
    'vm_brand',
    'processor_brand',
    'processor_model',
    'vcpus',
    'memory_gib',
    'storage_gib',
    'storage_type',
  ]);

// The key was valid a moment ago: the collector was deleted (or its key rotated) during the request.
const collectorGone = () =>
  new ApiError(401, { detail: 'Invalid API key', code: 'authentication_failed' }, { 'www-authenticate': 'ApiKey' });

const tags = ['agent'];
const security = [{ apiKey: [] }];

export function agentRoutes(app: App, { db, config, guards }: Deps): void {
  // The key is checked before the body is validated, so a stranger learns nothing about the payload.
  app.post(
    '/api/v1/register/',
    {
      preValidation: guards.agent,
      schema: { tags, security, body: RegisterSchema, response: { 200: RegisteredSchema } },
    },
    async (request) => {
      const values = { ...registrationValues(request.body), lastSeen: new Date() };
      const row = await updateCollector(db, request.tenant.id, request.agent.collectorId, values);
      if (!row) throw collectorGone();
      return {
        status: 'registered' as const,
        collector_id: row.id,
        name: row.name,
        message: `Collector "${row.name}" registered from ${row.hostname}.`,
      };
    },
  );

  const uploadFile = async (request: FastifyRequest, reply: FastifyReply) => {
    const tenantId = request.tenant.id;
    const upload = await receiveUpload(request, { dataDir: config.dataDir, tenantId, maxBytes: config.maxUploadBytes });
    const row = await saveUpload(db, config.dataDir, tenantId, request.agent.collectorId, upload);
    await touchCollector(db, tenantId, request.agent.collectorId);
    return reply.code(201).send({ status: 'uploaded' as const, data_id: row.id, file_size: row.fileSize });
  };

  app.post(
    '/api/v1/metrics/',
    {
      preValidation: guards.agent,
      schema: {
        tags,
        security,
        consumes: ['multipart/form-data'],
        description: 'Multipart `file` (any name) and optional `description`: stored as collected data.',
        response: { 201: MetricsUploadedSchema },
      },
    },
    async (request, reply) => {
      // Dispatch on the kind of body; JSON metric batches will get their own branch.
      if (request.isMultipart()) return uploadFile(request, reply);
      throw fieldErrors({ file: ['No file was submitted.'] });
    },
  );
}
