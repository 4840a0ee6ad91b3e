import { randomUUID } from 'node:crypto';
import type { MetricSample } from '@xat/contracts';
import { and, eq, sql } from 'drizzle-orm';
import type { Db, RunStatement, Statement } from '../../db/client.ts';
import { recordings } from '../../db/schema.ts';
import {
  type CompletedSession,
  completeSilentSessions,
  medianIntervalSql,
} from '../metrics/storage/recordings-upkeep.ts';

// The write side of recordings: trickle sessions (planned in the ingest flush's transaction, with the collector's raw
// round locked, so they come out the same whichever process serves a round), their completion, and the recording of an
// uploaded file.

/** The session id answered when none of a request's rounds could be stored and the collector has no session. */
export const NO_SESSION = '00000000-0000-0000-0000-000000000000';

interface Session {
  id: string;
  /** Its first and newest round (epoch s; data timestamps). */
  startedAt: number;
  lastAt: number;
  /** Started in this flush (inserted), else read from the table (updated). */
  isNew: boolean;
  /** Rounds of this flush went to it. */
  touched: boolean;
  identifier: string | null;
}

/** A collector's trickle sessions as one flush sees them. */
export interface SessionState {
  timeoutSeconds: number;
  /** The active session: read locked, or started in this flush. */
  current: Session | undefined;
  /** The active session read had been silent (wall clock) longer than the timeout: the next round ends it. */
  stale: boolean;
  /** Sessions this flush ended. */
  ended: Session[];
}

export interface SessionPlan {
  state: SessionState;
  /** Rounds that start a session: no interval pairs them with the round before (the reference's first round). */
  starts: Set<number>;
  /** The start of the session the collector is left in, when this request started it. */
  restartAt?: number;
  /** The session the request's newest round went to (the active one when no round did). */
  sessionId: string | undefined;
}

/**
 * Assigns rounds (epoch s, ascending) to sessions: a round more than the timeout after the session's newest round or
 * before its first — by the data's timestamps, so a replay of old rounds splits the same as live ones — or any round
 * after the session went silent by the wall clock, ends it and starts a new one. A round late by less than the
 * timeout (sent out of order) joins the session. Pure: a flush that fails and is retried plans again from the same
 * state.
 */
export function planSessions(state: SessionState, rounds: readonly number[], identifier: string | null): SessionPlan {
  let current = state.current && { ...state.current };
  let stale = state.stale;
  const ended = [...state.ended];
  const starts = new Set<number>();
  let restartAt: number | undefined;
  for (const ts of rounds) {
    const timeout = state.timeoutSeconds;
    if (current && !stale && ts >= current.startedAt - timeout && ts <= current.lastAt + timeout) {
      current.startedAt = Math.min(current.startedAt, ts);
      current.lastAt = Math.max(current.lastAt, ts);
      current.touched = true;
      continue;
    }
    if (current) ended.push(current);
    current = { id: randomUUID(), startedAt: ts, lastAt: ts, isNew: true, touched: true, identifier };
    stale = false;
    starts.add(ts);
    restartAt = ts;
  }
  return {
    state: { timeoutSeconds: state.timeoutSeconds, current, stale, ended },
    starts,
    ...(restartAt === undefined ? {} : { restartAt }),
    sessionId: current?.id,
  };
}

/**
 * Each collector's active trickle session, locked (a completion waits for the flush; the flush skips a session
 * completed before it), with its tenant's timeout and whether it went silent by the wall clock.
 */
const READ_SESSIONS: Statement = {
  name: 'xat_read_sessions',
  text: `select u.c::text as c, t.trickle_session_timeout_minutes * 60 as timeout,
      r.id::text as id, extract(epoch from r.started_at)::float8 as s,
      extract(epoch from coalesce(r.ended_at, r.started_at))::float8 as e,
      coalesce(coalesce(r.last_data_at, r.updated_at)
        < now() - make_interval(mins => t.trickle_session_timeout_minutes), false) as stale
    from unnest($1::uuid[], $2::uuid[]) as u(t, c)
    join tenants t on t.id = u.t
    left join lateral (
      select id, started_at, ended_at, last_data_at, updated_at from recordings r
      where r.tenant_id = u.t and r.collector_id = u.c and r.source = 'trickle' and r.status = 'active'
      order by r.started_at desc limit 1
      for update) r on true
    order by u.c`,
  arrays: ['uuid', 'uuid'],
};

export async function readSessions(
  run: RunStatement,
  tenantId: string,
  collectorIds: readonly string[],
): Promise<Map<string, SessionState>> {
  const rows = await run(READ_SESSIONS, [collectorIds.map(() => tenantId), [...collectorIds].sort()]);
  const states = new Map<string, SessionState>();
  for (const r of rows) {
    const current: Session | undefined =
      typeof r.id === 'string'
        ? {
            id: r.id,
            startedAt: Number(r.s),
            lastAt: Number(r.e),
            isNew: false,
            touched: false,
            identifier: null,
          }
        : undefined;
    const stale = current !== undefined && (r.stale === true || r.stale === 't');
    states.set(String(r.c), { timeoutSeconds: Number(r.timeout), current, stale, ended: [] });
  }
  return states;
}

/** Up to this many samples, and when completed, a session's typical interval is taken again from its rows. */
const SMALL = 30;

/**
 * The sessions a flush touched: existing ones updated (status, first and newest round, samples added, typical
 * interval — from its rows while it is small and when it ends —, when data last arrived), new ones inserted — named `Trickle <identifier, else the server's name> <first round,
 * YYYY-MM-DD HH:MM UTC>`.
 */
const WRITE_SESSIONS: Statement = {
  name: 'xat_write_sessions',
  text: `with u as (
      select * from unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::int4[], $5::text[], $6::text[], $7::float8[],
        $8::float8[], $9::int4[], $10::float8[], $11::int4[]) as u(t, id, c, is_new, status, ident, s, e, n, iv, touched)
    ), upd as (
      update recordings r set status = u.status,
        started_at = least(r.started_at, to_timestamp(u.s)),
        ended_at = greatest(r.ended_at, to_timestamp(u.e)),
        sample_count = r.sample_count + u.n,
        interval_seconds = case when u.status = 'completed' or r.sample_count + u.n <= ${SMALL}
          then coalesce(${medianIntervalSql('r', 'least(r.started_at, to_timestamp(u.s))', 'greatest(r.ended_at, to_timestamp(u.e))')},
            r.interval_seconds, u.iv)
          else coalesce(r.interval_seconds, u.iv) end,
        last_data_at = case when u.touched = 1 then now() else r.last_data_at end,
        updated_at = now()
      from u where u.is_new = 0 and r.tenant_id = u.t and r.id = u.id
      returning r.id)
    insert into recordings (tenant_id, id, collector_id, name, source, status, started_at, ended_at, sample_count,
      interval_seconds, last_data_at)
    select u.t, u.id, u.c,
      left('Trickle ' || coalesce(nullif(u.ident, ''), c.name) || ' '
        || to_char(to_timestamp(u.s) at time zone 'UTC', 'YYYY-MM-DD HH24:MI'), 200),
      'trickle', u.status, to_timestamp(u.s), to_timestamp(u.e), u.n, u.iv, now()
    from u join collectors c on c.tenant_id = u.t and c.id = u.c
    where u.is_new = 1`,
  arrays: ['uuid', 'uuid', 'uuid', 'int4', 'text', 'text', 'float8', 'float8', 'int4', 'float8', 'int4'],
};

/** The median of the samples' intervals: the recording's typical interval. */
export function typicalInterval(samples: readonly MetricSample[]): number | null {
  const intervals = samples
    .map((s) => s.interval_seconds)
    .filter((v): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0)
    .sort((a, b) => a - b);
  if (intervals.length === 0) return null;
  const mid = Math.floor(intervals.length / 2);
  return intervals.length % 2
    ? (intervals[mid] as number)
    : ((intervals[mid - 1] as number) + (intervals[mid] as number)) / 2;
}

export async function writeSessions(
  run: RunStatement,
  tenantId: string,
  states: ReadonlyMap<string, unknown>,
  written: ReadonlyMap<string, readonly MetricSample[]>,
): Promise<void> {
  const cols: unknown[][] = Array.from({ length: 11 }, () => []);
  for (const [collectorId, value] of states) {
    const state = value as SessionState;
    const open = state.current && (state.current.isNew || state.current.touched) ? [state.current] : [];
    const sessions = [
      ...open.map((s) => ({ s, status: 'active' })),
      ...state.ended.map((s) => ({ s, status: 'completed' })),
    ];
    const samples = written.get(collectorId) ?? [];
    for (const { s, status } of sessions) {
      const mine = samples.filter((x) => x.timestamp >= s.startedAt && x.timestamp <= s.lastAt);
      const row = [tenantId, s.id, collectorId, s.isNew ? 1 : 0, status, s.identifier, s.startedAt, s.lastAt];
      row.push(mine.length, typicalInterval(mine), s.touched ? 1 : 0);
      row.forEach((v, i) => {
        cols[i]?.push(v);
      });
    }
  }
  if ((cols[0]?.length ?? 0) > 0) await run(WRITE_SESSIONS, cols);
}

/** The trickle sessions' store for the ingest flush (metrics/storage's SessionStore). */
export const trickleSessionStore = { read: readSessions, write: writeSessions };

/** Completes an active trickle session (its typical interval from its rows); undefined when there is none with this id in the tenant (or it is not active). */
export async function completeSession(db: Db, tenantId: string, recordingId: string) {
  const rows = await db
    .update(recordings)
    .set({
      status: 'completed',
      updatedAt: new Date(),
      intervalSeconds: sql`coalesce(${sql.raw(medianIntervalSql('"recordings"'))}, ${recordings.intervalSeconds})`,
    })
    .where(
      and(
        eq(recordings.tenantId, tenantId),
        eq(recordings.id, recordingId),
        eq(recordings.source, 'trickle'),
        eq(recordings.status, 'active'),
      ),
    )
    .returning();
  return rows[0];
}

/**
 * Completes the tenant's active trickle sessions silent (wall clock) longer than `timeoutMinutes` (default: the
 * tenant's setting). Returns what was completed.
 */
export function completeStaleSessions(
  db: Db,
  tenantId: string,
  timeoutMinutes?: number,
  nowMs = Date.now(),
): Promise<CompletedSession[]> {
  return completeSilentSessions(db, {
    tenantId,
    now: nowMs / 1000,
    ...(timeoutMinutes === undefined ? {} : { timeoutMinutes }),
  });
}

export type { CompletedSession };
