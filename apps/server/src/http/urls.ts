import type { FastifyRequest } from 'fastify';
import type { Config } from '../config.ts';

/**
 * Base URL for links we hand out (install commands, download links): PUBLIC_URL, else the request's own origin.
 * The Host already named a known tenant (http/tenant.ts), so echoing it is safe.
 */
export function publicBaseUrl(request: FastifyRequest, config: Config): string {
  return config.publicUrl ?? `${request.protocol}://${request.host || 'localhost'}`;
}
