import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import ipaddr from 'ipaddr.js';
import type { Tenant } from '../modules/tenants/tenants.queries.ts';
import type { Guards } from './auth.ts';

/** Who may read the operational endpoints: the operator sees the whole server, a tenant's admin only its tenant. */
export type OpsScope = { readonly kind: 'operator' } | { readonly kind: 'tenant'; readonly tenant: Tenant };

const digest = (text: string) => createHash('sha256').update(text).digest();

function bearerOf(request: FastifyRequest): string | undefined {
  const [scheme, token] = (request.headers.authorization ?? '').split(/\s+/, 2);
  return scheme?.toLowerCase() === 'bearer' && token ? token : undefined;
}

/** Whether `ip` lies in one of the CIDRs (an IPv4-mapped IPv6 address counts as its IPv4 address). */
export function ipAllowed(ip: string, cidrs: readonly [ipaddr.IPv4 | ipaddr.IPv6, number][]): boolean {
  if (!ipaddr.isValid(ip)) return false;
  const address = ipaddr.process(ip);
  return cidrs.some((range) => range[0].kind() === address.kind() && address.match(range));
}

/**
 * The check in front of /metrics and /health/?detail=true. The Host must be a tenant's (404 otherwise, as for the
 * API); then METRICS_TOKEN as a bearer token or a client address in OPS_ALLOWED_IPS makes the operator, and an
 * admin's access token of that tenant makes a tenant scope. Anything else is 401 (403 for a non-admin).
 */
export function createOpsAccess(
  app: FastifyInstance,
  opts: {
    metricsToken: string | undefined;
    opsAllowedIps: readonly string[];
    guards: Guards;
    resolveTenant: (request: FastifyRequest) => Promise<Tenant>;
  },
) {
  const token = opts.metricsToken === undefined ? undefined : digest(opts.metricsToken);
  const cidrs = opts.opsAllowedIps.map((cidr) => ipaddr.parseCIDR(cidr));
  const admin = opts.guards.user('admin');

  return async function opsScope(request: FastifyRequest, reply: FastifyReply): Promise<OpsScope> {
    const tenant = await opts.resolveTenant(request);
    const bearer = bearerOf(request);
    // Compared as digests: equal length, constant time.
    if (token && bearer && timingSafeEqual(digest(bearer), token)) return { kind: 'operator' };
    if (ipAllowed(request.ip, cidrs)) return { kind: 'operator' };
    request.tenant = tenant;
    await admin.call(app, request, reply);
    return { kind: 'tenant', tenant };
  };
}

export type OpsAccess = ReturnType<typeof createOpsAccess>;
