import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import type { App } from '../src/app-types.ts';
import { type Database, openPostgres, queryRows } from '../src/db/client.ts';
import { ensureTenant } from '../src/modules/tenants/tenants.queries.ts';
import { createUser } from '../src/modules/users/users.service.ts';
import { PASSWORD, testConfig } from './helpers.ts';
import { createPrivateCluster, findPostgresBin, type PrivateCluster } from './private-postgres.ts';

// The server keeps running through a PostgreSQL outage, answers 503 + Retry-After meanwhile, and recovers by itself.

const sharedUrl = process.env.DATABASE_URL || undefined;
const bin = findPostgresBin();
const skipReason = !sharedUrl
  ? ' (skipped: DATABASE_URL is unset — PGlite runs in-process and has no connection to lose)'
  : !bin
    ? ' (skipped: initdb is not installed, so no private PostgreSQL can be started)'
    : '';

/** A tenant with an admin token and a collector's agent key on `app`. */
async function setUp(app: App, database: Database) {
  const host = `outage-${randomUUID().slice(0, 8)}.test`;
  const tenant = await ensureTenant(database.db, `tenant-${host}`, [host]);
  await createUser(database.db, tenant.id, { username: 'admin', password: PASSWORD, role: 'admin' });
  const login = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/token/',
    headers: { host },
    payload: { username: 'admin', password: PASSWORD },
  });
  expect(login.statusCode, login.body).toBe(200);
  const token = login.json<{ access: string }>().access;
  const created = await app.inject({
    method: 'POST',
    url: '/api/v1/collectors/',
    headers: { host, authorization: `Bearer ${token}` },
    payload: { name: 'db-outage' },
  });
  expect(created.statusCode, created.body).toBe(201);
  const collector = created.json<{ id: string; api_key: string }>();
  let next = Math.floor(Date.now() / 1000) - 3600;
  return {
    host,
    collectorId: collector.id,
    user: (url: string) => app.inject({ method: 'GET', url, headers: { host, authorization: `Bearer ${token}` } }),
    /** A new batch of `n` samples (each at its own timestamp) and how to send it, as the agent does. */
    batch(n: number) {
      const body = {
        batch_id: `outage-${randomUUID().slice(0, 12)}`,
        collector_time: Math.floor(Date.now() / 1000),
        samples: Array.from({ length: n }, () => ({ timestamp: next++, host: { cpu_busy: 20, cpu_idle: 80 } })),
      };
      return () =>
        app.inject({
          method: 'POST',
          url: '/api/v1/metrics/',
          headers: { host, 'x-api-key': collector.api_key },
          payload: body,
        });
    },
  };
}

function expectUnavailable(res: LightMyRequestResponse, what: string) {
  expect(res.statusCode, `${what}: ${res.body}`).toBe(503);
  expect(Number(res.headers['retry-after']), what).toBeGreaterThan(0);
  expect(res.json(), what).toMatchObject({ code: 'database_unavailable', detail: expect.any(String) });
}

/** "Come back later": the database away (503), or ingest's own concurrency limit under a burst (429), both with Retry-After. */
function expectRetryLater(res: LightMyRequestResponse, what: string) {
  if (res.statusCode === 429) {
    expect(Number(res.headers['retry-after']), what).toBeGreaterThan(0);
    expect(res.json(), what).toMatchObject({ code: 'throttled' });
  } else expectUnavailable(res, what);
}

/** Calls `attempt` until it answers `status` (at most `tries` times, `deadlineMs` in all); returns the last answer. */
async function until(
  attempt: () => Promise<LightMyRequestResponse>,
  status: number,
  { tries = 60, deadlineMs = 30_000, pauseMs = 250 } = {},
) {
  const deadline = Date.now() + deadlineMs;
  let res = await attempt();
  for (let i = 1; i < tries && res.statusCode !== status && Date.now() < deadline; i++) {
    // Meanwhile nothing but "come back later" is acceptable.
    expectRetryLater(res, 'while recovering');
    await new Promise((r) => setTimeout(r, pauseMs));
    res = await attempt();
  }
  return res;
}

const samplesOf = async (database: Database, collectorId: string) =>
  (
    await queryRows<{ n: number }>(
      database.db,
      sql`select count(*)::int as n from metric_samples where collector_id = ${collectorId}::uuid`,
    )
  )[0]?.n;

describe.skipIf(skipReason !== '')(`a PostgreSQL the test stops and starts${skipReason}`, () => {
  let cluster: PrivateCluster;
  let database: Database;
  let app: App;
  const lost: Error[] = [];

  beforeAll(async () => {
    cluster = await createPrivateCluster(bin as string);
    await cluster.start();
    database = await openPostgres(cluster.url, 4);
    database.onConnectionError((err) => lost.push(err));
    await database.migrate();
    app = await buildApp({ config: testConfig(), database, logger: false });
    await app.ready();
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await database?.close().catch(() => undefined);
    await cluster?.destroy();
  });

  it('answers 503 with Retry-After while it is down, says degraded, and recovers losing nothing', async () => {
    const t = await setUp(app, database);
    const first = t.batch(5);
    expect((await first()).json()).toMatchObject({ written: 5 });
    expect((await t.user('/api/v1/collectors/')).statusCode).toBe(200);

    await cluster.stop();
    // The pooled connections were cut while idle: before the pool's 'error' was handled, this killed the process.
    for (let i = 0; i < 40 && lost.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(lost.length).toBeGreaterThan(0);

    expectUnavailable(await t.user('/api/v1/collectors/'), 'a user request');
    const second = t.batch(7);
    expectUnavailable(await second(), 'an agent batch');
    // A host not looked up yet is not taken for an unknown one (a 404 would make an agent give its batch up).
    const fresh = await app.inject({ method: 'GET', url: '/api/v1/', headers: { host: `new-${randomUUID()}.test` } });
    expectUnavailable(fresh, 'a tenant lookup');
    const health = await app.inject({ method: 'GET', url: '/health/' });
    expect(health.statusCode).toBe(503);
    expect(Number(health.headers['retry-after'])).toBeGreaterThan(0);
    expect(health.json()).toMatchObject({ status: 'degraded', database: 'unavailable' });

    await cluster.start();
    expect((await until(() => app.inject({ method: 'GET', url: '/health/' }), 200)).json()).toMatchObject({
      status: 'healthy',
    });
    // The agent's retry of the refused batch is stored whole, the first batch is not stored twice.
    expect((await until(second, 200)).json()).toMatchObject({ written: 7, duplicates: 0 });
    expect((await first()).json()).toMatchObject({ written: 0, duplicates: 5 });
    expect(await samplesOf(database, t.collectorId)).toBe(12);
    expect((await t.user('/api/v1/collectors/')).statusCode).toBe(200);
  }, 120_000);
});

describe.skipIf(!sharedUrl)(`the app's connections killed by pg_terminate_backend${skipReason}`, () => {
  // A database of this test's own on the shared cluster, so only its backends are terminated.
  const name = `xat_terminate_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const url = new URL(sharedUrl ?? 'postgres://localhost/x');
  url.pathname = `/${name}`;
  let admin: pg.Client;
  let database: Database;
  let app: App;
  const lost: Error[] = [];

  const terminateOurBackends = async () => {
    const killer = new pg.Client({ connectionString: url.toString() });
    await killer.connect();
    try {
      const { rows } = await killer.query<{ n: number }>(
        `select count(pg_terminate_backend(pid))::int as n from pg_stat_activity
         where datname = current_database() and pid <> pg_backend_pid()`,
      );
      return rows[0]?.n ?? 0;
    } finally {
      await killer.end();
    }
  };

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: sharedUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    database = await openPostgres(url.toString(), 4);
    database.onConnectionError((err) => lost.push(err));
    await database.migrate();
    app = await buildApp({ config: testConfig(), database, logger: false });
    await app.ready();
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await database?.close().catch(() => undefined);
    await admin?.query(`drop database if exists ${name} with (force)`);
    await admin?.end();
  });

  it('survives, answers 503 or succeeds meanwhile, and every batch is stored exactly once after retries', async () => {
    const t = await setUp(app, database);
    expect((await t.batch(3)()).statusCode).toBe(200);
    expect((await t.user('/api/v1/collectors/')).statusCode).toBe(200);

    // Idle connections killed: the process must live on and the next requests reconnect.
    expect(await terminateOurBackends()).toBeGreaterThan(0);
    for (let i = 0; i < 40 && lost.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(lost.length).toBeGreaterThan(0);
    expect((await until(() => t.user('/api/v1/collectors/'), 200)).statusCode).toBe(200);

    // Killed while a burst of batches is in flight: each is stored or refused with 503, never half-written.
    const sends = Array.from({ length: 20 }, () => t.batch(4));
    const [answers] = await Promise.all([Promise.all(sends.map((send) => send())), terminateOurBackends()]);
    for (const res of answers) if (res.statusCode !== 200) expectRetryLater(res, 'a batch in the burst');
    for (const [i, res] of answers.entries()) {
      if (res.statusCode === 200) continue;
      expect((await until(sends[i] as () => Promise<LightMyRequestResponse>, 200)).statusCode).toBe(200);
    }
    expect(await samplesOf(database, t.collectorId)).toBe(3 + 20 * 4);
  }, 120_000);
});
