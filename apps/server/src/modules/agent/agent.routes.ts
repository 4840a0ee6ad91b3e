import { type Register, RegisteredSchema, RegisterSchema } from '@xat/contracts';
import type { App, Deps } from '../../app-types.ts';
import { ApiError } from '../../http/errors.ts';
import { collectorValues } from '../collectors/collector-values.ts';
import { type CollectorValues, updateCollector } from '../collectors/collectors.queries.ts';

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
    'effective_cpus',
    'memory_gib',
    'storage_gib',
    'storage_type',
  ]);

// The key was valid a moment ago: the collector was deleted (or its key rotated) during the request.
const collectorGone = () =>
  new ApiError(401, { detail: 'Invalid API key', code: 'authentication_failed' }, { 'www-authenticate': 'ApiKey' });

const tags = ['agent'];
const security = [{ apiKey: [] }];

/** The agent's registration; what it sends afterwards comes in through metrics/ingest. */
export function agentRoutes(app: App, { db, guards }: Deps): void {
  // The key is checked before the body is validated, so a stranger learns nothing about the payload.
  app.post(
    '/api/v1/register/',
    {
      preValidation: guards.agent,
      schema: {
        summary: 'Agent: register its host',
        description:
          'The agent reports its host: name, address, OS, CPU, effective CPUs, memory, storage. Fields left out keep their stored values. The collector counts as seen.',
        tags,
        security,
        body: RegisterSchema,
        response: { 200: RegisteredSchema },
      },
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
}
