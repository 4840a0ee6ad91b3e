import { Type } from 'typebox';
import type { App, Deps } from '../../app.ts';
import { VERSION } from '../../app.ts';
import { pingDatabase } from '../../db/client.ts';

const HealthQuery = Type.Object({ detail: Type.Optional(Type.Boolean()) });

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

/** Health, the endpoint map, and nothing else that needs no credentials. */
export function metaRoutes(app: App, { database, config }: Deps): void {
  app.get('/health/', { schema: { tags: ['meta'], querystring: HealthQuery } }, async (request, reply) => {
    const started = performance.now();
    let database_status = 'connected';
    try {
      await pingDatabase(database.db);
    } catch (err) {
      request.log.error({ err }, 'health check: database unreachable');
      database_status = 'error: database unreachable';
    }
    const healthy = database_status === 'connected';
    reply.code(healthy ? 200 : 503);
    return {
      status: healthy ? 'healthy' : 'unhealthy',
      timestamp: new Date().toISOString(),
      version: VERSION,
      database: database_status,
      response_time_ms: Math.round((performance.now() - started) * 100) / 100,
      ...(request.query.detail
        ? { details: { debug_mode: config.debug, database_engine: database.kind, node_version: process.version } }
        : {}),
    };
  });

  const map = async () => ({
    name: 'XAT API',
    version: VERSION,
    status: 'running',
    documentation: '/api/docs/',
    schema: '/api/v1/schema/',
    endpoints: ENDPOINTS,
  });
  app.get('/api/v1/', { schema: { tags: ['meta'] } }, map);
}
