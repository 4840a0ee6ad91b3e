import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Database } from '../../db/database.ts';
import type { JobWaiters } from './job-waiters.ts';

/**
 * Jobs queued in one server process wake the agents' long polls waiting in the others, through PostgreSQL's
 * LISTEN/NOTIFY: `<process> <tenant> <collector,…>`. A notification missed (the listening connection was being
 * opened again) costs what it cost before: the poll finds the job at the end of its wait.
 */
const CHANNEL = 'xat_job_wake';
/** Collectors named per notification: 200 uuids stay well inside PostgreSQL's 8000-byte payload. */
const PER_MESSAGE = 200;

export interface JobWake {
  /** Tells the other processes (not this one) that jobs were queued for these collectors. */
  announce(tenantId: string, collectorIds: readonly string[]): Promise<void>;
  /** Wakes this process's waiting polls for what the other processes announce, until the function returned is called. */
  listen(waiters: JobWaiters): () => Promise<void>;
}

export function jobWake(database: Database): JobWake {
  const self = randomUUID();
  return {
    async announce(tenantId, collectorIds) {
      if (database.kind !== 'postgres') return; // one process: its own waiters are woken directly
      for (let i = 0; i < collectorIds.length; i += PER_MESSAGE) {
        const payload = `${self} ${tenantId} ${collectorIds.slice(i, i + PER_MESSAGE).join(',')}`;
        await database.db.execute(sql`select pg_notify(${CHANNEL}, ${payload})`);
      }
    },
    listen(waiters) {
      return database.subscribe(CHANNEL, (payload) => {
        const [from, tenantId, ids] = payload.split(' ');
        if (from === self || !tenantId || !ids) return;
        waiters.wake(tenantId, ids.split(','));
      });
    },
  };
}
