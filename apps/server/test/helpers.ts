import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, inject } from 'vitest';
import { buildApp } from '../src/app.ts';
import type { App } from '../src/app-types.ts';
import { type Config, loadConfig } from '../src/config.ts';
import { type Database, openPglite, openPostgres } from '../src/db/client.ts';
import { ensureTenant } from '../src/modules/tenants/tenants.queries.ts';
import type { Role } from '../src/modules/users/users.queries.ts';
import { createUser } from '../src/modules/users/users.service.ts';

export const PASSWORD = 'correct-horse-battery';

/** The repository's `fixtures/` (real recordings of the reference, origin in fixtures/README.md), e.g. `pcc/…`. */
export const fixturePath = (...parts: string[]) =>
  join(fileURLToPath(new URL('../../../fixtures/', import.meta.url)), ...parts);

let shared: Promise<{ app: App; database: Database; config: Config }> | undefined;

/** The database of this test file (PostgreSQL when DATABASE_URL is set, else a copy of the migrated PGlite template). */
export async function openTestDatabase(): Promise<Database> {
  const url = process.env.DATABASE_URL;
  if (url) return openPostgres(url, 4);
  const template = readFileSync(inject('pgliteTemplate'));
  return openPglite(undefined, { loadDataDir: new Blob([template]) });
}

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig(
    {
      SECRET_KEY: 'test-secret-key-that-is-long-enough-0123456789',
      DATA_DIR: join(tmpdir(), `xat-test-data-${process.pid}`),
      LOG_LEVEL: 'silent',
      ...overrides,
    },
    process.cwd(),
  );
}

/** An app of its own on `database` with these settings, for a test of a setting; the caller closes it. */
export const buildTestApp = (database: Database, overrides: Record<string, string> = {}): Promise<App> =>
  buildApp({ config: testConfig(overrides), database, logger: false });

/** PostgreSQL that several server processes share in a test; none without DATABASE_URL. */
export const SHARED_DATABASE_URL = process.env.DATABASE_URL || undefined;
/** Added to the name of a describe skipped for want of SHARED_DATABASE_URL. */
export const NO_SHARED_DATABASE = SHARED_DATABASE_URL
  ? ''
  : ' (skipped: DATABASE_URL is unset — the embedded database serves one process by design: its lock refuses a second)';

/** `count` apps, each on a pool of its own of the shared PostgreSQL as separate processes would be; closed after `use`. */
export async function withAppsOnSharedDatabase<T>(count: number, use: (apps: App[]) => Promise<T>): Promise<T> {
  if (!SHARED_DATABASE_URL) throw new Error('withAppsOnSharedDatabase needs DATABASE_URL');
  const databases: Database[] = [];
  const apps: App[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const database = await openPostgres(SHARED_DATABASE_URL, 4);
      databases.push(database);
      apps.push(await buildTestApp(database));
    }
    return await use(apps);
  } finally {
    await Promise.all(apps.map((app) => app.close()));
    await Promise.all(databases.map((d) => d.close()));
  }
}

/** One app and database per test file, closed after it. */
export function getApp(): Promise<{ app: App; database: Database; config: Config }> {
  shared ??= (async () => {
    const database = await openTestDatabase();
    const config = testConfig();
    const app = await buildApp({ config, database, logger: { level: 'error' } });
    await app.ready();
    afterAll(async () => {
      await app.close();
      await database.close();
    });
    return { app, database, config };
  })();
  return shared;
}

export interface TestTenant {
  id: string;
  host: string;
  app: App;
  /** An access token of a new user of this tenant with the given role. */
  token(role?: Role): Promise<string>;
  /** app.inject with this tenant's Host and, unless `auth: false`, an admin's bearer token. */
  request(opts: InjectOptions & { token?: string; auth?: false | Role }): Promise<LightMyRequestResponse>;
}

/** A fresh tenant with its own domain: every test gets its own, so tests never see each other's data. */
export async function createTestTenant(): Promise<TestTenant> {
  const { app, database } = await getApp();
  const slug = randomUUID().slice(0, 8);
  const host = `t-${slug}.test`;
  const tenant = await ensureTenant(database.db, `tenant-${slug}`, [host]);
  const tokens = new Map<Role, string>();
  const token = async (role: Role = 'admin') => {
    const username = `${role}-${randomUUID().slice(0, 6)}`;
    await createUser(database.db, tenant.id, { username, password: PASSWORD, role });
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/token/',
      headers: { host },
      payload: { username, password: PASSWORD },
    });
    if (res.statusCode !== 200) throw new Error(`login failed: ${res.body}`);
    return res.json<{ access: string }>().access;
  };
  return {
    id: tenant.id,
    host,
    app,
    token,
    async request({ token: given, auth, headers, ...opts }) {
      let bearer = given;
      if (!bearer && auth !== false) {
        const role = auth ?? 'admin';
        bearer = tokens.get(role) ?? (await token(role));
        tokens.set(role, bearer);
      }
      return app.inject({
        ...opts,
        headers: { host, ...(bearer ? { authorization: `Bearer ${bearer}` } : {}), ...headers },
      });
    },
  };
}

/** Creates a collector in the tenant and returns its id and (once-shown) API key. */
export async function createCollector(t: TestTenant, body: Record<string, unknown> = {}) {
  const res = await t.request({
    method: 'POST',
    url: '/api/v1/collectors/',
    payload: { name: `srv-${randomUUID().slice(0, 8)}`, ...body },
  });
  if (res.statusCode !== 201) throw new Error(`create collector failed: ${res.statusCode} ${res.body}`);
  const json = res.json<{ id: string; api_key: string; name: string }>();
  return json;
}
