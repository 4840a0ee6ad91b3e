import {
  LoadTestImportSchema,
  MAX_RAW_MEASUREMENTS,
  MetricsBatchSchema,
  RawMeasurementSchema,
  TrickleRequestSchema,
  Uuid,
} from '@xat/contracts';
import { Type } from 'typebox';
import { SEED_EXAMPLES } from './openapi-examples.ts';

/** One documented answer of an operation (what @fastify/swagger takes under `response`). */
export type Answer = Record<string, unknown> & { description: string };

/** A `{detail, code}` answer, with the headers it carries (name → what it says). */
export function errorAnswer(description: string, headers: Record<string, string> = {}): Answer {
  return {
    description,
    ...(Object.keys(headers).length
      ? {
          headers: Object.fromEntries(
            Object.entries(headers).map(([name, about]) => [name, { type: 'string', description: about }]),
          ),
        }
      : {}),
    content: { 'application/json': { schema: { $ref: 'ErrorBody#' } } },
  };
}

const throttled = (why: string) => errorAnswer(why, { 'Retry-After': 'Seconds to wait' });
const busyIngesting = throttled('The server is busy ingesting other uploads: retry after Retry-After seconds.');

/** What a route's options cannot tell: bodies checked by hand, answers given from inside a handler, examples. */
export interface OperationExtras {
  /** Documented in place of the route's own body schema (which is absent when the handler validates by hand). */
  readonly body?: Record<string, unknown>;
  /** The request body of the seed flow, shown as the body's example. */
  readonly example?: unknown;
  readonly answers?: Record<string, object>;
  readonly security?: Record<string, string[]>[];
}

const RawRoundsSchema = Type.Object(
  { measurements: Type.Array(RawMeasurementSchema, { maxItems: MAX_RAW_MEASUREMENTS }) },
  { description: 'Raw /proc rounds of the original format, chained with the previous request (also under `metrics`)' },
);

const PartlyStoredSchema = Type.Object(
  { samples: Type.Array(Type.String()), written: Type.Integer(), duplicates: Type.Integer() },
  { additionalProperties: true },
);

const uploadForm = (about: string, fields: Record<string, unknown> = {}) =>
  Type.Object({
    file: Type.String({ format: 'binary', description: about }),
    description: Type.Optional(Type.String({ maxLength: 200 })),
    ...fields,
  });

const HealthSchema = Type.Object({
  status: Type.Union([Type.Literal('healthy'), Type.Literal('degraded'), Type.Literal('unhealthy')]),
  timestamp: Type.String({ format: 'date-time' }),
  version: Type.String(),
  database: Type.String({ description: 'connected, unavailable (it should come back) or error' }),
  response_time_ms: Type.Number(),
  details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});

/** A success answer that is no JSON: its media types, each a string (or bytes). */
const fileAnswer = (description: string, types: string[], format?: 'binary') => ({
  description,
  content: Object.fromEntries(types.map((type) => [type, { schema: Type.String(format ? { format } : {}) }])),
});

/** Keyed by the first method and the route's URL as registered (`/api/v1/users/:id/`). */
export const OPERATION_EXTRAS: Record<string, OperationExtras> = {
  'POST /api/v1/auth/token/': {
    example: SEED_EXAMPLES.token,
    answers: {
      401: errorAnswer('No active account with these credentials (code no_active_account).'),
      429: throttled('Too many failed sign-ins from this address, for this user or for this tenant.'),
    },
  },
  'POST /api/v1/auth/token/refresh/': {
    answers: { 401: errorAnswer('The refresh token is invalid, expired, revoked or was already used.') },
  },
  'POST /api/v1/auth/token/verify/': {
    answers: {
      200: { description: 'The token is valid: an empty object.', ...Type.Object({}) },
      401: errorAnswer('The token is invalid or expired (code token_not_valid).'),
    },
  },
  'POST /api/v1/auth/password/change/': {
    answers: { 429: throttled('Too many wrong old passwords: wait Retry-After seconds.') },
  },
  'POST /api/v1/auth/register/': {
    answers: {
      201: Type.Object(
        {
          id: Uuid,
          username: Type.String(),
          email: Type.String(),
          first_name: Type.String(),
          last_name: Type.String(),
        },
        { description: 'The new account (member role); sign in with POST /api/v1/auth/token/.' },
      ),
      429: throttled('Too many registrations from this address.'),
    },
  },
  'POST /api/v1/collectors/': { example: SEED_EXAMPLES.collectorCreate },
  'POST /api/v1/register/': { example: SEED_EXAMPLES.register },
  'POST /api/v1/loadtest/': { example: SEED_EXAMPLES.loadTestCreate },
  'POST /api/v1/metrics/': {
    body: {
      content: {
        'application/json': {
          schema: {
            oneOf: [MetricsBatchSchema, RawRoundsSchema, RawMeasurementSchema],
            examples: [SEED_EXAMPLES.metricsBatch, SEED_EXAMPLES.rawRounds],
          },
        },
        'multipart/form-data': {
          schema: uploadForm('A pcc collection (NDJSON, optionally gzip) or a portal CSV'),
        },
      },
    },
    answers: {
      400: {
        description:
          'Invalid body (`{field: [messages]}`), or a batch some samples of which can never be stored: those are ' +
          'named under `samples` (not to be retried), and the others were stored (`written`, `duplicates`).',
        content: { 'application/json': { schema: { anyOf: [{ $ref: 'FieldErrors#' }, PartlyStoredSchema] } } },
      },
      429: busyIngesting,
    },
  },
  'POST /v1/trickle': {
    body: { content: { 'application/json': { schema: TrickleRequestSchema } } },
    answers: {
      401: {
        description: 'Missing (`{error}`) or unknown (`{detail}`) API key: the original protocol’s bodies.',
        content: {
          'application/json': {
            schema: Type.Union([Type.Object({ error: Type.String() }), Type.Object({ detail: Type.String() })]),
          },
        },
      },
      429: busyIngesting,
    },
  },
  'POST /api/v1/collectors/:id/data/': {
    body: { content: { 'multipart/form-data': { schema: uploadForm('The file to keep') } } },
  },
  'POST /api/v1/loadtest/import/': {
    body: {
      content: {
        'application/x-www-form-urlencoded': { schema: LoadTestImportSchema },
        'multipart/form-data': {
          schema: Type.Object({
            file: Type.String({ format: 'binary', description: 'perfcpumeasure output' }),
            collector: Uuid,
            benchmark: Type.Optional(Uuid),
            notes: Type.Optional(Type.String({ maxLength: 10_000 })),
          }),
        },
      },
    },
  },
  'GET /install.sh': {
    answers: { 200: fileAnswer('The installer, this server’s URL filled in.', ['text/x-shellscript']) },
  },
  'GET /downloads/pcc.mjs': {
    answers: {
      200: fileAnswer('The agent, one ES module.', ['text/javascript']),
      503: errorAnswer('The agent bundle is not built on this server (`npm run build -w @xat/pcc`).'),
    },
  },
  'GET /api/v1/data/:id/download/': {
    answers: {
      200: fileAnswer('The file as uploaded (its type by its extension).', ['application/octet-stream'], 'binary'),
    },
  },
  'GET /api/v1/collectors/:id/metrics/export/': {
    answers: {
      200: fileAnswer('The series as an attachment: csv, json or a pcprocess zip.', [
        'text/csv',
        'application/json',
        'application/zip',
      ]),
    },
  },
  'GET /api/v1/': {
    answers: {
      200: Type.Object(
        {
          name: Type.String(),
          version: Type.String(),
          status: Type.String(),
          documentation: Type.String(),
          schema: Type.String(),
          endpoints: Type.Record(Type.String(), Type.Unknown()),
        },
        { description: 'Where the documentation and each group of endpoints are.' },
      ),
    },
  },
  'GET /health/': {
    // Public; `?detail=true` only for the operator or a tenant's admin.
    security: [{}, { jwt: [] }, { opsToken: [] }],
    answers: {
      200: { ...HealthSchema, description: 'Healthy; `details` with `detail=true`.' },
      401: errorAnswer('`detail=true` without the operator’s token or address, or a tenant admin’s access token.'),
      403: errorAnswer('`detail=true` with the access token of someone who is not an admin.'),
      404: errorAnswer('`detail=true` on a Host no tenant serves.'),
      503: { ...HealthSchema, description: 'The database is unavailable (degraded, with Retry-After) or broken.' },
    },
  },
};
