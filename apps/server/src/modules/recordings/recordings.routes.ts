import {
  IdParams,
  Page,
  RecordingCreateSchema,
  RecordingListQuery,
  RecordingPatchSchema,
  RecordingSchema,
} from '@xat/contracts';
import type { App, Deps } from '../../app-types.ts';
import { notFound } from '../../http/errors.ts';
import { pageOf, pageParams } from '../../http/pagination.ts';
import { recordingDataRoutes } from './recording-data.routes.ts';
import { deleteRecordingWithSeries } from './recording-series.ts';
import { findRecording, listRecordings } from './recordings.queries.ts';
import { createLiveRecording, patchRecording, toRecordingDto } from './recordings.service.ts';

const tags = ['recordings'];

/** Recordings: the list, keeping a live window, a recording's page (rename, describe, complete, delete). */
export function recordingRoutes(app: App, deps: Deps): void {
  const { db, guards } = deps;

  app.get(
    '/api/v1/recordings/',
    {
      preValidation: guards.user('viewer'),
      schema: {
        summary: 'List recordings',
        description:
          'The tenant’s recordings (uploaded collections, trickle sessions, kept live windows), kept whatever their ' +
          'age, a page at a time: filter by server (`collector_id`) or `source`, search name, description, server ' +
          'name or host, order by `ordering` (default newest start first). An active trickle session that received ' +
          'nothing for the tenant’s session timeout shows as completed.',
        tags,
        querystring: RecordingListQuery,
        response: { 200: Page(RecordingSchema) },
      },
    },
    async (request) => {
      const { collector_id, source, search, ordering } = request.query;
      const page = pageParams(request.query);
      const { rows, count } = await listRecordings(db, request.tenant.id, {
        ...page,
        ...(collector_id ? { collectorId: collector_id } : {}),
        ...(source ? { source } : {}),
        ...(search ? { search } : {}),
        ...(ordering ? { ordering } : {}),
      });
      return pageOf(request, page, count, rows.map(toRecordingDto));
    },
  );

  app.post(
    '/api/v1/recordings/',
    {
      preValidation: guards.user('member'),
      schema: {
        summary: 'Keep a live window',
        description:
          'Keeps [start, end] of a server’s live series as a recording (source live): from its first to its last ' +
          'sample in the window, kept after live retention would drop them. 400 naming the field when the window ' +
          'ends before it starts, starts in the future or holds no sample, or the collector is unknown.',
        tags,
        body: RecordingCreateSchema,
        response: { 201: RecordingSchema },
      },
    },
    async (request, reply) => {
      const recording = await createLiveRecording(db, request.tenant.id, request.body);
      return reply.code(201).send(recording);
    },
  );

  app.get(
    '/api/v1/recordings/:id/',
    {
      preValidation: guards.user('viewer'),
      schema: {
        summary: 'A recording',
        description: 'One recording: its server, source, status, window, sample count and interval.',
        tags,
        params: IdParams,
        response: { 200: RecordingSchema },
      },
    },
    async (request) => {
      const row = await findRecording(db, request.tenant.id, request.params.id);
      if (!row) throw notFound();
      return toRecordingDto(row);
    },
  );

  app.patch(
    '/api/v1/recordings/:id/',
    {
      preValidation: guards.user('member'),
      schema: {
        summary: 'Rename, describe or complete a recording',
        description:
          'Changes the fields sent: `name`, `description`, and `status: completed` to end an active trickle session ' +
          '(the next round of its server starts a new one).',
        tags,
        params: IdParams,
        body: RecordingPatchSchema,
        response: { 200: RecordingSchema },
      },
    },
    async (request) => {
      const recording = await patchRecording(db, request.tenant.id, request.params.id, request.body);
      if (!recording) throw notFound();
      return recording;
    },
  );

  app.delete(
    '/api/v1/recordings/:id/',
    {
      preValidation: guards.user('member'),
      schema: {
        summary: 'Delete a recording',
        description:
          'Removes the recording and its series: the samples of its window that no other recording of the server ' +
          'holds, with their 1m/1h buckets rebuilt. A kept live window only releases its samples to the live ' +
          'retention.',
        tags,
        params: IdParams,
      },
    },
    async (request, reply) => {
      if (!(await deleteRecordingWithSeries(db, request.tenant.id, request.params.id))) throw notFound();
      return reply.code(204).send();
    },
  );

  recordingDataRoutes(app, deps);
}
