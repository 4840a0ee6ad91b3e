import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import type { Tenant } from '../modules/tenants/tenants.queries.ts';
import type { OpsScope } from './ops-access.ts';

const DURATION = 'xat_http_request_duration_seconds';

export interface ServerMetrics {
  readonly contentType: string;
  /** Prometheus text: for the operator everything (process figures, requests per tenant); for a tenant its requests. */
  render(scope: OpsScope): Promise<string>;
}

/**
 * Prometheus metrics of the server itself: process figures and request durations by route, status and tenant (the
 * tenant id, or `none` for requests served for no tenant: health probes, the dashboard's files, unknown hosts).
 */
export function registerServerMetrics(app: FastifyInstance): ServerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'xat_' });
  const duration = new Histogram({
    name: DURATION,
    help: 'HTTP request duration by method, route, status and tenant',
    labelNames: ['method', 'route', 'status', 'tenant'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [registry],
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    if (route === '/metrics') return;
    const tenant = (request.tenant as Tenant | undefined)?.id ?? 'none';
    duration.observe(
      { method: request.method, route, status: String(reply.statusCode), tenant },
      reply.elapsedTime / 1000,
    );
  });
  return {
    contentType: registry.contentType,
    async render(scope) {
      if (scope.kind === 'operator') return registry.metrics();
      // A tenant's own series only: the histogram's lines labelled with its id, and its HELP and TYPE.
      const label = `tenant="${scope.tenant.id}"`;
      const lines = (await registry.getSingleMetricAsString(DURATION)).split('\n');
      return `${lines.filter((line) => line.startsWith('#') || line.includes(label)).join('\n')}\n`;
    },
  };
}
