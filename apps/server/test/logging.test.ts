import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { createCollector, createTestTenant, getApp, testConfig } from './helpers.ts';

describe('logs', () => {
  it('never contain API keys or tokens, whether sent in headers or (wrongly) in the URL', async () => {
    const t = await createTestTenant();
    const { api_key } = await createCollector(t);
    const access = await t.token('admin');
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const { database } = await getApp();
    const app = await buildApp({
      config: testConfig(),
      database,
      logger: { level: 'info', stream },
    });
    try {
      await app.inject({
        method: 'POST',
        url: `/api/v1/register/?api_key=${api_key}`,
        headers: { host: t.host },
        payload: {},
      });
      await app.inject({ method: 'GET', url: `/api/v1/collectors/?token=${access}`, headers: { host: t.host } });
      await app.inject({
        method: 'GET',
        url: '/api/v1/collectors/',
        headers: { host: t.host, authorization: `Bearer ${access}`, 'x-api-key': api_key },
      });
    } finally {
      await app.close();
    }
    const log = lines.join('');
    expect(log).toContain('/api/v1/register/?api_key=[redacted]');
    expect(log).not.toContain(api_key);
    expect(log).not.toContain(access);
  });
});
