import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Db } from '../db/client.ts';
import { DEFAULT_DOMAINS, findTenantByDomain, type Tenant } from '../modules/tenants/tenants.queries.ts';
import { ApiError } from './errors.ts';

const CACHE_MS = 10_000;

/** Host name of a request (X-Forwarded-Host under TRUST_PROXY), lower-cased, without port, brackets or final dot. */
export function hostOf(request: FastifyRequest): string {
  const raw = request.host.trim().toLowerCase();
  if (raw.startsWith('[')) return raw.slice(1, raw.indexOf(']'));
  return raw.replace(/:\d*$/, '').replace(/\.$/, '');
}

/**
 * Resolves a request's tenant from its Host: the tenant owning that domain; for the local names, ALLOWED_HOSTS and
 * PUBLIC_URL's host, the default tenant (the owner of `localhost`). Cached briefly; unknown hosts answer 404.
 */
export function createTenantResolver(db: Db, opts: { allowedHosts: readonly string[]; publicUrl?: string }) {
  const cache = new Map<string, { tenant: Tenant | undefined; until: number }>();
  const defaultHosts = new Set([...DEFAULT_DOMAINS, '::1', ...opts.allowedHosts]);
  if (opts.publicUrl) defaultHosts.add(new URL(opts.publicUrl).hostname.replace(/^\[|\]$/g, '').toLowerCase());
  const anyHost = defaultHosts.has('*');

  async function lookup(host: string): Promise<Tenant | undefined> {
    const hit = cache.get(host);
    if (hit && hit.until > Date.now()) return hit.tenant;
    let tenant = await findTenantByDomain(db, host);
    if (!tenant && (anyHost || defaultHosts.has(host))) tenant = await findTenantByDomain(db, 'localhost');
    if (cache.size > 10_000) cache.clear();
    cache.set(host, { tenant, until: Date.now() + CACHE_MS });
    return tenant;
  }

  return async function resolveTenant(request: FastifyRequest): Promise<Tenant> {
    const host = hostOf(request);
    const tenant = host ? await lookup(host) : undefined;
    if (!tenant?.isActive)
      throw new ApiError(404, { detail: `No tenant serves the host "${host}".`, code: 'unknown_host' });
    return tenant;
  };
}

/** The paths served for a tenant: the API, the original pcc's protocol and the reference dashboard's API. */
export const TENANT_PREFIXES = ['/api/v1/', '/v1/', '/dashboard/api/'];

/**
 * Whether a request is served for a tenant, decided on the route it reached (the router matches the decoded path,
 * so `/%61pi/v1/…` reaches an API route too) or, when no API route matched, on its decoded path.
 */
function servesTenant(request: FastifyRequest): boolean {
  const route = request.routeOptions.url;
  if (route && TENANT_PREFIXES.some((p) => route.startsWith(p))) return true;
  const raw = request.url.split('?')[0] ?? '';
  let path: string;
  try {
    path = decodeURIComponent(raw);
  } catch {
    return true; // undecodable: looked up like an API path, so an unknown host still answers 404
  }
  return TENANT_PREFIXES.some((p) => path.startsWith(p));
}

/** Resolves `request.tenant` before anything else for every tenant path; returns the resolver for other uses. */
export function registerTenantResolution(
  app: FastifyInstance,
  db: Db,
  opts: { allowedHosts: readonly string[]; publicUrl?: string | undefined },
) {
  const resolveTenant = createTenantResolver(db, {
    allowedHosts: opts.allowedHosts,
    ...(opts.publicUrl ? { publicUrl: opts.publicUrl } : {}),
  });
  app.addHook('onRequest', async (request) => {
    if (servesTenant(request)) request.tenant = await resolveTenant(request);
  });
  return resolveTenant;
}
