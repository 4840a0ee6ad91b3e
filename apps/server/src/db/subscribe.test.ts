import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { NO_SHARED_DATABASE, SHARED_DATABASE_URL } from '../../test/helpers.ts';
import { openPostgres } from './postgres.ts';

/** Polls `check` until it holds, at most `ms`. */
async function until(check: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await sleep(100);
  }
  throw new Error(`${what}: not within ${ms} ms`);
}

describe.skipIf(!SHARED_DATABASE_URL)(`NOTIFY subscriptions on PostgreSQL${NO_SHARED_DATABASE}`, () => {
  it('hear every process, again after the listening connection is killed, and nothing once stopped', async () => {
    const url = SHARED_DATABASE_URL as string;
    const database = await openPostgres(url, 2);
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    const channel = `xat_test_${Math.random().toString(36).slice(2, 8)}`;
    const heard: string[] = [];
    const stop = database.subscribe(channel, (payload) => heard.push(payload));
    try {
      const say = (payload: string) => admin.query('select pg_notify($1, $2)', [channel, payload]);
      /** Says it until it is heard (the listening connection may still be opening). */
      const heardOnce = async (payload: string) => {
        await say(payload);
        return heard.includes(payload);
      };
      await until(() => heardOnce('hello'), 10_000, 'first message');
      // From the database's own pools too.
      await database.db.execute(sql`select pg_notify(${channel}, 'from the pool')`);
      await until(async () => heard.includes('from the pool'), 5_000, 'message from the pool');

      const killed = await admin.query(
        'select pg_terminate_backend(pid) from pg_stat_activity where pid <> pg_backend_pid() and query = $1',
        [`listen ${channel}`],
      );
      expect(killed.rowCount).toBe(1);
      await until(() => heardOnce('again'), 15_000, 'message after the kill');

      await stop();
      const count = heard.length;
      await say('after');
      await sleep(300);
      expect(heard.length).toBe(count);
    } finally {
      await stop();
      await admin.end();
      await database.close();
    }
  }, 40_000);

  it('refuses a channel name it would have to quote', async () => {
    const database = await openPostgres(SHARED_DATABASE_URL as string, 1);
    try {
      expect(() => database.subscribe('x; drop table users', () => undefined)).toThrow(/not a channel name/);
    } finally {
      await database.close();
    }
  });
});
