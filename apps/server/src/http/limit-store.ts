import { lt } from 'drizzle-orm';
import { integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import type { FastifyBaseLogger } from 'fastify';
import { Redis } from 'ioredis';
import {
  type RateLimiterAbstract,
  RateLimiterDrizzle,
  RateLimiterMemory,
  RateLimiterRedis,
} from 'rate-limiter-flexible';
import type { Database } from '../db/client.ts';

/** `max` per fixed window of `windowMs`. */
export interface Rate {
  readonly max: number;
  readonly windowMs: number;
}

/**
 * The counters of migration 0005, in the shape RateLimiterDrizzle reads and writes. Not in db/schema.ts: the table is
 * hand-written (UNLOGGED), and drizzle-kit must not generate it again.
 */
export const rateLimits = pgTable('rate_limits', {
  key: text('key').primaryKey(),
  points: integer('points').notNull().default(0),
  expire: timestamp('expire', { withTimezone: true, mode: 'date' }),
});

/** Where counters live, so that every server process sees the same ones. */
export interface LimitStore {
  readonly kind: 'redis' | 'database';
  /**
   * A counter of `rate.max` points per window under `name`. While the store fails (Redis or PostgreSQL away) it
   * counts in this process's memory instead of refusing everyone or no one.
   */
  limiter(name: string, rate: Rate): RateLimiterAbstract;
  /** Resolves once the store can be used (Redis connected, or given up on with a warning). */
  ready(): Promise<void>;
  close(): Promise<void>;
}

const CLEANUP_MS = 10 * 60_000;

/**
 * Redis when REDIS_URL is set; otherwise the database: PostgreSQL is shared by every process, and PGlite is one
 * process by design (the same code, so both are tested alike).
 */
export function createLimitStore(opts: {
  database: Database;
  redisUrl: string | undefined;
  log: FastifyBaseLogger;
}): LimitStore {
  const memory = (name: string, rate: Rate) =>
    new RateLimiterMemory({ keyPrefix: name, points: rate.max, duration: rate.windowMs / 1000 });
  if (opts.redisUrl) return redisStore(opts.redisUrl, opts.log, memory);

  const { db } = opts.database;
  // rate-limiter-flexible's own sweep would run per limiter and outlive the app; one sweep, stopped on close.
  const sweep = setInterval(() => {
    db.delete(rateLimits)
      .where(lt(rateLimits.expire, new Date(Date.now() - CLEANUP_MS)))
      .catch((err: unknown) => opts.log.warn({ err }, 'rate limits: could not delete expired counters'));
  }, CLEANUP_MS);
  sweep.unref();
  return {
    kind: 'database',
    limiter: (name, rate) =>
      new RateLimiterDrizzle({
        storeClient: db,
        schema: rateLimits,
        keyPrefix: name,
        points: rate.max,
        duration: rate.windowMs / 1000,
        clearExpiredByTimeout: false,
        insuranceLimiter: memory(name, rate),
      }),
    ready: async () => undefined,
    close: async () => clearInterval(sweep),
  };
}

function redisStore(
  url: string,
  log: FastifyBaseLogger,
  memory: (name: string, rate: Rate) => RateLimiterMemory,
): LimitStore {
  // No offline queue: while Redis is away a sign-in is counted in memory at once instead of waiting for it.
  const client = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    lazyConnect: true,
    // Start without waiting long for a Redis that is away: it is counted in memory meanwhile, and ioredis reconnects.
    connectTimeout: 2_000,
  });
  let lastError = '';
  client.on('error', (err: Error) => {
    // ioredis retries for ever; say so once per distinct error, not once per retry.
    if (err.message !== lastError) log.warn({ err: err.message }, 'rate limits: Redis unavailable, counting in memory');
    lastError = err.message;
  });
  client.on('ready', () => {
    lastError = '';
  });
  return {
    kind: 'redis',
    limiter: (name, rate) =>
      new RateLimiterRedis({
        storeClient: client,
        rejectIfRedisNotReady: true,
        keyPrefix: `xat:${name}`,
        points: rate.max,
        duration: rate.windowMs / 1000,
        insuranceLimiter: memory(name, rate),
      }),
    ready: () => client.connect().catch(() => undefined),
    close: async () => client.disconnect(),
  };
}
