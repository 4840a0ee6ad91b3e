import { randomUUID } from 'node:crypto';
import type { RawMeasurement } from '@xat/procfs';
import { parseCollection } from '@xat/procfs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app-types.ts';
import { RESTRICTED_ROLE } from '../src/db/roles.ts';
import { fixture, hostSeries, keepSeriesForYears } from '../src/modules/metrics/ingest/test-support.ts';
import {
  createCollector,
  createTestTenant,
  NO_SHARED_DATABASE,
  PASSWORD,
  SHARED_DATABASE_URL,
  withAppsOnSharedDatabase,
} from './helpers.ts';
import { type Answer, request, startXat, type XatProcess } from './xat-processes.ts';

// Several servers on one PostgreSQL behave as one: a collector's raw rounds chain exactly whichever process gets
// them, maintenance runs once, and a process killed with SIGKILL loses nothing the agents sent.

const FIXTURES = ['sys-info-test', 'loadtest-cpuinfo'] as const;

/** A real recording's rounds, oldest first: each the measurements one trickle request carries. */
function roundsOf(name: (typeof FIXTURES)[number]): RawMeasurement[][] {
  const { measurements } = parseCollection(fixture(name, `${name}.json`).toString('utf8'));
  const byTs = new Map<number, RawMeasurement[]>();
  for (const m of measurements) byTs.set(m.timestamp, [...(byTs.get(m.timestamp) ?? []), m]);
  return [...byTs.keys()].sort((a, b) => a - b).map((ts) => byTs.get(ts) ?? []);
}

const trickleBody = (round: RawMeasurement[]) => ({ identifier: 'many-processes', measurements: round });

describe.skipIf(!SHARED_DATABASE_URL)(`two servers on one PostgreSQL${NO_SHARED_DATABASE}`, () => {
  it('chain one collector’s concurrent raw requests one after the other, never both from one round', async () => {
    const t = await createTestTenant();
    await keepSeriesForYears(t);
    await withAppsOnSharedDatabase(2, async (apps) => {
      const rounds = roundsOf('sys-info-test');
      const collectors = await Promise.all([1, 2, 3, 4].map(() => createCollector(t)));
      const send = (app: App, key: string, round: RawMeasurement[] | undefined) =>
        round
          ? app.inject({
              method: 'POST',
              url: '/v1/trickle',
              headers: { host: t.host, apikey: key, 'content-type': 'application/json' },
              payload: trickleBody(round),
            })
          : undefined;
      // Round j to one server and round j+1 to the other at the same moment, for every pair and collector at once.
      await Promise.all(
        collectors.map(async ({ api_key }) => {
          for (let j = 0; j < rounds.length; j += 2) {
            const answers = await Promise.all([
              send(apps[0] as App, api_key, rounds[j]),
              send(apps[1] as App, api_key, rounds[j + 1]),
            ]);
            for (const a of answers) if (a) expect(a.statusCode, a.body).toBe(200);
          }
        }),
      );
      const sent = new Set(rounds.map((r) => r[0]?.timestamp));
      for (const { id } of collectors) {
        const series = await hostSeries(t.id, id);
        // A pair whose later round lands first loses one interval (the earlier round then has a newer one before
        // it), and the first pair may give none: at least one interval per pair but the first.
        expect(series.length).toBeGreaterThanOrEqual(Math.ceil(rounds.length / 2) - 1);
        for (const [i, row] of series.entries()) {
          const from = row.t - (row.interval_seconds ?? 0);
          // Each interval starts at a round that was sent, after the sample before it: chained from one round each.
          expect(sent.has(from), `interval ending ${row.t} starts at ${from}`).toBe(true);
          if (i > 0) expect(from, `interval ending ${row.t}`).toBeGreaterThanOrEqual(series[i - 1]?.t ?? 0);
        }
      }
    });
  }, 120_000);
});

describe.skipIf(!SHARED_DATABASE_URL)(
  `three xat serve processes behind a round-robin balancer${NO_SHARED_DATABASE}`,
  () => {
    const name = `xat_many_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
    const login = `${name}_web`;
    const dbUrl = (user: string) => {
      const url = new URL(SHARED_DATABASE_URL ?? 'postgres://localhost/x');
      url.username = user;
      url.pathname = `/${name}`;
      return url.toString();
    };
    const owner = new URL(SHARED_DATABASE_URL ?? 'postgres://localhost/x').username || 'postgres';
    let admin: pg.Client;
    let servers: XatProcess[] = [];

    beforeAll(async () => {
      admin = new pg.Client({ connectionString: SHARED_DATABASE_URL });
      await admin.connect();
      await admin.query(`create database ${name}`);
      // The restricted role is the cluster's (migration 0007 creates it when missing); the login requests use holds it.
      await admin.query(
        `do $$ begin if not exists (select from pg_roles where rolname = '${RESTRICTED_ROLE}') then create role ${RESTRICTED_ROLE} nologin; end if; end $$`,
      );
      await admin.query(`create role ${login} login in role ${RESTRICTED_ROLE}`);
      // Three at once on an empty database: migrations, the first admin and maintenance each happen once.
      servers = await Promise.all(
        [0, 1, 2].map(() =>
          startXat({
            DATABASE_URL: dbUrl(login),
            DATABASE_OWNER_URL: dbUrl(owner),
            SECRET_KEY: 'many-processes-share-one-secret-key-0123456789',
            XAT_ADMIN_USERNAME: 'admin',
            XAT_ADMIN_PASSWORD: PASSWORD,
            LOGIN_RATE_LIMIT: '1000/m',
          }),
        ),
      );
    }, 180_000);

    afterAll(async () => {
      await Promise.all(servers.map((s) => s.stop()));
      await admin?.query(`drop database if exists ${name} with (force)`);
      await admin?.query(`drop role if exists ${login}`);
      await admin?.end();
    }, 60_000);

    it('store exactly what one process stores, maintain once, and lose nothing to a kill -9', async () => {
      const host = 'localhost';
      const [s0, s1, s2] = servers as [XatProcess, XatProcess, XatProcess];
      const login0 = await request(`${s0.url}/api/v1/auth/token/`, {
        host,
        body: { username: 'admin', password: PASSWORD },
      });
      expect(login0.status, login0.body).toBe(200);
      const auth = { authorization: `Bearer ${JSON.parse(login0.body).access}` };
      // The recordings are from January 2026: keep raw series long enough (set on another process than the sign-in).
      const keep = await request(`${s1.url}/api/v1/tenant/`, {
        method: 'PATCH',
        host,
        headers: auth,
        body: { retention_raw_days: 3650, retention_1m_days: 3650, retention_1h_days: 3650 },
      });
      expect(keep.status, keep.body).toBe(200);
      const collector = async (label: string) => {
        const res = await request(`${s2.url}/api/v1/collectors/`, { host, headers: auth, body: { name: label } });
        expect(res.status, res.body).toBe(201);
        return JSON.parse(res.body) as { id: string; api_key: string };
      };

      /** Sends round `round` of an agent to server `first` and on, as a balancer would: the next when one is down. */
      const live = new Set(servers);
      async function deliver(key: string, round: RawMeasurement[], first: number): Promise<Answer> {
        for (let attempt = 0; attempt < 12; attempt++) {
          const server = servers[(first + attempt) % servers.length] as XatProcess;
          if (!live.has(server)) continue;
          try {
            const res = await request(`${server.url}/v1/trickle`, {
              host,
              headers: { apikey: key },
              body: trickleBody(round),
            });
            if (res.status === 200) return res;
            expect([429, 503], res.body).toContain(res.status); // busy: the agent waits and sends it again
          } catch {
            // Connection refused or cut (the process was killed meanwhile): the balancer tries the next one.
          }
          await new Promise((r) => setTimeout(r, 200));
        }
        throw new Error('a round was never accepted');
      }

      const references = new Map<string, string>();
      const agents: { id: string; key: string; recording: (typeof FIXTURES)[number] }[] = [];
      for (const recording of FIXTURES) {
        // One process, one request after the other: the series the others must match.
        const reference = await collector(`reference-${recording}`);
        for (const round of roundsOf(recording)) await deliver(reference.api_key, round, 0);
        references.set(recording, reference.id);
        for (const n of [1, 2]) {
          const agent = await collector(`agent-${recording}-${n}`);
          agents.push({ id: agent.id, key: agent.api_key, recording });
        }
      }

      // Each agent sends its rounds one after the other (as pcc does), round j to server (j + k) mod 3; all agents at
      // once. After the first agent's sixth round, the third server is killed with SIGKILL, requests in flight or not.
      let killed: Promise<void> | undefined;
      await Promise.all(
        agents.map(async (agent, k) => {
          for (const [j, round] of roundsOf(agent.recording).entries()) {
            await deliver(agent.key, round, j + k);
            if (k === 0 && j === 5) {
              live.delete(s2);
              killed = s2.kill9();
            }
          }
        }),
      );
      await killed;
      expect(s2.child.signalCode).toBe('SIGKILL');

      const ownerClient = new pg.Client({ connectionString: dbUrl(owner) });
      await ownerClient.connect();
      const ownerQuery = async (text: string, values: unknown[]) =>
        (await ownerClient.query<{ row: unknown }>(text, values)).rows;
      /** A collector's rows of `table` without their keys, so two collectors' compare. */
      const rowsOf = async (table: string, collectorId: string, order: string) =>
        (
          await ownerQuery(
            `select to_jsonb(x) - 'tenant_id' - 'collector_id' as row from ${table} x where collector_id = $1 order by ${order}`,
            [collectorId],
          )
        ).map((r) => r.row);
      try {
        const tables: [string, string][] = [
          ['metric_samples', 'ts'],
          ['metric_cpus', 'ts, cpu'],
          ['metric_disks', 'ts, name'],
          ['metric_net', 'ts, name'],
          ['metric_fs', 'ts, mount_point'],
          ['metric_rollup_1m', 'bucket'],
          ['metric_rollup_1h', 'bucket'],
        ];
        for (const agent of agents) {
          const reference = references.get(agent.recording) as string;
          const samples = await rowsOf('metric_samples', reference, 'ts');
          expect(samples).toHaveLength(roundsOf(agent.recording).length - 1);
          for (const [table, order] of tables)
            expect(await rowsOf(table, agent.id, order), `${table} of ${agent.recording}`).toEqual(
              await rowsOf(table, reference, order),
            );
          const state = `select last_round as row from collector_raw_state where collector_id = $1`;
          expect(await ownerQuery(state, [agent.id])).toEqual(await ownerQuery(state, [reference]));
        }
        expect(await ownerQuery(`select count(*)::int as row from users where username = 'admin'`, [])).toEqual([
          { row: 1 },
        ]);
      } finally {
        await ownerClient.end();
      }

      // Partitions were created ahead by exactly one of the three, and nothing failed anywhere.
      const maintained = servers.flatMap((s) => s.logs.filter((l) => l.msg === 'metric partitions maintained'));
      expect(maintained, JSON.stringify(maintained)).toHaveLength(1);
      const errors = servers.flatMap((s) => s.logs.filter((l) => Number(l.level) >= 50));
      expect(errors).toEqual([]);
    }, 240_000);
  },
);
