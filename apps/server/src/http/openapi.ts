import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { describeOperation } from './openapi-operation.ts';

/**
 * The OpenAPI document (GET /api/v1/schema/, UI at /api/docs/). Routes carry their own summary, description and
 * success schemas; describeOperation adds, from each route's options, what every route shares: `security` from its
 * guard, the error answers, 204 for DELETE, form bodies and the bodies routes validate by hand.
 */
export async function registerOpenApi(app: FastifyInstance, version: string): Promise<void> {
  // Shared by reference, so each error shape is written once in the document (components.schemas).
  app.addSchema({
    $id: 'ErrorBody',
    ...Type.Object(
      { detail: Type.String(), code: Type.String() },
      { additionalProperties: true, description: 'An error other than validation: what went wrong and a stable code' },
    ),
  });
  app.addSchema({
    $id: 'FieldErrors',
    ...Type.Record(Type.String(), Type.Array(Type.String()), {
      description: 'Validation errors, DRF-style: every bad field with its messages (non_field_errors for the whole)',
    }),
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'XAT API',
        version,
        description:
          'Measure and compare the performance of servers and VMs. People sign in for a JWT ' +
          '(`POST /api/v1/auth/token/`); agents send their collector API key. Bodies are JSON or form-encoded ' +
          '(`application/x-www-form-urlencoded`); errors are `{field: [messages]}` for validation and ' +
          '`{detail, code}` otherwise. A method a path does not have answers 405 with an `Allow` header.',
      },
      components: {
        securitySchemes: {
          jwt: {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'JWT',
            description: 'A person: the access token from POST /api/v1/auth/token/ (15 minutes; refresh it).',
          },
          apiKey: {
            type: 'apiKey',
            in: 'header',
            name: 'X-API-Key',
            description: 'An agent: its collector API key (shown once, when the collector is created).',
          },
          apikeyHeader: {
            type: 'apiKey',
            in: 'header',
            name: 'apikey',
            description: 'An agent: the collector API key in the header the original pcc uses.',
          },
          agentAuthorization: {
            type: 'apiKey',
            in: 'header',
            name: 'Authorization',
            description: 'An agent: `Authorization: ApiKey <key>` (or `Bearer <key>`).',
          },
          opsToken: {
            type: 'http',
            scheme: 'bearer',
            description: 'The operator: METRICS_TOKEN (or a client address in OPS_ALLOWED_IPS, no header).',
          },
        },
      },
    },
    transform: describeOperation,
    // Shared schemas under their own names (components.schemas.ErrorBody), not def-0.
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
}
