import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createCollector, createTestTenant, getApp, type TestTenant } from '../../../test/helpers.ts';
import { NETTEST_MAX_BYTES } from './nettest.routes.ts';
import { createNettestLimiter, NETTEST_MAX_PER_TENANT, nettestLimiterOf } from './nettest-limiter.ts';

const BASE = '/api/v1/agent/nettest';

async function agentOf(t: TestTenant) {
  const { api_key } = await createCollector(t);
  return (
    url: string,
    opts: { method?: 'GET' | 'POST'; payload?: Buffer | string; headers?: Record<string, string> } = {},
  ) =>
    t.request({
      method: opts.method ?? 'GET',
      url,
      auth: false,
      headers: { 'x-api-key': api_key, ...opts.headers },
      ...(opts.payload !== undefined ? { payload: opts.payload } : {}),
    });
}

describe('network test endpoints', () => {
  it('ping, download and upload with the collector key; nothing without it, nor with a person’s token', async () => {
    const t = await createTestTenant();
    const agent = await agentOf(t);
    const ping = await agent(`${BASE}/ping/`);
    expect(ping.statusCode).toBe(200);
    expect(ping.json()).toEqual({ ok: true });

    const down = await agent(`${BASE}/download/?bytes=3000000`);
    expect(down.statusCode, down.body).toBe(200);
    expect(down.headers['content-type']).toBe('application/octet-stream');
    expect(down.headers['content-length']).toBe('3000000');
    expect(down.rawPayload.length).toBe(3_000_000);
    // Random, not a run of one byte a link could compress: every byte value occurs.
    expect(new Set(down.rawPayload.subarray(0, 65536)).size).toBe(256);

    const body = Buffer.alloc(5_000_000, 7);
    const up = await agent(`${BASE}/upload/`, {
      method: 'POST',
      payload: body,
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect(up.statusCode, up.body).toBe(200);
    expect(up.json()).toEqual({ bytes: 5_000_000, seconds: expect.any(Number) });
    expect(up.json().seconds).toBeGreaterThanOrEqual(0);

    for (const url of [`${BASE}/ping/`, `${BASE}/download/?bytes=10`, `${BASE}/upload/`]) {
      const method = url.endsWith('upload/') ? 'POST' : 'GET';
      const anonymous = await t.request({ method, url, auth: false });
      expect(anonymous.statusCode, url).toBe(401);
      const person = await t.request({ method, url });
      expect(person.statusCode, url).toBe(401);
    }
  });

  it('another tenant’s key is refused (401) on this tenant’s host', async () => {
    const a = await createTestTenant();
    const b = await createTestTenant();
    const { api_key } = await createCollector(b);
    const res = await a.request({
      method: 'GET',
      url: `${BASE}/ping/`,
      auth: false,
      headers: { 'x-api-key': api_key },
    });
    expect(res.statusCode).toBe(401);
  });

  it('bounds sizes: 400 naming bytes past 64 MiB, below 1 or missing; 413 for a larger upload; 415 for JSON', async () => {
    const t = await createTestTenant();
    const agent = await agentOf(t);
    for (const q of [`bytes=${NETTEST_MAX_BYTES + 1}`, 'bytes=0', 'bytes=abc', '']) {
      const res = await agent(`${BASE}/download/?${q}`);
      expect(res.statusCode, q).toBe(400);
      expect(Object.keys(res.json()), q).toEqual(['bytes']);
    }
    expect((await agent(`${BASE}/download/?bytes=${NETTEST_MAX_BYTES + 1}`)).json().bytes[0]).toContain(
      String(NETTEST_MAX_BYTES),
    );
    const big = await agent(`${BASE}/upload/`, {
      method: 'POST',
      payload: Buffer.alloc(NETTEST_MAX_BYTES + 1),
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect(big.statusCode, big.body).toBe(413);
    expect(big.json()).toMatchObject({ code: 'payload_too_large' });
    const json = await agent(`${BASE}/upload/`, {
      method: 'POST',
      payload: '{"a":1}',
      headers: { 'content-type': 'application/json' },
    });
    expect(json.statusCode).toBe(415);
    const none = await agent(`${BASE}/upload/`, { method: 'POST' });
    expect(none.statusCode).toBe(415);
  });

  it('a tenant at its cap of transfers gets 429 with Retry-After; other tenants and pings are not held up', async () => {
    const { app } = await getApp();
    const a = await createTestTenant();
    const b = await createTestTenant();
    const agentA = await agentOf(a);
    const agentB = await agentOf(b);
    const limiter = nettestLimiterOf(app);
    const held = Array.from({ length: NETTEST_MAX_PER_TENANT }, () => limiter.tryAcquire({ tenantId: a.id }));
    try {
      const refused = await agentA(`${BASE}/download/?bytes=1000`);
      expect(refused.statusCode).toBe(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(refused.json()).toMatchObject({ code: 'throttled' });
      const upload = await agentA(`${BASE}/upload/`, {
        method: 'POST',
        payload: Buffer.alloc(10),
        headers: { 'content-type': 'application/octet-stream' },
      });
      expect(upload.statusCode).toBe(429);
      expect((await agentA(`${BASE}/ping/`)).statusCode).toBe(200);
      expect((await agentB(`${BASE}/download/?bytes=1000`)).statusCode).toBe(200);
    } finally {
      for (const release of held) release?.();
    }
    expect((await agentA(`${BASE}/download/?bytes=1000`)).statusCode).toBe(200);
  });

  it('over a real socket, a transfer the client stops reading holds its slot until the client goes', async () => {
    const { app } = await getApp();
    const t = await createTestTenant();
    const { api_key } = await createCollector(t);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    const limiter = nettestLimiterOf(app);
    const before = limiter.inFlight;
    const get = (path: string) =>
      new Promise<http.IncomingMessage>((resolve, reject) => {
        const req = http.get(
          { host: '127.0.0.1', port, path, headers: { host: t.host, 'x-api-key': api_key } },
          resolve,
        );
        req.on('error', reject);
      });
    // A 64 MiB download, never read past its head: the server is held by the client's back pressure.
    const stalled = await Promise.all(
      Array.from({ length: NETTEST_MAX_PER_TENANT }, () => get(`${BASE}/download/?bytes=${NETTEST_MAX_BYTES}`)),
    );
    for (const res of stalled) {
      expect(res.statusCode).toBe(200);
      res.pause();
    }
    expect(limiter.inFlight - before).toBe(NETTEST_MAX_PER_TENANT);
    const refused = await get(`${BASE}/download/?bytes=10`);
    expect(refused.statusCode).toBe(429);
    refused.resume();
    for (const res of stalled) res.destroy();
    for (let i = 0; i < 100 && limiter.inFlight > before; i++) await new Promise((r) => setTimeout(r, 20));
    expect(limiter.inFlight).toBe(before);
    const again = await get(`${BASE}/download/?bytes=10`);
    expect(again.statusCode).toBe(200);
    again.resume();
  });
});

describe('the transfer limiter', () => {
  it('counts per tenant and in all, and a release frees one slot once', () => {
    const limiter = createNettestLimiter(2, 3);
    const a1 = limiter.tryAcquire({ tenantId: 'a' });
    const a2 = limiter.tryAcquire({ tenantId: 'a' });
    expect(a1 && a2).toBeTruthy();
    expect(limiter.tryAcquire({ tenantId: 'a' })).toBeUndefined();
    const b1 = limiter.tryAcquire({ tenantId: 'b' });
    expect(b1).toBeTruthy();
    expect(limiter.tryAcquire({ tenantId: 'c' })).toBeUndefined(); // 3 in all
    a1?.();
    a1?.();
    expect(limiter.inFlight).toBe(2);
    expect(limiter.tryAcquire({ tenantId: 'a' })).toBeTruthy();
    expect(limiter.tryAcquire({ tenantId: 'a' })).toBeUndefined();
  });
});
