import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { batchedLookup } from '../db/batched-lookup.ts';
import type { Db } from '../db/client.ts';
import { findCollectorsByKeyHashes } from '../modules/collectors/collectors.queries.ts';
import type { Tenant } from '../modules/tenants/tenants.queries.ts';
import { findUserById, type Role, type UserRow } from '../modules/users/users.queries.ts';
import { ApiError, forbidden, unauthorized } from './errors.ts';
import { tagGuard } from './guard-tags.ts';

export interface AgentPrincipal {
  collectorId: string;
  collectorName: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    tenant: Tenant;
    principal: UserRow;
    agent: AgentPrincipal;
  }
}

export interface AccessClaims {
  token_type: 'access' | 'refresh';
  user_id: string;
  tid: string;
  jti: string;
  fam?: string;
  iat: number;
  exp: number;
}

const RANK: Record<Role, number> = { viewer: 0, member: 1, admin: 2 };

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
/** 32 random bytes, URL-safe (43 characters), like the reference's secrets.token_urlsafe(32). */
export const newApiKey = () => randomBytes(32).toString('base64url');

const looksLikeJwt = (token: string) => token.split('.').length === 3;

/** Verifies a JWT of the given type for this tenant; undefined for anything else (bad signature, expiry, type). */
export function verifyToken(app: FastifyInstance, token: string, type: AccessClaims['token_type'], tenantId: string) {
  try {
    const claims = app.jwt.verify<AccessClaims>(token);
    if (claims.token_type !== type || claims.tid !== tenantId || typeof claims.user_id !== 'string') return undefined;
    return claims;
  } catch {
    return undefined;
  }
}

export function signToken(
  app: FastifyInstance,
  claims: { token_type: AccessClaims['token_type']; user_id: string; tid: string; fam?: string },
  lifetimeSeconds: number,
): string {
  return app.jwt.sign({ ...claims, jti: randomUUID() }, { expiresIn: `${lifetimeSeconds}s` });
}

function bearerOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const [scheme, token] = header.split(/\s+/, 2);
  return scheme?.toLowerCase() === 'bearer' && token ? token : undefined;
}

/** The agent key from the headers the original clients use, in the reference's lookup order. */
function agentKeyOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header) {
    const [scheme, token] = header.split(/\s+/, 2);
    if (token && (scheme?.toLowerCase() === 'apikey' || scheme?.toLowerCase() === 'bearer')) return token;
  }
  for (const name of ['x-api-key', 'apikey']) {
    const value = request.headers[name];
    if (typeof value === 'string' && value.trim()) return value.trim();
  }
  return undefined;
}

export function createGuards(app: FastifyInstance, db: Db) {
  /** A signed-in person of this tenant with at least `minRole`; viewers are read-only. */
  function user(minRole: Role = 'viewer'): preHandlerAsyncHookHandler {
    return tagGuard({ kind: 'user', minRole }, async (request) => {
      const header = request.headers.authorization;
      if (!header && (request.headers['x-api-key'] || request.headers.apikey))
        throw unauthorized('Collector API keys are accepted only by agent endpoints.', 'authentication_failed');
      const token = bearerOf(request);
      if (!token) {
        if (header) throw unauthorized('Use "Authorization: Bearer <access token>".', 'authentication_failed');
        throw unauthorized();
      }
      const claims = verifyToken(app, token, 'access', request.tenant.id);
      if (!claims) throw unauthorized('Given token not valid for any token type', 'token_not_valid');
      const found = await findUserById(db, request.tenant.id, claims.user_id);
      if (!found?.isActive) throw unauthorized('User not found or inactive.', 'user_not_found');
      if (RANK[found.role as Role] < RANK[minRole]) throw forbidden();
      request.principal = found;
    });
  }

  // Agents' keys looked up together: the requests arriving in one turn share one query.
  const byKeyHash = batchedLookup(
    (pairs: readonly { tenantId: string; apiKeyHash: string }[]) => findCollectorsByKeyHashes(db, pairs),
    (k) => `${k.tenantId}|${k.apiKeyHash}`,
  );

  /** A collector's agent, by its API key; user tokens are refused here. */
  const agent: preHandlerAsyncHookHandler = tagGuard({ kind: 'agent' }, async (request) => {
    const query = request.query as Record<string, unknown> | undefined;
    if (query && (query.api_key !== undefined || query.apikey !== undefined))
      throw new ApiError(
        401,
        {
          detail: 'API keys in the URL are not accepted (they end up in logs). Send the key in the "X-API-Key" header.',
          code: 'authentication_failed',
        },
        { 'www-authenticate': 'ApiKey' },
      );
    const key = agentKeyOf(request);
    if (!key)
      throw new ApiError(
        401,
        { detail: 'Invalid API key', code: 'not_authenticated' },
        { 'www-authenticate': 'ApiKey' },
      );
    if (looksLikeJwt(key))
      throw new ApiError(
        401,
        { detail: 'Agent endpoints take a collector API key, not a user token.', code: 'authentication_failed' },
        { 'www-authenticate': 'ApiKey' },
      );
    const collector = await byKeyHash({ tenantId: request.tenant.id, apiKeyHash: sha256(key) });
    if (!collector)
      throw new ApiError(
        401,
        { detail: 'Invalid API key', code: 'authentication_failed' },
        { 'www-authenticate': 'ApiKey' },
      );
    request.agent = { collectorId: collector.id, collectorName: collector.name };
  });

  /**
   * Either a person with at least `minRole` or a collector's agent (when an agent key header is present). Handlers
   * tell them apart by `request.agent` and keep agents to their own collector.
   */
  function userOrAgent(minRole: Role): preHandlerAsyncHookHandler {
    const person = user(minRole);
    return tagGuard({ kind: 'userOrAgent', minRole }, async function (this: unknown, request, reply) {
      const auth = request.headers.authorization ?? '';
      const agentKeySent =
        request.headers['x-api-key'] !== undefined || request.headers.apikey !== undefined || /^apikey\s/i.test(auth);
      return agentKeySent ? agent.call(this as never, request, reply) : person.call(this as never, request, reply);
    });
  }

  return { user, agent, userOrAgent };
}

export type Guards = ReturnType<typeof createGuards>;
