import { existsSync, statSync } from 'node:fs';
import { join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App, Deps } from '../../app-types.ts';

/** Where `npm run build -w @xat/dashboard` writes the dashboard. */
export const DASHBOARD_DIST = fileURLToPath(new URL('../../../../dashboard/dist/', import.meta.url));

/** Paths the dashboard never answers for: the API and the agents' endpoints keep their own 404s. */
const RESERVED = ['/api', '/v1', '/dashboard/api', '/health', '/metrics', '/install.sh', '/downloads'];

export const isReserved = (path: string) =>
  RESERVED.some((p) => path === p || path.startsWith(`${p}/`) || path.startsWith(`${p}?`));

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>XAT — dashboard not built</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#171a21}
code{background:#f1f3f6;padding:.15rem .4rem;border-radius:4px}</style></head>
<body><h1>The XAT server is running, but the dashboard is not built.</h1>
<p>Build it once with <code>npm run build -w @xat/dashboard</code> and reload this page
(<code>npm start</code> builds it for you).</p>
<p>The API works without it: see <a href="/api/docs/">/api/docs/</a>.</p></body></html>
`;

/** A file of the build under `dist` for a URL path, or undefined (no file, or a path that leaves `dist`). */
export function fileFor(dist: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const relative = normalize(decoded).replace(/^([/\\])+/, '');
  if (!relative || relative.split(/[/\\]/).some((part) => part === '..' || part.startsWith('.'))) return undefined;
  const full = join(dist, relative);
  if (!full.startsWith(dist.endsWith(sep) ? dist : dist + sep)) return undefined;
  try {
    return statSync(full).isFile() ? relative : undefined;
  } catch {
    return undefined;
  }
}

const wantsHtml = (request: FastifyRequest) => (request.headers.accept ?? '').includes('text/html');

/**
 * The built dashboard at `/`: its files, and index.html for any other page the browser asks for (the dashboard
 * routes in the browser). API paths are never shadowed; without a build, a page says how to make one.
 */
export function webRoutes(app: App, _deps: Deps, opts: { distDir?: string } = {}): void {
  const dist = opts.distDir ?? DASHBOARD_DIST;
  // serve: false — only reply.sendFile; the route below decides what is served, so a rebuild needs no restart.
  app.register(fastifyStatic, { root: dist, serve: false });

  const sendIndex = (reply: FastifyReply) => {
    if (!existsSync(join(dist, 'index.html'))) return reply.type('text/html; charset=utf-8').send(NOT_BUILT);
    return reply.header('cache-control', 'no-cache').sendFile('index.html', dist, { cacheControl: false });
  };

  app.get('/*', { schema: { hide: true } }, async (request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    if (isReserved(path)) return reply.callNotFound();
    const file = path === '/' ? undefined : fileFor(dist, path);
    if (file === 'index.html') return sendIndex(reply);
    if (file) {
      // Hashed build files never change under the same name.
      const hashed = file.startsWith(`assets${sep}`) || file.startsWith('assets/');
      return reply.sendFile(file, dist, hashed ? { maxAge: '365d', immutable: true } : { maxAge: 0 });
    }
    if (path === '/' || wantsHtml(request)) return sendIndex(reply);
    return reply.callNotFound();
  });
}
