import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import type { App } from '../src/app-types.ts';
import type { Database } from '../src/db/client.ts';
import { createUser } from '../src/modules/users/users.service.ts';
import { createTestTenant, getApp, openTestDatabase, PASSWORD, type TestTenant, testConfig } from './helpers.ts';

// Redis runs on 127.0.0.1:6379 on the development machines and in CI.
const REDIS_URL = 'redis://127.0.0.1:6379';

const opened: (App | Database)[] = [];
afterAll(async () => {
  for (const thing of opened.reverse()) await thing.close();
});

/** Another server process's view of the test database: its own pool on PostgreSQL; PGlite has one process only. */
async function otherProcessDatabase(): Promise<Database> {
  if (!process.env.DATABASE_URL) return (await getApp()).database;
  const database = await openTestDatabase();
  opened.push(database);
  return database;
}

/** A second app on the test database, as another `xat serve` process would be. */
async function anotherApp(env: Record<string, string> = {}, database?: Database): Promise<App> {
  const app = await buildApp({
    config: testConfig(env),
    database: database ?? (await getApp()).database,
    logger: false,
  });
  opened.push(app);
  await app.ready();
  return app;
}

const signIn = (app: App, t: TestTenant, username: string, password: string, ip = '127.0.0.1') =>
  app.inject({
    method: 'POST',
    url: '/api/v1/auth/token/',
    headers: { host: t.host },
    payload: { username, password },
    remoteAddress: ip,
  });

async function newUser(t: TestTenant): Promise<string> {
  const username = `u-${randomUUID().slice(0, 8)}`;
  await createUser((await getApp()).database.db, t.id, { username, password: PASSWORD });
  return username;
}

const codes = (responses: LightMyRequestResponse[]) => responses.map((r) => r.statusCode);
const count = (responses: LightMyRequestResponse[], code: number) => codes(responses).filter((c) => c === code).length;

function expectThrottled(res: LightMyRequestResponse, maxSeconds: number): void {
  expect(res.statusCode).toBe(429);
  expect(res.json()).toEqual({ detail: expect.stringMatching(/^Too many attempts/), code: 'throttled' });
  const retryAfter = Number(res.headers['retry-after']);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(maxSeconds);
}

describe('sign-in limits are shared by every server process', () => {
  it('two app instances on one database refuse at the same total', async () => {
    const { app: a } = await getApp();
    const b = await anotherApp({}, await otherProcessDatabase());
    const t = await createTestTenant();
    const username = await newUser(t);
    // LOGIN_RATE_LIMIT's default 5 failures, split between the two processes.
    for (const [i, app] of [a, b, a, b, a].entries())
      expect((await signIn(app, t, username, `guess-${i}`, '10.2.0.1')).statusCode).toBe(401);
    expectThrottled(await signIn(b, t, username, PASSWORD, '10.2.0.1'), 60);
    expectThrottled(await signIn(a, t, username, PASSWORD, '10.2.0.1'), 60);
  });

  it('concurrent guesses spread over two app instances cannot outrun the limit', async () => {
    const { app: a } = await getApp();
    const b = await anotherApp({}, await otherProcessDatabase());
    const t = await createTestTenant();
    const username = await newUser(t);
    const results = await Promise.all(
      Array.from({ length: 16 }, (_, i) => signIn(i % 2 ? b : a, t, username, `parallel-${i}`, '10.2.0.2')),
    );
    expect(count(results, 401)).toBe(5);
    expect(count(results, 429)).toBe(11);
  });

  it('shares them through Redis when REDIS_URL is set', async () => {
    const env = { REDIS_URL };
    const a = await anotherApp(env);
    const b = await anotherApp(env, await otherProcessDatabase());
    const t = await createTestTenant();
    const username = await newUser(t);
    for (const [i, app] of [b, a, b, a, b].entries())
      expect((await signIn(app, t, username, `guess-${i}`, '10.2.0.3')).statusCode).toBe(401);
    expectThrottled(await signIn(a, t, username, PASSWORD, '10.2.0.3'), 60);
    // The counters are in Redis, not in either process.
    const redis = new Redis(REDIS_URL);
    try {
      const keys = await redis.keys(`xat:login:*${t.id}*`);
      expect(keys.sort()).toEqual(
        [
          `xat:login:ip:${t.id}|10.2.0.3`,
          `xat:login:tenant:${t.id}`,
          `xat:login:user:${t.id}|10.2.0.3|${username}`,
        ].sort(),
      );
      expect(Number(await redis.get(`xat:login:user:${t.id}|10.2.0.3|${username}`))).toBeGreaterThanOrEqual(5);
    } finally {
      redis.disconnect();
    }
  });

  it('keeps limiting, in memory, while Redis cannot be reached', async () => {
    const app = await anotherApp({ REDIS_URL: 'redis://127.0.0.1:9' });
    const t = await createTestTenant();
    const username = await newUser(t);
    for (let i = 0; i < 5; i++) expect((await signIn(app, t, username, `guess-${i}`)).statusCode).toBe(401);
    expectThrottled(await signIn(app, t, username, PASSWORD), 60);
  });
});

describe('password spraying', () => {
  it('60 usernames from one IP at once: 429 well before 60, and that IP only', async () => {
    const { app, config } = await getApp();
    const t = await createTestTenant();
    const started = Date.now();
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) => signIn(app, t, `sprayed-${i}`, 'password123', '10.3.0.1')),
    );
    const elapsed = Date.now() - started;
    expect(config.loginIpRateLimit.max).toBe(20);
    expect(count(results, 401)).toBe(20);
    expect(count(results, 429)).toBe(40);
    for (const res of results.filter((r) => r.statusCode === 429)) expectThrottled(res, 60);
    // A user from another address is not locked out by it.
    expect((await signIn(app, t, await newUser(t), PASSWORD, '10.3.0.2')).statusCode).toBe(200);
    expect(elapsed).toBeLessThan(30_000);
  });

  it('a spray spread over many IPs is stopped per tenant, and other tenants are not affected', async () => {
    const app = await anotherApp({ LOGIN_TENANT_RATE_LIMIT: '12/10m' });
    const target = await createTestTenant();
    const other = await createTestTenant();
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => signIn(app, target, `victim-${i}`, 'changeme', `10.4.${i}.1`)),
    );
    expect(count(results, 401)).toBe(12);
    expect(count(results, 429)).toBe(18);
    for (const res of results.filter((r) => r.statusCode === 429)) expectThrottled(res, 600);
    expect((await signIn(app, other, await newUser(other), PASSWORD, '10.4.99.1')).statusCode).toBe(200);
  });

  it('counts the addresses of one IPv6 /64 as one client', async () => {
    const app = await anotherApp({ LOGIN_IP_RATE_LIMIT: '3/m' });
    const t = await createTestTenant();
    const results = [];
    for (let i = 1; i <= 5; i++) results.push(await signIn(app, t, `v6-${i}`, 'letmein', `2001:db8:1:2::${i}`));
    expect(codes(results)).toEqual([401, 401, 401, 429, 429]);
    expect((await signIn(app, t, 'v6-6', 'letmein', '2001:db8:1:3::1')).statusCode).toBe(401);
  });
});

describe('only failures count', () => {
  it('a successful sign-in gives its point back in every scope', async () => {
    const app = await anotherApp({
      LOGIN_RATE_LIMIT: '3/m',
      LOGIN_IP_RATE_LIMIT: '3/m',
      LOGIN_TENANT_RATE_LIMIT: '3/m',
    });
    const t = await createTestTenant();
    const [alice, bob, carol] = [await newUser(t), await newUser(t), await newUser(t)];
    const ip = '10.5.0.1';
    expect(codes([await signIn(app, t, alice, 'wrong-1', ip), await signIn(app, t, alice, 'wrong-2', ip)])).toEqual([
      401, 401,
    ]);
    // Two of three failures used in every scope; six successes from the same address change nothing.
    for (const user of [alice, bob, carol, alice, bob, carol])
      expect((await signIn(app, t, user, PASSWORD, ip)).statusCode).toBe(200);
    expect((await signIn(app, t, alice, 'wrong-3', ip)).statusCode).toBe(401);
    // Now full in every scope: the tenant's limit refuses even another user from another address.
    expectThrottled(await signIn(app, t, alice, PASSWORD, ip), 60);
    expectThrottled(await signIn(app, t, bob, PASSWORD, '10.5.0.2'), 60);
  });
});
