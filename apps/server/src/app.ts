import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import jwt from '@fastify/jwt';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import { type TypeBoxTypeProvider, TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import { Settings } from 'typebox/system';
import type { App, Deps } from './app-types.ts';
import type { Config } from './config.ts';
import type { Database } from './db/client.ts';
import { createGuards } from './http/auth.ts';
import { registerErrorHandler } from './http/errors.ts';
import { registerFormBody } from './http/form-body.ts';
import { registerJsonBodyParser } from './http/json-body.ts';
import { trackMethodsOfPaths } from './http/method-not-allowed.ts';
import { registerServerMetrics } from './http/metrics.ts';
import { registerOpenApi } from './http/openapi.ts';
import { registerRequestScope } from './http/request-scope.ts';
import { registerTenantResolution } from './http/tenant.ts';
import { agentRoutes } from './modules/agent/agent.routes.ts';
import { authRoutes } from './modules/auth/auth.routes.ts';
import { benchmarkRunRoutes } from './modules/benchmark-runs/benchmark-runs.routes.ts';
import { benchmarkCompareRoutes } from './modules/benchmark-runs/compare.routes.ts';
import { benchmarkRoutes } from './modules/benchmarks/benchmarks.routes.ts';
import { collectorRoutes } from './modules/collectors/collectors.routes.ts';
import { dataRoutes } from './modules/data/data.routes.ts';
import { downloadRoutes } from './modules/downloads/downloads.routes.ts';
import { jobsModule } from './modules/jobs/jobs.module.ts';
import { loadTestCompareRoutes } from './modules/loadtests/compare.routes.ts';
import { loadTestRoutes } from './modules/loadtests/loadtests.routes.ts';
import { metaRoutes } from './modules/meta/meta.routes.ts';
import { ingestRoutes } from './modules/metrics/ingest/ingest.routes.ts';
import { metricsQueryRoutes } from './modules/metrics/query/metrics-query.routes.ts';
import { configureIngestFor } from './modules/metrics/storage/ingest-queue.ts';
import { registerMetricsMaintenance } from './modules/metrics/storage/maintenance.ts';
import { nettestRoutes } from './modules/nettest/nettest.routes.ts';
import { recordingRoutes } from './modules/recordings/recordings.routes.ts';
import { referenceRoutes } from './modules/reference/reference.routes.ts';
import { tenantRoutes } from './modules/tenants/tenant.routes.ts';
import { userRoutes } from './modules/users/users.routes.ts';
import { webRoutes } from './modules/web/web.routes.ts';
import { VERSION } from './version.ts';

// Report every bad field of a request, not TypeBox's default first 8 issues.
Settings.Set({ maxErrors: 200 });

const REDACT = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.apikey',
  'req.headers.cookie',
  '*.password',
  '*.refresh',
  '*.access',
  '*.api_key',
];

/** Credentials sent in a query string are never written to the logs. */
export const redactUrl = (url: string) =>
  url.replace(/([?&](?:api_?key|token|access|refresh)=)[^&]*/gi, '$1[redacted]');

/** Health polls (a load balancer or `docker` every few seconds) log at debug; every other request at info. */
class QuietHealthPolls extends LogController {
  override incomingRequest(request: FastifyRequest, reply: FastifyReply): void {
    if (request.routeOptions.url === '/health/') request.log.debug({ req: request }, 'incoming request');
    else super.incomingRequest(request, reply);
  }
  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (!error && request.routeOptions.url === '/health/')
      reply.log.debug({ res: reply, responseTime: reply.elapsedTime }, 'request completed');
    else super.requestCompleted(error, request, reply);
  }
}

export interface BuildOptions {
  config: Config;
  database: Database;
  /** false for none; otherwise the level and stream (default: LOG_LEVEL, stdout). Redaction always applies. */
  logger?: false | { level?: string; stream?: NodeJS.WritableStream };
}

/** Builds the whole app (no port, no globals): what main.ts listens with and what every test injects into. */
export async function buildApp({ config, database, logger }: BuildOptions): Promise<App> {
  const app = Fastify({
    logger:
      logger === false
        ? false
        : {
            level: logger?.level ?? config.logLevel,
            redact: { paths: REDACT, censor: '[redacted]' },
            serializers: {
              req: (req) => ({
                method: req.method,
                url: redactUrl(req.url),
                host: req.host,
                remoteAddress: req.ip,
                remotePort: req.socket?.remotePort,
              }),
            },
            ...(logger?.stream
              ? { stream: logger.stream }
              : process.stdout.isTTY
                ? { transport: { target: 'pino-pretty', options: { singleLine: true } } }
                : {}),
          },
    logController: new QuietHealthPolls(),
    bodyLimit: 10 * 1024 * 1024,
    // Errors raised before routing (malformed URL encoding, bad content-type header) in the same shape as all others.
    frameworkErrors: (error, _request, reply) => {
      const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 400;
      (reply as FastifyReply).code(status).send({ detail: error.message, code: 'bad_request' });
    },
    trustProxy: config.trustProxy,
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as App;
  app.setValidatorCompiler(TypeBoxValidatorCompiler);
  registerErrorHandler(app);
  // First: every hook and handler after it queries under the request's tenant (row-level security).
  registerRequestScope(app);
  const registerMethodNotAllowed = trackMethodsOfPaths(app);
  registerJsonBodyParser(app);

  await app.register(helmet, { contentSecurityPolicy: false, crossOriginResourcePolicy: { policy: 'same-site' } });
  await app.register(cors, {
    origin: config.corsAllowedOrigins.length ? [...config.corsAllowedOrigins] : false,
    credentials: true,
  });
  await app.register(jwt, {
    secret: config.secretKey,
    sign: { algorithm: 'HS256' },
    verify: { algorithms: ['HS256'], requiredClaims: ['exp', 'iat', 'jti', 'token_type', 'user_id', 'tid'] },
  });
  await app.register(rateLimit, { global: false });
  await app.register(multipart, { limits: { fileSize: config.maxUploadBytes, files: 1, fields: 20 } });
  await registerFormBody(app);
  await registerOpenApi(app, VERSION);
  const serverMetrics = registerServerMetrics(app);

  app.decorateRequest('tenant');
  app.decorateRequest('principal');
  app.decorateRequest('agent');
  const resolveTenant = registerTenantResolution(app, database.db, config);

  configureIngestFor(database);
  const deps: Deps = { config, database, db: database.db, guards: createGuards(app, database.db) };
  // The whole API surface, registered explicitly.
  metaRoutes(app, deps, { serverMetrics, resolveTenant });
  authRoutes(app, deps);
  userRoutes(app, deps);
  tenantRoutes(app, deps);
  collectorRoutes(app, deps);
  agentRoutes(app, deps);
  ingestRoutes(app, deps);
  benchmarkRoutes(app, deps);
  benchmarkRunRoutes(app, deps);
  benchmarkCompareRoutes(app, deps);
  loadTestRoutes(app, deps);
  loadTestCompareRoutes(app, deps);
  jobsModule(app, deps);
  dataRoutes(app, deps);
  metricsQueryRoutes(app, deps);
  nettestRoutes(app, deps);
  recordingRoutes(app, deps);
  referenceRoutes(app, deps);
  registerMetricsMaintenance(app, deps);
  app.get('/api/v1/schema/', { schema: { hide: true } }, async () => app.swagger());
  downloadRoutes(app, deps);
  // Last: the dashboard and its SPA fallback, which never shadows the API.
  webRoutes(app, deps);
  // After every route: 405 with Allow for the methods a path lacks.
  registerMethodNotAllowed();
  return app;
}
