import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';
import { acrossTenants, withoutTenant, withTenant } from '../src/db/access-scope.ts';
import { type Database, openPglite, openPostgres, queryRows } from '../src/db/client.ts';
import { RESTRICTED_ROLE } from '../src/db/roles.ts';
import { collectors } from '../src/db/schema.ts';
import { ensureTenant } from '../src/modules/tenants/tenants.queries.ts';
import { buildTestApp, createCollector, createTestTenant, getApp, type TestTenant } from './helpers.ts';

// Row-level security: on every tenant-owned table a restricted connection sees and writes only the rows of the tenant
// its transaction set, whatever its WHERE clause says; the server's requests run that way. Both databases.

const sharedUrl = process.env.DATABASE_URL || undefined;
const TENANT_TABLES = [
  'users',
  'refresh_tokens',
  'collectors',
  'benchmarks',
  'load_test_results',
  'collected_data',
  'metric_batches',
  'collector_raw_state',
  'metric_samples',
  'metric_cpus',
  'metric_disks',
  'metric_net',
  'metric_fs',
  'metric_rollup_1m',
  'metric_rollup_1h',
  'recordings',
  'jobs',
  'benchmark_runs',
  'benchmark_profiles',
  'benchmark_schedules',
];

type Row = Record<string, unknown>;

/**
 * SQL run as the restricted role with `settings` in one transaction, as the server runs it: on PostgreSQL a login of
 * its own holding only xat_app's privileges; on PGlite (one session, its superuser) SET LOCAL ROLE xat_app.
 */
interface Restricted {
  run(statements: string[], tenantId?: string): Promise<Row[][]>;
  close(): Promise<void>;
}

async function restrictedSession(database: Database): Promise<Restricted> {
  const setTenant = (id: string | undefined) =>
    id ? [`select set_config('app.tenant_id', '${id}', true)`] : ([] as string[]);
  if (database.kind === 'pglite') {
    const { client } = database as Database & { client: import('@electric-sql/pglite').PGlite };
    return {
      run: (statements, tenantId) =>
        client.transaction(async (tx) => {
          await tx.exec(`set local role ${RESTRICTED_ROLE}`);
          const out: Row[][] = [];
          for (const s of [...setTenant(tenantId), ...statements]) out.push((await tx.query<Row>(s)).rows);
          return out.slice(setTenant(tenantId).length);
        }),
      close: async () => undefined,
    };
  }
  const admin = new pg.Client({ connectionString: sharedUrl });
  await admin.connect();
  const login = `xat_rls_test_${randomUUID().slice(0, 8)}`;
  await admin.query(`create role ${login} login in role ${RESTRICTED_ROLE}`);
  const url = new URL(sharedUrl as string);
  url.username = login;
  url.password = '';
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  return {
    async run(statements, tenantId) {
      await client.query('begin');
      try {
        const out: Row[][] = [];
        for (const s of [...setTenant(tenantId), ...statements]) out.push((await client.query<Row>(s)).rows);
        await client.query('commit');
        return out.slice(setTenant(tenantId).length);
      } catch (err) {
        await client.query('rollback');
        throw err;
      }
    },
    async close() {
      await client.end();
      await admin.query(`drop role ${login}`);
      await admin.end();
    },
  };
}

/** A real HTTP request (bodies arrive in chunks, as in production) with a Host of our choice; its JSON answer. */
function httpJson(url: string, host: string, body?: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: body ? 'POST' : 'GET', headers: { host, 'content-type': 'application/json' }, timeout: 20_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
          } catch (err) {
            reject(err);
          }
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

const ids = (rows: Row[] | undefined) => (rows ?? []).map((r) => String(r.id)).sort();

describe('the schema', () => {
  it('forces row-level security with the tenant policy on every table that has a tenant_id (domains aside)', async () => {
    const { database } = await getApp();
    const tables = await queryRows<{ name: string; rls: boolean; forced: boolean; policies: string[] }>(
      database.db,
      sql`select c.relname as name, c.relrowsecurity as rls, c.relforcerowsecurity as forced,
            coalesce((select array_agg(p.polname::text order by p.polname) from pg_policy p where p.polrelid = c.oid), '{}') as policies
          from pg_class c join pg_attribute a on a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped
          where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p') and not c.relispartition
            and c.relname <> 'domains'
          order by c.relname`,
    );
    expect(tables.map((t) => t.name).sort()).toEqual([...TENANT_TABLES].sort());
    for (const t of tables)
      expect(t, t.name).toMatchObject({ rls: true, forced: true, policies: ['owner_bypass', 'tenant_isolation'] });
  });

  it('gives the restricted role no table of its own, no bypass, and no way into a partition past its parent', async () => {
    const { database } = await getApp();
    const [role] = await queryRows<{
      superuser: boolean;
      bypass: boolean;
      owned: number;
      partitions: number;
      reachable: number;
    }>(
      database.db,
      sql`select r.rolsuper as superuser, r.rolbypassrls as bypass,
            (select count(*)::int from pg_class c where c.relowner = r.oid) as owned,
            (select count(*)::int from pg_inherits) as partitions,
            (select count(*)::int from pg_inherits i where has_table_privilege(r.oid, i.inhrelid, 'SELECT,INSERT,UPDATE,DELETE')) as reachable
          from pg_roles r where r.rolname = ${RESTRICTED_ROLE}`,
    );
    expect(role).toMatchObject({ superuser: false, bypass: false, owned: 0, reachable: 0 });
    expect(role?.partitions).toBeGreaterThan(0);
  });
});

describe('a restricted connection', () => {
  let restricted: Restricted;
  let a: TestTenant;
  let b: TestTenant;
  let aCollectors: string[];
  let bCollector: string;
  let partition: string;

  beforeAll(async () => {
    const { database } = await getApp();
    restricted = await restrictedSession(database);
    a = await createTestTenant();
    b = await createTestTenant();
    aCollectors = [(await createCollector(a)).id, (await createCollector(a)).id].sort();
    bCollector = (await createCollector(b)).id;
    const [p] = await queryRows<{ name: string }>(
      database.db,
      sql`select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
          join pg_class p on p.oid = i.inhparent where p.relname = 'metric_samples' limit 1`,
    );
    partition = p?.name ?? '';
  });
  afterAll(async () => restricted?.close());

  it('sees nothing and writes nothing while no tenant is set', async () => {
    const [collectors, users, samples] = await restricted.run([
      'select id from collectors',
      'select id from users',
      'select * from metric_samples',
    ]);
    expect([collectors, users, samples]).toEqual([[], [], []]);
    await expect(
      restricted.run([`insert into collectors (tenant_id, name, api_key_hash) values ('${a.id}', 'x', 'y')`]),
    ).rejects.toThrow(/row-level security/);
  });

  it('with tenant A set, never sees or touches B’s rows though no WHERE names a tenant', async () => {
    const [collectors, updated, deleted] = await restricted.run(
      [
        'select id from collectors',
        `update collectors set description = 'hijacked' where id = '${bCollector}' returning id`,
        `delete from collectors where id = '${bCollector}' returning id`,
      ],
      a.id,
    );
    expect(ids(collectors)).toEqual(aCollectors);
    expect([updated, deleted]).toEqual([[], []]);
    await expect(
      restricted.run([`insert into collectors (tenant_id, name, api_key_hash) values ('${b.id}', 'x', 'y')`], a.id),
    ).rejects.toThrow(/row-level security/);
    await expect(
      restricted.run([`update collectors set tenant_id = '${b.id}' where id = '${aCollectors[0]}'`], a.id),
    ).rejects.toThrow(/row-level security/);
    // B's collector is still B's, untouched.
    const [mine] = await restricted.run(['select id, description from collectors'], b.id);
    expect(mine).toEqual([expect.objectContaining({ id: bCollector, description: '' })]);
  });

  it('keeps the tenant for its transaction only', async () => {
    await restricted.run(['select 1'], a.id);
    const [setting, collectors] = await restricted.run([
      "select coalesce(current_setting('app.tenant_id', true), '') as t",
      'select id from collectors',
    ]);
    expect(setting).toEqual([{ t: '' }]);
    expect(collectors).toEqual([]);
  });

  it('cannot switch row-level security off, or read a partition past its parent’s policies', async () => {
    for (const statement of [
      'alter table collectors disable row level security',
      'alter table collectors no force row level security',
      'drop policy tenant_isolation on collectors',
      `select * from ${partition}`,
    ])
      await expect(restricted.run([statement]), statement).rejects.toThrow(/must be owner|permission denied/);
    // The owner's way through is the owner's alone.
    const [, asIfOwner] = await restricted.run([
      "select set_config('app.bypass_rls', 'on', true)",
      'select id from collectors',
    ]);
    expect(asIfOwner).toEqual([]);
  });

  it(`cannot become the owner${sharedUrl ? '' : ' (skipped: PGlite’s one session logs in as its superuser, which SET ROLE always returns to — the embedded mode is restricted to catch wrong queries, not to contain a hostile one)'}`, async ({
    skip,
  }) => {
    skip(!sharedUrl);
    const owner = (await queryRows<{ u: string }>((await getApp()).database.db, sql`select current_user as u`))[0]?.u;
    for (const statement of [`set role ${owner}`, `set session authorization ${owner}`])
      await expect(restricted.run([statement]), statement).rejects.toThrow(/permission denied/);
    // Resetting leads back to its own login, which is just as restricted.
    const [, rows] = await restricted.run([
      'reset role',
      'select current_user as u, count(*)::int as n from collectors',
    ]);
    const after = rows?.[0];
    expect(after).toMatchObject({ n: 0 });
    expect(after?.u).not.toBe(owner);
  });
});

describe('the server', () => {
  it('runs each request restricted to its tenant, before and after the body is read', async () => {
    const { database } = await getApp();
    const a = await createTestTenant();
    const b = await createTestTenant();
    const mine = (await createCollector(a)).id;
    await createCollector(b);
    const app = await buildTestApp(database);
    // What a handler's query sees: no WHERE on the tenant, on purpose.
    const probe = async () =>
      (
        await queryRows<{ role: string; tenant: string; ids: string[] }>(
          database.db,
          sql`select current_user as role, coalesce(current_setting('app.tenant_id', true), '') as tenant,
                coalesce((select array_agg(id::text) from collectors), '{}') as ids`,
        )
      )[0];
    app.get('/api/v1/rls-probe/', async () => probe());
    app.post('/api/v1/rls-probe/', async () => probe());
    app.get('/rls-probe/', async () => probe());
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const address = app.server.address();
      const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      const big = JSON.stringify({ filler: 'x'.repeat(2_000_000) }); // read in many chunks
      const answers = [
        await httpJson(`${base}/api/v1/rls-probe/`, a.host),
        await httpJson(`${base}/api/v1/rls-probe/`, a.host, big),
      ];
      for (const answer of answers) expect(answer).toEqual({ role: RESTRICTED_ROLE, tenant: a.id, ids: [mine] });
      // A path served for no tenant: restricted, nothing set, nothing seen.
      expect(await httpJson(`${base}/rls-probe/`, a.host)).toEqual({ role: RESTRICTED_ROLE, tenant: '', ids: [] });
    } finally {
      await app.close();
    }
  });

  it('leaves no tenant on a pooled connection for the next query, after success or failure', async () => {
    const { database } = await getApp();
    const a = await createTestTenant();
    const mine = (await createCollector(a)).id;
    // One connection, so each query below reuses the one before's.
    const one =
      database.kind === 'postgres'
        ? await openPostgres(sharedUrl as string, { poolSize: 1, unscoped: 'none' })
        : database;
    try {
      const count = () => queryRows<{ n: number }>(one.db, sql`select count(*)::int as n from collectors`);
      expect(await withTenant(a.id, count)).toEqual([{ n: 1 }]);
      expect(await withoutTenant(count)).toEqual([{ n: 0 }]);
      await expect(withTenant(a.id, () => queryRows(one.db, sql`select 1/0`))).rejects.toThrow(
        /Failed query: select 1\/0/,
      );
      expect(await withoutTenant(count)).toEqual([{ n: 0 }]);
      // A Drizzle transaction gets the tenant too, and leaves it behind as well.
      const inTx = await withTenant(a.id, () =>
        one.db.transaction(async (tx) => queryRows<{ id: string }>(tx as never, sql`select id from collectors`)),
      );
      expect(inTx.map((r) => r.id)).toEqual([mine]);
      expect(await withoutTenant(count)).toEqual([{ n: 0 }]);
      // A failed nested transaction (a savepoint rolled back) leaves the outer one whole: it still commits or rolls
      // back as one.
      await expect(
        withTenant(a.id, () =>
          one.db.transaction(async (tx) => {
            await tx.insert(collectors).values({ tenantId: a.id, name: 'rolled-back', apiKeyHash: randomUUID() });
            await tx.transaction(() => Promise.reject(new Error('inner'))).catch(() => undefined);
            await queryRows(tx as never, sql`select 1`);
            throw new Error('outer');
          }),
        ),
      ).rejects.toThrow('outer');
      expect(await withTenant(a.id, count)).toEqual([{ n: 1 }]);
      expect((await acrossTenants(count))[0]?.n).toBeGreaterThan(1);
    } finally {
      if (one !== database) await one.close();
    }
  });

  it('sees no tenant’s rows outside a request or a declared scope when opened as the server opens it', async () => {
    const strict = sharedUrl
      ? await openPostgres(sharedUrl, { poolSize: 1, unscoped: 'none' })
      : await openPglite(undefined, {
          loadDataDir: new Blob([readFileSync(inject('pgliteTemplate'))]),
          unscoped: 'none',
        });
    try {
      const slug = randomUUID().slice(0, 8);
      const tenant = await acrossTenants(() => ensureTenant(strict.db, `strict-${slug}`, [`strict-${slug}.test`]));
      await acrossTenants(() =>
        strict.db.insert(collectors).values({ tenantId: tenant.id, name: 'c', apiKeyHash: slug }),
      );
      const count = () => queryRows<{ n: number }>(strict.db, sql`select count(*)::int as n from collectors`);
      expect(await count()).toEqual([{ n: 0 }]);
      expect(await withTenant(tenant.id, count)).toEqual([{ n: 1 }]);
      expect((await acrossTenants(count))[0]?.n).toBeGreaterThanOrEqual(1);
    } finally {
      await strict.close();
    }
  });
});

describe('DATABASE_OWNER_URL', () => {
  it('is read beside DATABASE_URL and refused without it', () => {
    const env = { SECRET_KEY: 'test-secret-key-that-is-long-enough-0123456789' };
    expect(
      loadConfig({ ...env, DATABASE_URL: 'postgres://web@db/xat', DATABASE_OWNER_URL: 'postgres://owner@db/xat' }),
    ).toMatchObject({ databaseUrl: 'postgres://web@db/xat', databaseOwnerUrl: 'postgres://owner@db/xat' });
    expect(() => loadConfig({ ...env, DATABASE_OWNER_URL: 'postgres://owner@db/xat' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...env, DATABASE_URL: 'postgres://a@b/c', DATABASE_OWNER_URL: 'mysql://x' })).toThrow(
      /DATABASE_OWNER_URL/,
    );
  });

  describe.skipIf(!sharedUrl)(
    `with a restricted login for requests${sharedUrl ? '' : ' (skipped: DATABASE_URL is unset — PGlite has no logins)'}`,
    () => {
      it('migrates as the owner, serves as the restricted login, and refuses a login that could bypass', async () => {
        const admin = new pg.Client({ connectionString: sharedUrl });
        await admin.connect();
        const login = `xat_rls_web_${randomUUID().slice(0, 8)}`;
        await admin.query(`create role ${login} login in role ${RESTRICTED_ROLE}`);
        const url = new URL(sharedUrl as string);
        url.username = login;
        const t = await createTestTenant();
        const id = (await createCollector(t)).id;
        const database = await openPostgres(url.toString(), { ownerUrl: sharedUrl, poolSize: 2, unscoped: 'none' });
        try {
          await database.migrate();
          const who = () =>
            queryRows<{ u: string; ids: string[] }>(
              database.db,
              sql`select current_user as u, coalesce((select array_agg(id::text) from collectors), '{}') as ids`,
            );
          expect(await withTenant(t.id, who)).toEqual([{ u: login, ids: [id] }]);
          expect(await who()).toEqual([{ u: login, ids: [] }]);
          const owner = (await acrossTenants(who))[0];
          expect(owner?.u).not.toBe(login);
          expect(owner?.ids).toContain(id);
          // A superuser as DATABASE_URL beside an owner: refused at start, naming why.
          const wrong = await openPostgres(sharedUrl as string, { ownerUrl: sharedUrl, poolSize: 1 });
          await expect(wrong.migrate()).rejects.toThrow(/must be a login that owns nothing/);
          await wrong.close();
        } finally {
          await database.close();
          await admin.query(`drop role ${login}`);
          await admin.end();
        }
      });
    },
  );
});
