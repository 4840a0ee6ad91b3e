import type { FastifySchema, RouteOptions } from 'fastify';
import { type GuardTag, guardTagOf } from './guard-tags.ts';
import { type Answer, errorAnswer, OPERATION_EXTRAS } from './openapi-routes.ts';
// The paths served for a tenant: an unknown Host answers 404 on every one of them.
import { TENANT_PREFIXES } from './tenant.ts';

/** Every way an agent may send its key (auth.ts reads them all): any one of them will do. */
type Security = Record<string, string[]>[];
export const AGENT_SECURITY: Security = [{ apiKey: [] }, { apikeyHeader: [] }, { agentAuthorization: [] }];
const USER_SECURITY: Security = [{ jwt: [] }];

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);
const FORM = 'application/x-www-form-urlencoded';

type Schema = FastifySchema & {
  hide?: boolean;
  security?: Security;
  consumes?: string[];
  response?: Record<string, unknown>;
  body?: Record<string, unknown>;
};

function securityOf(tag: GuardTag | undefined, declared: Schema['security']): Schema['security'] {
  if (tag?.kind === 'user') return USER_SECURITY;
  if (tag?.kind === 'agent') return AGENT_SECURITY;
  if (tag?.kind === 'userOrAgent') return [...USER_SECURITY, ...AGENT_SECURITY];
  // Agent routes that call the guard inside a hook of their own declare `apiKey`: it stands for every agent header.
  if (declared?.some((requirement) => 'apiKey' in requirement)) return AGENT_SECURITY;
  return declared;
}

/** Whom a 401 names, from the route's security. */
function unauthenticated(security: NonNullable<Schema['security']>): Answer {
  const person = security.some((r) => 'jwt' in r);
  const agent = security.some((r) => 'apiKey' in r);
  const who = person && agent ? 'an access token or an agent key' : person ? 'an access token' : 'an agent key';
  return errorAnswer(`Missing or invalid credentials: send ${who}.`, { 'WWW-Authenticate': 'How to authenticate' });
}

const FIELD_ERRORS_OR_PARSE: Answer = {
  description:
    'Invalid request: `{field: [messages]}` naming every bad field, or `{detail, code}` when the body cannot be parsed.',
  content: { 'application/json': { schema: { anyOf: [{ $ref: 'FieldErrors#' }, { $ref: 'ErrorBody#' }] } } },
};

/** The answers a route gives that it does not describe itself, from its options. */
function standardAnswers(route: RouteOptions, schema: Schema, methods: string[], tag: GuardTag | undefined) {
  const answers: Record<string, Answer> = {};
  const takesBody = methods.some((m) => BODY_METHODS.has(m));
  const params = schema.params !== undefined || route.url.includes(':');
  if (takesBody || params || schema.querystring !== undefined) answers[400] = FIELD_ERRORS_OR_PARSE;
  if (schema.security?.length) answers[401] = unauthenticated(schema.security);
  if (tag && tag.kind !== 'agent' && tag.minRole !== 'viewer')
    answers[403] = errorAnswer(`Signed in, but the action needs the ${tag.minRole} role or higher.`);
  const tenantPath = TENANT_PREFIXES.some((p) => route.url.startsWith(p));
  if (tenantPath || params) {
    const why = [tenantPath && 'no tenant serves this Host', params && 'no such resource in this tenant'];
    answers[404] = errorAnswer(`Not found: ${why.filter(Boolean).join('; or ')}.`);
  }
  if (takesBody) {
    answers[413] = errorAnswer('The body is larger than the server accepts.');
    answers[415] = errorAnswer('A body of a media type this operation does not take.');
  }
  answers[503] = errorAnswer('The database is unavailable for a moment; retry after Retry-After seconds.', {
    'Retry-After': 'Seconds to wait',
  });
  return answers;
}

/** The body to document: the route's, the extras' (their content types added to the route's), with the example. */
function bodyOf(own: Schema['body'], extra: Schema['body'], example: unknown): Schema['body'] {
  if (own && extra && 'content' in own && 'content' in extra)
    return { content: { ...(own.content as object), ...(extra.content as object) } };
  const body = extra ?? own;
  return body && example !== undefined && !('content' in body) ? { ...body, examples: [example] } : body;
}

const hasSuccess = (response: Record<string, unknown> | undefined) =>
  Object.keys(response ?? {}).some((status) => status.startsWith('2'));

/**
 * @fastify/swagger's `transform`: the document of one route (never its validation or serialization, which stay the
 * route's own). Adds security from the route's guard, the error answers it shares with the others, 204 for a DELETE
 * that describes no success, form-encoded bodies beside JSON, and what OPERATION_EXTRAS knows of particular routes.
 */
export function describeOperation({ schema, url, route }: { schema: FastifySchema; url: string; route: RouteOptions }) {
  const own = (schema ?? {}) as Schema;
  if (own.hide) return { schema: own, url };
  const methods = [route.method].flat().map((m) => m.toUpperCase());
  const extras = OPERATION_EXTRAS[`${methods[0]} ${route.url}`];
  const tag = guardTagOf(route.onRequest, route.preValidation, route.preHandler);
  const security = extras?.security ?? securityOf(tag, own.security);
  const described: Schema = { ...own, ...(security ? { security } : {}) };

  const body = bodyOf(own.body, extras?.body, extras?.example);
  if (body) described.body = body;
  // Forms parse everywhere (http/form-body.ts): a JSON object body may be sent as one.
  const consumes = own.consumes ?? ['application/json'];
  if (body && !('content' in body) && consumes.includes('application/json'))
    described.consumes = [...new Set([...consumes, FORM])];

  const response: Record<string, unknown> = {
    ...standardAnswers(route, described, methods, tag),
    ...extras?.answers,
    ...own.response,
  };
  if (!hasSuccess(response)) {
    if (methods.includes('DELETE')) response[204] = { type: 'null', description: 'Deleted: no content.' };
    else response[200] = { description: 'OK' };
  }
  described.response = response;
  return { schema: described, url };
}
