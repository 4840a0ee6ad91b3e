import { describe, expect, it } from 'vitest';
import { buildTestApp, createTestTenant, getApp, openTestDatabase } from '../../../test/helpers.ts';
import { VERSION } from '../../version.ts';

describe('health', () => {
  it('reports a healthy server with its database connected', async () => {
    const { app } = await getApp();
    const res = await app.inject({ method: 'GET', url: '/health/' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ status: 'healthy', database: 'connected', version: VERSION });
    expect(Date.parse(body.timestamp)).not.toBeNaN();
    expect(typeof body.response_time_ms).toBe('number');
    expect(body).not.toHaveProperty('details');
    // Served for any host: load balancers probe by IP.
    const anyHost = await app.inject({ method: 'GET', url: '/health/', headers: { host: '10.0.0.7:8000' } });
    expect(anyHost.statusCode).toBe(200);
  });

  it('adds details for a tenant admin', async () => {
    const { database } = await getApp();
    const t = await createTestTenant();
    const res = await t.request({ method: 'GET', url: '/health/?detail=true' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().details).toMatchObject({ database_engine: database.kind, debug_mode: false });
  });

  it('answers 503 unhealthy when the database is gone', async () => {
    const database = await openTestDatabase();
    const app = await buildTestApp(database);
    await database.close();
    try {
      const res = await app.inject({ method: 'GET', url: '/health/' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ status: 'unhealthy' });
      expect(res.json().database).not.toBe('connected');
    } finally {
      await app.close();
    }
  });
});

describe('API map and documentation', () => {
  it('lists the endpoints at /api/v1/', async () => {
    const t = await createTestTenant();
    const res = await t.request({ method: 'GET', url: '/api/v1/', auth: false });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      name: 'XAT API',
      version: VERSION,
      documentation: '/api/docs/',
      schema: '/api/v1/schema/',
    });
    expect(body.endpoints).toMatchObject({
      auth: { token: '/api/v1/auth/token/', refresh: '/api/v1/auth/token/refresh/' },
      users: '/api/v1/users/',
      collectors: '/api/v1/collectors/',
      health: '/health/',
    });
  });

  it('serves an OpenAPI 3.1 document listing the paths', async () => {
    const t = await createTestTenant();
    const res = await t.request({ method: 'GET', url: '/api/v1/schema/', auth: false });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toMatchObject({ title: 'XAT API', version: VERSION });
    for (const path of [
      '/api/v1/auth/token/',
      '/api/v1/auth/token/refresh/',
      '/api/v1/auth/user/',
      '/api/v1/users/',
      '/api/v1/users/{id}/',
      '/api/v1/collectors/',
      '/health/',
    ]) {
      expect(doc.paths, path).toHaveProperty([path]);
    }
    expect(doc.paths['/api/v1/users/'].post.requestBody).toBeDefined();
    expect(doc.components.securitySchemes).toHaveProperty('jwt');
    // Registration is off here, so it is not advertised.
    expect(doc.paths).not.toHaveProperty(['/api/v1/auth/register/']);
  });

  it('serves the documentation page as HTML', async () => {
    const { app } = await getApp();
    let url = '/api/docs/';
    let res = await app.inject({ method: 'GET', url });
    for (let hops = 0; hops < 5 && res.statusCode >= 300 && res.statusCode < 400; hops++) {
      url = new URL(String(res.headers.location), `http://localhost${url}`).pathname;
      res = await app.inject({ method: 'GET', url });
    }
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toMatch(/swagger/i);
  });
});

describe('HTTP headers', () => {
  it('sets security headers', async () => {
    const t = await createTestTenant();
    for (const url of ['/health/', '/api/v1/', '/nope']) {
      const res = await t.request({ method: 'GET', url, auth: false });
      expect(res.headers['x-content-type-options'], url).toBe('nosniff');
      expect(res.headers['x-frame-options'], url).toBe('SAMEORIGIN');
      expect(res.headers['x-powered-by'], url).toBeUndefined();
    }
  });

  it('allows CORS only for CORS_ALLOWED_ORIGINS', async () => {
    const { database } = await getApp();
    const app = await buildTestApp(database, { CORS_ALLOWED_ORIGINS: 'https://dash.example.com' });
    try {
      const t = await createTestTenant();
      const ask = (origin: string) => app.inject({ method: 'GET', url: '/api/v1/', headers: { host: t.host, origin } });
      const allowed = await ask('https://dash.example.com');
      expect(allowed.headers['access-control-allow-origin']).toBe('https://dash.example.com');
      expect(allowed.headers['access-control-allow-credentials']).toBe('true');
      const other = await ask('https://evil.example.com');
      expect(other.headers['access-control-allow-origin']).toBeUndefined();

      const preflight = await app.inject({
        method: 'OPTIONS',
        url: '/api/v1/collectors/',
        headers: {
          host: t.host,
          origin: 'https://dash.example.com',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,content-type',
        },
      });
      expect(preflight.statusCode).toBeLessThan(300);
      expect(preflight.headers['access-control-allow-origin']).toBe('https://dash.example.com');
      expect(String(preflight.headers['access-control-allow-methods'])).toContain('POST');
    } finally {
      await app.close();
    }
  });

  it('sends no CORS headers when no origin is configured', async () => {
    const t = await createTestTenant();
    const res = await t.request({
      method: 'GET',
      url: '/api/v1/',
      auth: false,
      headers: { origin: 'https://dash.example.com' },
    });
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });
});
