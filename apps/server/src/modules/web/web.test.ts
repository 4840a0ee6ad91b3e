import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import type { App, Deps } from '../../app-types.ts';
import { fileFor, webRoutes } from './web.routes.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function fakeDist(): string {
  const dir = mkdtempSync(join(tmpdir(), 'xat-web-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><div id="root"></div>');
  writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
  writeFileSync(join(dir, 'favicon.svg'), '<svg/>');
  writeFileSync(join(dir, '.secret'), 'no');
  return dir;
}

/** The web routes on an app with the API's JSON 404 and one API route, as app.ts has them. */
async function appWith(distDir: string) {
  const app = Fastify() as unknown as App;
  app.setNotFoundHandler((_req, reply) => reply.code(404).send({ detail: 'Not found.', code: 'not_found' }));
  app.get('/api/v1/ping/', async () => ({ ok: true }));
  webRoutes(app, {} as Deps, { distDir });
  await app.ready();
  return app;
}

const html = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

describe('the dashboard served at /', () => {
  it('serves index.html at / and for any page the browser opens, not cached', async () => {
    const app = await appWith(fakeDist());
    for (const url of ['/', '/servers', '/servers/5d0c0a43-0d7e-4a55-9a8e-2f8f2f1c1a11?range=6h', '/index.html']) {
      const res = await app.inject({ url, headers: html });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.body).toContain('<div id="root">');
    }
    await app.close();
  });

  it('serves hashed assets for a year and other files uncached', async () => {
    const app = await appWith(fakeDist());
    const asset = await app.inject({ url: '/assets/index-abc123.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
    expect(asset.headers['cache-control']).toMatch(/max-age=31536000.*immutable/);
    const icon = await app.inject({ url: '/favicon.svg' });
    expect(icon.statusCode).toBe(200);
    expect(icon.headers['cache-control']).toMatch(/max-age=0/);
    await app.close();
  });

  it('never shadows the API or the agent paths, even for a browser', async () => {
    const app = await appWith(fakeDist());
    expect((await app.inject({ url: '/api/v1/ping/', headers: html })).json()).toEqual({ ok: true });
    for (const url of [
      '/api/v1/nope/',
      '/api',
      '/v1/trickle',
      '/health/x',
      '/metrics/x',
      '/install.sh',
      '/downloads/pcc',
    ]) {
      const res = await app.inject({ url, headers: html });
      expect(res.statusCode, url).toBe(404);
      expect(res.json(), url).toEqual({ detail: 'Not found.', code: 'not_found' });
    }
    await app.close();
  });

  it('answers 404 for a missing file that is not a page, and refuses paths that leave dist', async () => {
    const dist = fakeDist();
    const app = await appWith(dist);
    expect((await app.inject({ url: '/assets/missing.js', headers: { accept: '*/*' } })).statusCode).toBe(404);
    expect((await app.inject({ url: '/.secret' })).statusCode).toBe(404);
    for (const url of ['/../package.json', '/%2e%2e/%2e%2e/etc/passwd', '/assets/..%2f..%2fetc%2fpasswd']) {
      const res = await app.inject({ url, headers: { accept: '*/*' } });
      expect(res.statusCode, url).toBe(404);
    }
    expect(fileFor(dist, '/%2e%2e/x')).toBeUndefined();
    expect(fileFor(dist, '/%E0%A4%A')).toBeUndefined();
    expect(fileFor(dist, '/assets/index-abc123.js')).toBe(join('assets', 'index-abc123.js'));
    await app.close();
  });

  it('without a build, / says how to build the dashboard', async () => {
    const app = await appWith(join(tmpdir(), `xat-no-dist-${process.pid}`));
    const res = await app.inject({ url: '/', headers: html });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('npm run build -w @xat/dashboard');
    expect((await app.inject({ url: '/api/v1/nope/' })).statusCode).toBe(404);
    await app.close();
  });
});
