import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { App, Deps } from '../../app-types.ts';
import { pingDatabase } from '../../db/client.ts';
import { isDatabaseUnavailable } from '../../db/errors.ts';
import { DATABASE_RETRY_AFTER_SECONDS } from '../../http/errors.ts';
import type { ServerMetrics } from '../../http/metrics.ts';
import { createOpsAccess } from '../../http/ops-access.ts';
import { VERSION } from '../../version.ts';
import type { Tenant } from '../tenants/tenants.queries.ts';

const HealthQuery = Type.Object({ detail: Type.Optional(Type.Boolean()) });

/** A probe must answer quickly even when the database hangs (a black-holed network): past this it counts as away. */
const PING_TIMEOUT_MS = 2_000;

/** 'connected', 'unavailable' (unreachable or too slow: it should come back), or 'error' (anything else). */
async function databaseStatus(ping: () => Promise<void>): Promise<{ status: string; err?: unknown }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('Connection timeout: no answer to the health ping')), PING_TIMEOUT_MS);
  });
  try {
    await Promise.race([ping(), timeout]);
    return { status: 'connected' };
  } catch (err) {
    return { status: isDatabaseUnavailable(err) ? 'unavailable' : 'error', err };
  } finally {
    clearTimeout(timer);
  }
}

const ENDPOINTS = {
  auth: {
    token: '/api/v1/auth/token/',
    refresh: '/api/v1/auth/token/refresh/',
    verify: '/api/v1/auth/token/verify/',
    user: '/api/v1/auth/user/',
    logout: '/api/v1/auth/logout/',
    password_change: '/api/v1/auth/password/change/',
    register: '/api/v1/auth/register/',
  },
  users: '/api/v1/users/',
  collectors: '/api/v1/collectors/',
  pcc: { register: '/api/v1/register/', metrics: '/api/v1/metrics/' },
  benchmarks: '/api/v1/benchmarks/',
  benchmark_stats: '/api/v1/benchmarks/stats/',
  loadtest: '/api/v1/loadtest/',
  loadtest_compare: '/api/v1/loadtest/compare/',
  loadtest_import: '/api/v1/loadtest/import/',
  data: '/api/v1/data/',
  health: '/health/',
  metrics: '/metrics',
};

/**
 * Health (public and cheap; its details, like /metrics, for the operator or a tenant's admin only: see
 * http/ops-access.ts) and the endpoint map.
 */
export function metaRoutes(
  app: App,
  { database, config, guards }: Deps,
  ops: { serverMetrics: ServerMetrics; resolveTenant: (request: FastifyRequest) => Promise<Tenant> },
): void {
  const opsScope = createOpsAccess(app, { ...config, guards, resolveTenant: ops.resolveTenant });

  app.get(
    '/health/',
    {
      schema: {
        summary: 'Health of the server and its database',
        description:
          'Public and cheap, for load balancers: 200 when healthy; 503 when the database is away (degraded, with Retry-After) or broken. `detail=true` adds the engine and versions, for the operator or a tenant’s admin only.',
        tags: ['meta'],
        querystring: HealthQuery,
      },
    },
    async (request, reply) => {
      if (request.query.detail) await opsScope(request, reply);
      const started = performance.now();
      const database_status = await databaseStatus(() => pingDatabase(database.db));
      if (database_status.err) request.log.error({ err: database_status.err }, 'health check: database unreachable');
      const healthy = database_status.status === 'connected';
      const degraded = database_status.status === 'unavailable';
      reply.code(healthy ? 200 : 503);
      // Away, not broken: the server keeps running and recovers by itself when the database is back.
      if (degraded) reply.header('retry-after', String(DATABASE_RETRY_AFTER_SECONDS));
      return {
        status: healthy ? 'healthy' : degraded ? 'degraded' : 'unhealthy',
        timestamp: new Date().toISOString(),
        version: VERSION,
        database: database_status.status,
        response_time_ms: Math.round((performance.now() - started) * 100) / 100,
        ...(request.query.detail
          ? { details: { debug_mode: config.debug, database_engine: database.kind, node_version: process.version } }
          : {}),
      };
    },
  );

  const map = async () => ({
    name: 'XAT API',
    version: VERSION,
    status: 'running',
    documentation: '/api/docs/',
    schema: '/api/v1/schema/',
    endpoints: ENDPOINTS,
  });
  app.get(
    '/api/v1/',
    {
      schema: {
        summary: 'Map of the API',
        description: 'Name, version, where the documentation and the OpenAPI document are, and each group’s path.',
        tags: ['meta'],
      },
    },
    map,
  );

  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    const scope = await opsScope(request, reply);
    reply.type(ops.serverMetrics.contentType);
    return ops.serverMetrics.render(scope);
  });
}
