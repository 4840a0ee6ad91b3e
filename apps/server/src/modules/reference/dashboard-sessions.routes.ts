import {
  CheckInactiveQuery,
  CheckInactiveSchema,
  DashboardIdParams,
  REFERENCE_UNITS,
  SessionCompleteBody,
  SessionCompleteSchema,
  SessionDatesSchema,
  SessionLiveSchema,
  SessionsQuery,
  SessionsSchema,
  TrickleActiveSchema,
} from '@xat/contracts';
import type { App, Deps } from '../../app-types.ts';
import { roundHalfEven } from '../../lib/round.ts';
import { findCollectors } from '../collectors/collectors.queries.ts';
import { summarizeHostFields } from '../metrics/query/field-stats.queries.ts';
import { updateRecording } from '../recordings/recordings.queries.ts';
import { completeSession, completeStaleSessions } from '../recordings/sessions.ts';
import { findRecordingOf, listSessions, type RecordingItem } from './reference.queries.ts';
import { collectorOr404, referenceError } from './reference-errors.ts';
import { liveShape, type RawSamples } from './series-shapes.ts';
import { readRawSamples, recordingRange } from './windows.ts';

const tags = ['reference dashboard'];
const SESSIONS =
  'Sessions are the trickle recordings: rounds of the original pcc on `/v1/trickle`, a new one after a gap longer ' +
  'than the tenant’s session timeout. A session still marked active shows as completed once that timeout has passed.';

const iso = (d: Date | null) => d?.toISOString() ?? null;
const dayOf = (s: RecordingItem) => (s.startedAt ?? s.createdAt).toISOString().slice(0, 10);

/** First to last sample; an active session's runs to now while its last sample is not known yet. */
function durationOf(s: RecordingItem, nowMs: number): number {
  if (!s.startedAt) return 0;
  const end = s.endedAt?.getTime() ?? (s.status === 'active' ? nowMs : s.startedAt.getTime());
  return Math.max(0, (end - s.startedAt.getTime()) / 1000);
}

const sessionItem = (s: RecordingItem, nowMs: number) => ({
  session_id: s.id,
  name: s.name,
  status: s.status,
  started_at: iso(s.startedAt),
  ended_at: iso(s.endedAt),
  sample_count: s.sampleCount,
  duration_seconds: durationOf(s, nowMs),
});

const NO_SAMPLES: RawSamples = { t: [], columns: {} };

/** The reference perf-dashboard's trickle-session routes over our trickle recordings. */
export function dashboardSessionRoutes(app: App, { db, guards }: Deps): void {
  const viewer = guards.user('viewer');
  const member = guards.user('member');

  const sessionOr404 = async (tenantId: string, id: string) => {
    const session = await findRecordingOf(db, tenantId, id, 'trickle');
    if (!session) throw referenceError(404, 'Session not found', 'not_found');
    return session;
  };

  app.get(
    '/dashboard/api/trickle/active/',
    {
      preValidation: viewer,
      schema: {
        summary: 'Reference dashboard: active trickle sessions',
        description: `${SESSIONS} Reads only: nothing is created or changed (the reference created sessions here). avg_cpu_percent: mean CPU busy %, avg_mem_percent: mean memory used %, over the session’s samples, 2 dp; duration_seconds from its first sample to its last.`,
        tags,
        response: { 200: TrickleActiveSchema },
      },
    },
    async (request) => {
      const tenantId = request.tenant.id;
      const nowMs = Date.now();
      const active = await listSessions(db, tenantId, { status: 'active' });
      const sessions = await Promise.all(
        active.map(async (s) => {
          const stats = s.startedAt
            ? await summarizeHostFields(db, tenantId, s.collectorId, ['cpu_busy', 'mem_used_pct'], {
                ...recordingRange(s.startedAt, s.endedAt, nowMs / 1000),
              })
            : {};
          const avg = (field: string) => {
            const value = stats[field]?.avg;
            return value === null || value === undefined ? null : roundHalfEven(value, 2);
          };
          return {
            session_id: s.id,
            collector_id: s.collectorId,
            collector_name: s.collectorName,
            started_at: iso(s.startedAt),
            last_data_at: iso(s.lastDataAt),
            sample_count: s.sampleCount,
            duration_seconds: durationOf(s, nowMs),
            avg_cpu_percent: avg('cpu_busy'),
            avg_mem_percent: avg('mem_used_pct'),
          };
        }),
      );
      return { active_count: sessions.length, sessions };
    },
  );

  app.post(
    '/dashboard/api/trickle/check-inactive/',
    {
      preValidation: member,
      schema: {
        summary: 'Reference dashboard: complete stale sessions',
        description: `Completes every active trickle session that received nothing for \`timeout_minutes\` (default: the tenant’s session timeout) and lists them. ${SESSIONS}`,
        tags,
        querystring: CheckInactiveQuery,
        response: { 200: CheckInactiveSchema },
      },
    },
    async (request) => {
      const tenantId = request.tenant.id;
      const done = await completeStaleSessions(db, tenantId, request.query.timeout_minutes);
      const names = new Map(
        (await findCollectors(db, tenantId, [...new Set(done.map((s) => s.collectorId))])).map((c) => [c.id, c.name]),
      );
      return {
        completed_count: done.length,
        completed_sessions: done.map((s) => ({
          session_id: s.id,
          collector_name: names.get(s.collectorId) ?? '',
          sample_count: s.sampleCount,
        })),
      };
    },
  );

  app.get(
    '/dashboard/api/collectors/:id/sessions/',
    {
      preValidation: viewer,
      schema: {
        summary: 'Reference dashboard: a collector’s sessions by date',
        description: `The collector’s trickle sessions grouped by the UTC date they started, newest first; \`status\` filters (\`saved\` — after a blob export — never applies here). ${SESSIONS}`,
        tags,
        params: DashboardIdParams,
        querystring: SessionsQuery,
        response: { 200: SessionsSchema },
      },
    },
    async (request) => {
      const tenantId = request.tenant.id;
      const collector = await collectorOr404(db, tenantId, request.params.id);
      const status = request.query.status ?? 'all';
      const rows =
        status === 'saved'
          ? []
          : await listSessions(db, tenantId, {
              collectorId: collector.id,
              ...(status === 'all' ? {} : { status }),
            });
      const nowMs = Date.now();
      const byDate: Record<string, ReturnType<typeof sessionItem>[]> = {};
      for (const s of rows) {
        const day = dayOf(s);
        byDate[day] = [...(byDate[day] ?? []), sessionItem(s, nowMs)];
      }
      return {
        collector_id: collector.id,
        collector_name: collector.name,
        dates: Object.keys(byDate).sort().reverse(),
        sessions_by_date: byDate,
        total_sessions: rows.length,
      };
    },
  );

  app.get(
    '/dashboard/api/collectors/:id/session-dates/',
    {
      preValidation: viewer,
      schema: {
        summary: 'Reference dashboard: dates with completed sessions',
        description: `The UTC dates on which the collector’s completed trickle sessions started, newest first, with how many. ${SESSIONS}`,
        tags,
        params: DashboardIdParams,
        response: { 200: SessionDatesSchema },
      },
    },
    async (request) => {
      const tenantId = request.tenant.id;
      const collector = await collectorOr404(db, tenantId, request.params.id);
      const counts = new Map<string, number>();
      for (const s of await listSessions(db, tenantId, { collectorId: collector.id, status: 'completed' }))
        counts.set(dayOf(s), (counts.get(dayOf(s)) ?? 0) + 1);
      const dates = [...counts.keys()].sort().reverse();
      return {
        collector_id: collector.id,
        collector_name: collector.name,
        dates: dates.map((date) => ({ date, session_count: counts.get(date) ?? 0 })),
      };
    },
  );

  app.get(
    '/dashboard/api/sessions/:id/',
    {
      preValidation: viewer,
      schema: {
        summary: 'Reference dashboard: a session’s samples',
        description: `Every sample of the session in the live shape (units as the live route: % , ${REFERENCE_UNITS.mb}, disk ${REFERENCE_UNITS.diskMbps}, network ${REFERENCE_UNITS.netMbps}, amounts per interval) with the session’s id, name, status and first and last sample times. Another tenant’s session is 404 (the reference answered 403).`,
        tags,
        params: DashboardIdParams,
        response: { 200: SessionLiveSchema },
      },
    },
    async (request) => {
      const tenantId = request.tenant.id;
      const s = await sessionOr404(tenantId, request.params.id);
      const samples = s.startedAt
        ? await readRawSamples(
            db,
            tenantId,
            s.collectorId,
            recordingRange(s.startedAt, s.endedAt, Date.now() / 1000),
            'id',
          )
        : NO_SAMPLES;
      return {
        collector_id: s.collectorId,
        collector_name: s.collectorName,
        ...liveShape(samples),
        session_id: s.id,
        session_name: s.name,
        session_status: s.status,
        started_at: iso(s.startedAt),
        ended_at: iso(s.endedAt),
      };
    },
  );

  app.post(
    '/dashboard/api/sessions/:id/complete/',
    {
      // The body is optional, as the reference's.
      preValidation: [
        member,
        async (request) => {
          request.body ??= {};
        },
      ],
      schema: {
        summary: 'Reference dashboard: complete a session',
        description:
          'Completes an active trickle session, renaming it when `name` is given. 400 `{"error": "Session is not active"}` when it is not (blob export options of the reference are not taken).',
        tags,
        params: DashboardIdParams,
        body: SessionCompleteBody,
        response: { 200: SessionCompleteSchema },
      },
    },
    async (request) => {
      const tenantId = request.tenant.id;
      const s = await sessionOr404(tenantId, request.params.id);
      const notActive = () => referenceError(400, 'Session is not active', 'not_active');
      if (s.status !== 'active') throw notActive();
      const done = await completeSession(db, tenantId, s.id);
      if (!done) throw notActive();
      const { name } = request.body;
      if (name !== undefined) await updateRecording(db, tenantId, s.id, { name });
      return {
        session_id: s.id,
        status: 'completed',
        ended_at: iso(done.endedAt),
        sample_count: done.sampleCount,
        message: 'Session completed',
      };
    },
  );
}
