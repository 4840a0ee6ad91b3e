import {
  IdParams,
  Page,
  PageQuery,
  type Schedule,
  ScheduleCreateSchema,
  type SchedulePatch,
  SchedulePatchSchema,
  ScheduleSchema,
} from '@xat/contracts';
import type { App, Deps } from '../../app-types.ts';
import type { Db } from '../../db/client.ts';
import { fieldErrors, notFound } from '../../http/errors.ts';
import { pageOf, pageParams } from '../../http/pagination.ts';
import { findCollector } from '../collectors/collectors.queries.ts';
import { neverPolled } from './jobs.service.ts';
import { findProfile } from './profiles.queries.ts';
import {
  deleteSchedule,
  findSchedule,
  insertSchedule,
  listSchedules,
  type ScheduleValues,
  type ScheduleWithName,
  updateSchedule,
} from './schedules.queries.ts';

const tags = ['jobs'];

const toScheduleDto = (row: ScheduleWithName): Schedule => ({
  id: row.id,
  collector: row.collectorId,
  collector_name: row.collectorName,
  profile: row.profile,
  every_hours: row.everyHours,
  next_run_at: row.nextRunAt.toISOString(),
  enabled: row.enabled,
  drop_alert_pct: row.dropAlertPct,
  created_at: row.createdAt.toISOString(),
});

/** Wire fields → columns, only those sent; every bad field in one 400. */
async function toValues(db: Db, tenantId: string, body: SchedulePatch): Promise<ScheduleValues> {
  const errors: Record<string, string[]> = {};
  const v: ScheduleValues = {};
  if (body.collector) {
    const collector = await findCollector(db, tenantId, body.collector);
    if (!collector) errors.collector = [`Invalid pk "${body.collector}" - object does not exist.`];
    else if (!collector.jobsPolledAt) errors.collector = [neverPolled(collector.name)];
  }
  if (body.collector !== undefined) v.collectorId = body.collector?.toLowerCase() ?? null;
  if (body.profile !== undefined) {
    if (await findProfile(db, tenantId, body.profile)) v.profile = body.profile;
    else errors.profile = [`Unknown profile "${body.profile}".`];
  }
  if (body.next_run_at !== undefined) {
    const at = Date.parse(body.next_run_at);
    if (Number.isNaN(at)) errors.next_run_at = ['Datetime has wrong format.'];
    else v.nextRunAt = new Date(at);
  }
  if (Object.keys(errors).length) throw fieldErrors(errors);
  if (body.every_hours !== undefined) v.everyHours = body.every_hours;
  if (body.enabled !== undefined) v.enabled = body.enabled;
  if (body.drop_alert_pct !== undefined) v.dropAlertPct = body.drop_alert_pct;
  return v;
}

/** Benchmark schedules: a profile on one server or the whole fleet, every so many hours. */
export function scheduleRoutes(app: App, { db, guards }: Deps, now: () => Date): void {
  const findDto = async (tenantId: string, id: string) => {
    const row = await findSchedule(db, tenantId, id);
    if (!row) throw notFound();
    return toScheduleDto(row);
  };

  app.get(
    '/api/v1/benchmark-schedules/',
    {
      preValidation: guards.user('viewer'),
      schema: {
        summary: 'List benchmark schedules',
        description: 'The tenant’s schedules, the next due first.',
        tags,
        querystring: PageQuery,
        response: { 200: Page(ScheduleSchema) },
      },
    },
    async (request) => {
      const page = pageParams(request.query);
      const { rows, count } = await listSchedules(db, request.tenant.id, page);
      return pageOf(request, page, count, rows.map(toScheduleDto));
    },
  );

  app.post(
    '/api/v1/benchmark-schedules/',
    {
      preValidation: guards.user('member'),
      schema: {
        summary: 'Add a benchmark schedule',
        description:
          'Runs a profile every `every_hours` on one server (`collector`) or, without one, on every server whose agent runs jobs; first at `next_run_at` (default: now). A server with a job of that profile still queued or running is left out of that round.',
        tags,
        body: ScheduleCreateSchema,
        response: { 201: ScheduleSchema },
      },
    },
    async (request, reply) => {
      const tenantId = request.tenant.id;
      const values = await toValues(db, tenantId, request.body);
      const row = await insertSchedule(db, tenantId, {
        ...values,
        profile: request.body.profile,
        everyHours: request.body.every_hours,
        nextRunAt: values.nextRunAt ?? now(),
      });
      reply.code(201);
      return findDto(tenantId, row.id);
    },
  );

  app.patch(
    '/api/v1/benchmark-schedules/:id/',
    {
      preValidation: guards.user('member'),
      schema: {
        summary: 'Change a benchmark schedule',
        description: 'The fields sent: server (null for the fleet), profile, period, next run, enabled, alert share.',
        tags,
        params: IdParams,
        body: SchedulePatchSchema,
        response: { 200: ScheduleSchema },
      },
    },
    async (request) => {
      const tenantId = request.tenant.id;
      const { id } = request.params;
      if (!(await findSchedule(db, tenantId, id))) throw notFound();
      const values = await toValues(db, tenantId, request.body);
      if (Object.keys(values).length && !(await updateSchedule(db, tenantId, id, values))) throw notFound();
      return findDto(tenantId, id);
    },
  );

  app.delete(
    '/api/v1/benchmark-schedules/:id/',
    {
      preValidation: guards.user('member'),
      schema: {
        summary: 'Delete a benchmark schedule',
        description: 'No more jobs from it; jobs it started stay.',
        tags,
        params: IdParams,
      },
    },
    async (request, reply) => {
      if (!(await deleteSchedule(db, request.tenant.id, request.params.id))) throw notFound();
      return reply.code(204).send();
    },
  );
}
