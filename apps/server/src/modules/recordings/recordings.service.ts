import type { Recording, RecordingCreate, RecordingPatch } from '@xat/contracts';
import type { Db } from '../../db/client.ts';
import { fieldErrors } from '../../http/errors.ts';
import { findCollector } from '../collectors/collectors.queries.ts';
import { summarizeWindow } from '../metrics/query/field-stats.queries.ts';
import type { Range } from '../metrics/query/time-range.ts';
import {
  findRecording,
  insertRecording,
  type RecordingValues,
  type RecordingView,
  updateRecording,
} from './recordings.queries.ts';

/** A live window may end this far past the server's clock: the agent's clock and ours differ a little. */
const FUTURE_SLACK_SECONDS = 60;

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function toRecordingDto(row: RecordingView): Recording {
  return {
    id: row.id,
    collector: row.collectorId,
    collector_name: row.collectorName,
    hostname: row.hostname,
    name: row.name,
    description: row.description,
    source: row.source as Recording['source'],
    status: row.status as Recording['status'],
    data_id: row.dataId,
    started_at: iso(row.startedAt),
    ended_at: iso(row.endedAt),
    duration_seconds: row.startedAt && row.endedAt ? (row.endedAt.getTime() - row.startedAt.getTime()) / 1000 : null,
    sample_count: row.sampleCount,
    interval_seconds: row.intervalSeconds,
    last_data_at: iso(row.lastDataAt),
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

/** The recording's window in whole epoch seconds (widened to whole seconds); undefined while it holds no sample. */
export function windowOf(row: Pick<RecordingView, 'startedAt' | 'endedAt'>): Range | undefined {
  if (!row.startedAt || !row.endedAt) return undefined;
  return { from: Math.floor(row.startedAt.getTime() / 1000), to: Math.ceil(row.endedAt.getTime() / 1000) };
}

const invalidPk = (id: string) => `Invalid pk "${id}" - object does not exist.`;

/**
 * Keeps [start, end] of a server's live series as a recording: from its first to its last sample in that window.
 * 400 naming the field when the window is backwards, in the future, holds no sample, or the server is unknown.
 */
export async function createLiveRecording(
  db: Db,
  tenantId: string,
  body: RecordingCreate,
  now = Date.now(),
): Promise<Recording> {
  const start = Date.parse(body.start) / 1000;
  const end = Date.parse(body.end) / 1000;
  const errors: Record<string, string[]> = {};
  const name = body.name.trim();
  if (!name) errors.name = ['This field may not be blank.'];
  if (!(end > start)) errors.end = ['Must be after start.'];
  else if (start > now / 1000 + FUTURE_SLACK_SECONDS) errors.start = ['Must not be in the future.'];
  const collector = await findCollector(db, tenantId, body.collector);
  if (!collector) errors.collector = [invalidPk(body.collector)];
  if (Object.keys(errors).length || !collector) throw fieldErrors(errors);

  const range = { from: start, to: end };
  const samples = await summarizeWindow(db, tenantId, collector.id, range);
  if (samples.count === 0 || samples.first === null || samples.last === null)
    throw fieldErrors({ start: ['This server has no samples from start to end (older ones are no longer kept).'] });
  const id = await insertRecording(db, tenantId, {
    collectorId: collector.id,
    name,
    description: body.description ?? '',
    source: 'live',
    status: 'completed',
    startedAt: new Date(samples.first * 1000),
    endedAt: new Date(samples.last * 1000),
    sampleCount: samples.count,
    intervalSeconds: samples.intervalSeconds,
  });
  const row = await findRecording(db, tenantId, id);
  if (!row) throw new Error('the recording vanished after its insert');
  return toRecordingDto(row);
}

/** Renames, describes, or completes a recording; undefined when the tenant has none by that id. */
export async function patchRecording(
  db: Db,
  tenantId: string,
  id: string,
  body: RecordingPatch,
): Promise<Recording | undefined> {
  const values: RecordingValues = {};
  if (body.name !== undefined) {
    values.name = body.name.trim();
    if (!values.name) throw fieldErrors({ name: ['This field may not be blank.'] });
  }
  if (body.description !== undefined) values.description = body.description;
  // Only an active trickle session can be completed; completing a completed recording changes nothing.
  if (body.status === 'completed') values.status = 'completed';
  if (!(await updateRecording(db, tenantId, id, values))) return undefined;
  const row = await findRecording(db, tenantId, id);
  return row && toRecordingDto(row);
}
