import type { FastifyError, FastifyInstance } from 'fastify';
import { isDatabaseUnavailable } from '../db/errors.ts';

/** DRF-shaped error bodies: `{detail, code}` for most, `{field: [messages]}` for validation. */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly body: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof body.detail === 'string' ? body.detail : `HTTP ${statusCode}`);
  }
}

export const notFound = (detail = 'Not found.') => new ApiError(404, { detail, code: 'not_found' });
export const unauthorized = (detail = 'Authentication credentials were not provided.', code = 'not_authenticated') =>
  new ApiError(401, { detail, code }, { 'www-authenticate': 'Bearer realm="api"' });
export const forbidden = (detail = 'You do not have permission to perform this action.') =>
  new ApiError(403, { detail, code: 'permission_denied' });
export const throttled = (retryAfterSeconds: number, detail = 'Too many requests. Try again later.') =>
  new ApiError(
    429,
    { detail, code: 'throttled' },
    { 'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))) },
  );
/** Seconds a client is told to wait (Retry-After) while the database is away; agents back off by it. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;
export const databaseUnavailable = () =>
  new ApiError(
    503,
    { detail: 'The database is unavailable. Try again shortly.', code: 'database_unavailable' },
    { 'retry-after': String(DATABASE_RETRY_AFTER_SECONDS) },
  );
export const fieldErrors = (errors: Record<string, string[]>) => new ApiError(400, errors);
export const fieldError = (field: string, message: string) => fieldErrors({ [field]: [message] });
/** Throws the 400 of every field gathered in `errors`, if there is any. */
export function throwIfAny(errors: Record<string, string[]>): void {
  if (Object.keys(errors).length) throw fieldErrors(errors);
}

interface SchemaIssue {
  keyword: string;
  instancePath: string;
  schemaPath: string;
  message?: string;
  params: Record<string, unknown>;
}

const FRIENDLY: Record<string, (p: Record<string, unknown>) => string> = {
  required: () => 'This field is required.',
  enum: (p) => `Must be one of: ${(p.allowedValues as unknown[]).join(', ')}.`,
  maxLength: (p) => `Ensure this field has no more than ${p.limit} characters.`,
  minLength: (p) => `Ensure this field has at least ${p.limit} characters.`,
  minimum: (p) => `Ensure this value is greater than or equal to ${p.limit}.`,
  maximum: (p) => `Ensure this value is less than or equal to ${p.limit}.`,
  exclusiveMinimum: (p) => `Ensure this value is greater than ${p.limit}.`,
  minItems: (p) => `Ensure this list has at least ${p.limit} items.`,
  maxItems: (p) => `Ensure this list has no more than ${p.limit} items.`,
  format: (p) => `Enter a valid ${p.format}.`,
  pattern: () => 'Enter a valid value.',
};

const typeMessage = (type: unknown) => `Must be ${/^[aeiou]/.test(String(type)) ? 'an' : 'a'} ${String(type)}.`;
const issueMessage = (issue: SchemaIssue) =>
  issue.keyword === 'type'
    ? typeMessage(issue.params.type)
    : (FRIENDLY[issue.keyword]?.(issue.params) ?? issue.message ?? 'Invalid value.');

/**
 * What to say about a failed union (`Nullable(Integer({maximum}))` and the like): when the value has the type of
 * one branch, that branch's own complaint ("less than or equal to 100000"); otherwise the types it may have.
 */
function describeUnion(issues: readonly SchemaIssue[], path: string): string[] {
  const prefix = `${path}/anyOf/`;
  const branches = new Map<string, SchemaIssue[]>();
  for (const issue of issues) {
    if (!issue.schemaPath.startsWith(prefix)) continue;
    const branch = issue.schemaPath.slice(prefix.length).split('/')[0] ?? '';
    branches.set(branch, [...(branches.get(branch) ?? []), issue]);
  }
  const types: string[] = [];
  for (const [branch, found] of branches) {
    const root = `${prefix}${branch}`;
    const nested = found.find((i) => i.keyword === 'anyOf' && i.schemaPath === root);
    if (nested) {
      const inner = describeUnion(found, root);
      if (!inner[0]?.startsWith('Must be ')) return inner;
      types.push(...inner.map((m) => m.slice('Must be '.length, -1)));
      continue;
    }
    const typeIssue = found.find((i) => i.keyword === 'type' && i.schemaPath === root);
    if (!typeIssue) return found.map(issueMessage);
    types.push(String(typeIssue.params.type));
  }
  return [types.length ? `Must be ${[...new Set(types)].join(' or ')}.` : 'Invalid value.'];
}

/** Turns schema-validation issues into DRF's `{field: [messages]}`, one entry per bad field. */
export function issuesToFieldErrors(
  issues: readonly SchemaIssue[],
  context: string | undefined,
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const add = (field: string, message: string) => {
    const list = out[field] ?? [];
    if (!list.includes(message)) list.push(message);
    out[field] = list;
  };
  const unions = new Set(issues.filter((i) => i.keyword === 'anyOf').map((i) => i.schemaPath));
  const fieldOf = (path: string) => path.replace(/^\//, '').replaceAll('/', '.') || (context ?? 'non_field_errors');
  for (const issue of issues) {
    if (issue.keyword === 'required') {
      const missing = (issue.params.requiredProperties as string[] | undefined) ?? [];
      const prefix = issue.instancePath ? `${fieldOf(issue.instancePath)}.` : '';
      for (const name of missing) add(prefix + name, FRIENDLY.required?.({}) ?? 'Required.');
      continue;
    }
    if (issue.keyword === 'boolean' || issue.keyword === 'additionalProperties') {
      if (issue.keyword === 'boolean') add(fieldOf(issue.instancePath), 'Unknown field.');
      continue;
    }
    const parentUnion = [...unions].find((u) => issue.schemaPath.startsWith(`${u}/anyOf/`));
    if (parentUnion) continue;
    if (issue.keyword === 'anyOf') {
      for (const message of describeUnion(issues, issue.schemaPath)) add(fieldOf(issue.instancePath), message);
      continue;
    }
    add(fieldOf(issue.instancePath), issueMessage(issue));
  }
  return out;
}

const CODE_BY_STATUS: Record<number, string> = {
  400: 'parse_error',
  401: 'not_authenticated',
  403: 'permission_denied',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'throttled',
};

/** SQLSTATE class 22 (data exception: NUL byte in text, value out of range, …): the client's input, not our fault. */
function isDataException(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^22[0-9A-Z]{3}$/.test(code)) return true;
  }
  return false;
}

/**
 * busboy's complaints about a malformed multipart body (a boundary that never closes, a broken part header). It gives
 * them no code; @fastify/multipart itself tells them apart by this same text.
 */
const MALFORMED_MULTIPART =
  /^(Unexpected end of multipart data|Malformed part header|Multipart: Boundary not found|\w+ terminated early due to unexpected end of multipart data)$/;

/** The one error handler. Register it before any route: Fastify applies it only to routes registered later. */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError & { validation?: SchemaIssue[] }, request, reply) => {
    if (error instanceof ApiError) {
      return reply.code(error.statusCode).headers(error.headers).send(error.body);
    }
    if (error.validation) {
      return reply.code(400).send(issuesToFieldErrors(error.validation, error.validationContext));
    }
    if (isDatabaseUnavailable(error)) {
      // Safe to retry: an ingest flush is one statement (all or nothing) and a retried batch is deduplicated.
      request.log.warn({ err: error }, 'database unavailable');
      const answer = databaseUnavailable();
      return reply.code(answer.statusCode).headers(answer.headers).send(answer.body);
    }
    if (/^multipart\//i.test(request.headers['content-type'] ?? '') && MALFORMED_MULTIPART.test(error.message)) {
      return reply.code(400).send({ detail: `Malformed multipart body: ${error.message}.`, code: 'parse_error' });
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      let detail = error.message;
      if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || error.code === 'FST_REQ_FILE_TOO_LARGE')
        detail = 'Request body is too large.';
      if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
        detail = `Unsupported media type "${request.headers['content-type'] ?? ''}".`;
      if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || (/JSON/.test(error.message) && status === 400))
        detail = `JSON parse error - ${error.message}`;
      return reply.code(status).send({ detail, code: CODE_BY_STATUS[status] ?? 'error' });
    }
    if (isDataException(error)) {
      request.log.warn({ err: error }, 'database refused a value from the request');
      return reply.code(400).send({ detail: 'A value in the request is invalid.', code: 'invalid' });
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.code(500).send({ detail: 'A server error occurred.', code: 'server_error' });
  });
  app.setNotFoundHandler((_request, reply) => reply.code(404).send({ detail: 'Not found.', code: 'not_found' }));
}
