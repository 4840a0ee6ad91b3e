import { gzipSync } from 'node:zlib';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createCollector, createTestTenant, getApp, type TestTenant } from '../../../../test/helpers.ts';
import { agentRequest, hostSeries, nowSeconds, rawRound } from './test-support.ts';

const post = (t: TestTenant, url: string, headers: Record<string, string>, body: unknown) =>
  agentRequest(t, undefined, {
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json', ...headers },
    payload: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body),
  });

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('POST /api/v1/metrics/ — raw rounds', () => {
  it('chains requests: the first round of a request pairs with the last round of the one before', async () => {
    const t = await createTestTenant();
    const { id, api_key } = await createCollector(t);
    const base = nowSeconds() - 600;
    const headers = { 'x-api-key': api_key };
    const first = await post(t, '/api/v1/metrics/', headers, {
      measurements: [...rawRound(base, base, 0), ...rawRound(base, base + 10, 100)],
    });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toEqual({ status: 'received', metrics_count: 1, skipped: 0, out_of_range: 0 });
    const second = await post(t, '/api/v1/metrics/', headers, {
      measurements: [...rawRound(base, base + 20, 300), ...rawRound(base, base + 30, 600)],
    });
    expect(second.json()).toEqual({ status: 'received', metrics_count: 2, skipped: 0, out_of_range: 0 });
    const rows = await hostSeries(t.id, id);
    expect(rows.map((r) => [r.t, r.interval_seconds, r.cpu_user, r.mem_free_kb])).toEqual([
      [base + 10, 10, 10, 400],
      [base + 20, 10, 20, 400],
      [base + 30, 10, 30, 400],
    ]);
    // One bare line (the reference's "ping data forwarded by pcd") chains the same way.
    const bare = await post(t, '/api/v1/metrics/', headers, rawRound(base, base + 40, 1000)[0]);
    expect(bare.json()).toMatchObject({ metrics_count: 1 });
    expect((await hostSeries(t.id, id)).at(-1)).toMatchObject({ t: base + 40, cpu_user: 40 });
  });

  it('skips unparsable rounds among good ones, and refuses a body with nothing usable, naming why', async () => {
    const t = await createTestTenant();
    const { id, api_key } = await createCollector(t);
    const base = nowSeconds() - 600;
    const headers = { 'x-api-key': api_key };
    const garbage = { timestamp: base + 5, subsystem: '/proc/stat', measurement: '\u0000garbage\ncpu x y z' };
    const mixed = await post(t, '/api/v1/metrics/', headers, {
      measurements: [...rawRound(base, base, 0), garbage, ...rawRound(base, base + 10, 100)],
    });
    expect(mixed.json()).toEqual({
      status: 'received',
      metrics_count: 1,
      skipped: 1,
      out_of_range: 0,
      messages: [
        '1 round holds no parsable /proc measurement (/proc/stat, /proc/meminfo, /proc/net/dev, /proc/diskstats or statfs[*]).',
      ],
    });

    const onlyGarbage = await post(t, '/api/v1/metrics/', headers, { measurements: [garbage] });
    expect(onlyGarbage.statusCode).toBe(400);
    expect(onlyGarbage.json()).toEqual({
      measurements: [
        '1 round holds no parsable /proc measurement (/proc/stat, /proc/meminfo, /proc/net/dev, /proc/diskstats or statfs[*]).',
      ],
    });
    const old = await post(t, '/api/v1/metrics/', headers, { measurements: rawRound(base, base - 30 * 86_400, 0) });
    expect(old.statusCode).toBe(400);
    expect(old.json().measurements[0]).toMatch(/^1 round is outside the accepted time range \(older than/);

    const wrongTypes = await post(t, '/api/v1/metrics/', headers, {
      measurements: [{ timestamp: '2026-01-01', subsystem: '/proc/stat' }],
    });
    expect(wrongTypes.statusCode).toBe(400);
    expect(wrongTypes.json()).toEqual({
      'measurements.0.measurement': ['This field is required.'],
      'measurements.0.timestamp': ['Must be an integer.'],
    });
    expect((await hostSeries(t.id, id)).map((r) => r.t)).toEqual([base + 10]);
  });
});

describe('POST /v1/trickle — the original pcc’s protocol', () => {
  it('answers with the reference’s exact JSON, keeps one session while data flows, and marks the collector seen', async () => {
    const t = await createTestTenant();
    const { id, api_key } = await createCollector(t);
    const base = nowSeconds() - 600;
    const headers = { apikey: api_key };
    const empty = await post(t, '/v1/trickle', headers, { identifier: 'abc' });
    expect(empty.statusCode).toBe(200);
    expect(empty.body).toBe('{"status":"ok","message":"No measurements to process"}');
    expect((await post(t, '/v1/trickle', headers, { identifier: 'abc', measurements: [] })).body).toBe(empty.body);

    const first = await post(t, '/v1/trickle', headers, { identifier: 'abc', measurements: rawRound(base, base, 0) });
    expect(first.statusCode, first.body).toBe(200);
    const session = first.json().session_id;
    expect(session).toMatch(UUID);
    expect(first.body).toBe(
      `{"status":"ok","identifier":"abc","metrics_count":1,"session_id":"${session}","skipped":0}`,
    );

    const second = await post(t, '/v1/trickle', headers, {
      identifier: 'abc',
      measurements: rawRound(base, base + 10, 100),
    });
    expect(second.json()).toEqual({
      status: 'ok',
      identifier: 'abc',
      metrics_count: 1,
      session_id: session,
      skipped: 0,
    });
    expect((await hostSeries(t.id, id)).map((r) => [r.t, r.cpu_user])).toEqual([[base + 10, 10]]);
    const collector = await t.request({ method: 'GET', url: `/api/v1/collectors/${id}/` });
    expect(collector.json().status).toBe('connected');

    // Silent (wall clock) for longer than the tenant's session timeout (5 minutes): the session is completed and the
    // next round starts a new one, whose first round gives no interval, as the reference's first round of a session.
    const { database } = await getApp();
    await database.db.execute(
      sql`update recordings set last_data_at = now() - interval '6 minutes' where collector_id = ${id}::uuid`,
    );
    const after = await post(t, '/v1/trickle', headers, {
      identifier: 'abc',
      measurements: rawRound(base, base + 20, 300),
    });
    expect(after.json().session_id).toMatch(UUID);
    expect(after.json().session_id).not.toBe(session);
    expect((await hostSeries(t.id, id)).map((r) => r.t)).toEqual([base + 10]);
    const next = await post(t, '/v1/trickle', headers, {
      identifier: 'abc',
      measurements: rawRound(base, base + 30, 400),
    });
    expect(next.json().session_id).toBe(after.json().session_id);
    expect((await hostSeries(t.id, id)).map((r) => r.t)).toEqual([base + 10, base + 30]);
  });

  it('counts unparsable rounds as skipped and still answers 200, as the pcc never retries', async () => {
    const t = await createTestTenant();
    const { api_key } = await createCollector(t);
    const base = nowSeconds() - 600;
    const res = await post(
      t,
      '/v1/trickle',
      { apikey: api_key },
      {
        identifier: 'host-1',
        measurements: [
          { timestamp: base, subsystem: '/proc/stat', measurement: 'garbage' },
          { timestamp: base + 5, subsystem: '/proc/meminfo', measurement: '' },
          ...rawRound(base, base + 10, 0),
        ],
      },
    );
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ metrics_count: 1, skipped: 2 });
    const gz = await post(
      t,
      '/v1/trickle',
      { apikey: api_key, 'content-encoding': 'gzip' },
      gzipSync(JSON.stringify({ identifier: 'host-1', measurements: rawRound(base, base + 20, 100) })),
    );
    expect(gz.json()).toMatchObject({ metrics_count: 1, skipped: 0 });
  });

  it('refuses unknown and missing keys with the reference’s bodies, other tenants’ keys, and non-JSON bodies', async () => {
    const a = await createTestTenant();
    const b = await createTestTenant();
    const { api_key } = await createCollector(a);
    const body = { identifier: 'x', measurements: [] };
    const unknown = await post(a, '/v1/trickle', { apikey: 'not-a-known-key-123' }, body);
    expect(unknown.statusCode).toBe(401);
    expect(unknown.body).toBe('{"detail":"Invalid API key"}');
    expect(unknown.headers['www-authenticate']).toBe('ApiKey');
    const none = await post(a, '/v1/trickle', {}, body);
    expect(none.statusCode).toBe(401);
    expect(none.body).toBe('{"error":"Invalid API key"}');
    const otherTenant = await post(b, '/v1/trickle', { apikey: api_key }, body);
    expect(otherTenant.statusCode).toBe(401);
    expect(otherTenant.body).toBe('{"detail":"Invalid API key"}');

    for (const type of ['text/plain', 'application/x-www-form-urlencoded']) {
      const res = await post(a, '/v1/trickle', { apikey: api_key, 'content-type': type }, 'identifier=x');
      expect(res.statusCode, type).toBe(415);
    }
    const broken = await post(a, '/v1/trickle', { apikey: api_key }, '{"identifier": ');
    expect(broken.statusCode).toBe(400);
    const wrong = await post(a, '/v1/trickle', { apikey: api_key }, { measurements: 'all of them' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json()).toEqual({ measurements: ['Must be an array.'] });
  });
});
