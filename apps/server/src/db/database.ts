import { fileURLToPath } from 'node:url';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type { ArrayElementType } from './binary-arrays.ts';
import type * as schema from './schema.ts';

// The shape every database has (PostgreSQL or the embedded PGlite), apart from how each is opened.

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

/** One hot write statement: always the same text, with `$n` parameters that are all arrays of `arrays`' types. */
export interface Statement {
  /** Its prepared statement's name on each connection (PostgreSQL plans it once per connection). */
  readonly name: string;
  readonly text: string;
  readonly arrays: readonly ArrayElementType[];
}

/** Runs a statement with its array parameters; returns its rows. */
export type RunStatement = (statement: Statement, values: unknown[][]) => Promise<Record<string, unknown>[]>;

/** Runs `work` as one transaction on one connection of a writer, under the caller's access (access-scope.ts). */
export type Writer = <T>(work: (run: RunStatement) => Promise<T>) => Promise<T>;

export interface Database {
  /** Every query runs under the access of the async context it starts in (access-scope.ts). */
  readonly db: Db;
  readonly kind: 'pglite' | 'postgres';
  /** Applies pending migrations as the owner; safe to call from several processes at once on PostgreSQL. */
  migrate(): Promise<void>;
  /**
   * A writer for hot statements: on PostgreSQL `connections` connections of its own, so it never queues behind request
   * queries, each statement prepared once per connection and its arrays sent in binary; on PGlite the one session.
   */
  writer(connections: number): Writer;
  /**
   * Runs `fn` while holding the advisory lock `key` across every process on the database; `wait: false` skips `fn`
   * (undefined) when another process holds it. PGlite is one process: `fn` just runs.
   */
  exclusive<T>(key: number, opts: { wait: boolean }, fn: () => Promise<T>): Promise<T | undefined>;
  /**
   * Calls `onMessage` with the payload of every NOTIFY on `channel` (a lower-case name), from any process on the
   * database, until the returned function is called. PostgreSQL: on a connection of its own, opened again after a loss
   * (1 s, doubling to 30 s; what is sent meanwhile is missed). PGlite is one process: nothing to hear.
   */
  subscribe(channel: string, onMessage: (payload: string) => void): () => Promise<void>;
  /** Calls `listener` when a pooled connection is lost while idle (PostgreSQL restarted, our backend killed). */
  onConnectionError(listener: (err: Error) => void): void;
  close(): Promise<void>;
}

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../drizzle', import.meta.url));

/** Advisory lock keys: one job at a time across the processes sharing a database. */
export const LOCKS = { migrate: 7361293, maintenance: 7361294, startup: 7361295 } as const;
