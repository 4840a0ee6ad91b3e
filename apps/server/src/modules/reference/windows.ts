/** Which stretch of a collector's series a reference route answers with, and reading it. */
import type { HostField, MetricSeries } from '@xat/contracts';
import type { Db } from '../../db/client.ts';
import { fieldError } from '../../http/errors.ts';
import { findRetention, listHostSamples } from '../metrics/query/metrics-query.queries.ts';
import { MAX_ROWS, readHostSeries } from '../metrics/query/metrics-query.service.ts';
import type { Range } from '../metrics/query/time-range.ts';
import { findNewestRecording } from './reference.queries.ts';
import { LIVE_FIELDS, type RawSamples } from './series-shapes.ts';

export interface Window {
  /** The recording whose window this is; null for the last hours of live data. */
  recordingId: string | null;
  range: Range;
}

/** A recording's window in whole epoch seconds (an active one's runs to `now` until its last sample is known). */
export const recordingRange = (startedAt: Date, endedAt: Date | null, now: number): Range => ({
  from: Math.floor(startedAt.getTime() / 1000),
  to: endedAt ? Math.ceil(endedAt.getTime() / 1000) : Math.floor(now),
});

/**
 * The window of the reference's per-collector cpu/memory/disk/network routes (it read the newest uploaded file): the
 * collector's recording with the newest data, whatever its age; without one, the last `hours` of live data.
 */
export async function dashboardWindow(
  db: Db,
  tenantId: string,
  collectorId: string,
  hours: number,
  now: number,
): Promise<Window> {
  const newest = await findNewestRecording(db, tenantId, collectorId);
  if (newest?.startedAt)
    return { recordingId: newest.id, range: recordingRange(newest.startedAt, newest.endedAt, now) };
  return { recordingId: null, range: { from: Math.floor(now) - hours * 3600, to: Math.floor(now) } };
}

/**
 * Host fields over a window at the resolution its span calls for (raw under ~8 h; else 1-minute or 1-hour means):
 * a recording's window whole, whatever its age; live data as far back as the tenant keeps it.
 */
export async function readWindow(
  db: Db,
  tenantId: string,
  collectorId: string,
  fields: readonly HostField[],
  window: Window,
  now: number,
): Promise<MetricSeries> {
  if (window.recordingId)
    return readHostSeries(db, tenantId, collectorId, fields, { step: 'auto', range: window.range, keep: true });
  const retention = await findRetention(db, tenantId);
  if (!retention) throw new Error('tenant without retention settings');
  return readHostSeries(db, tenantId, collectorId, fields, { step: 'auto', range: window.range, retention, now });
}

/** The raw samples in [from, to] with the live fields, at most MAX_ROWS (else a 400 naming `param`). */
export async function readRawSamples(
  db: Db,
  tenantId: string,
  collectorId: string,
  range: Range,
  param: string,
): Promise<RawSamples> {
  const data = await listHostSamples(db, tenantId, collectorId, LIVE_FIELDS, range, MAX_ROWS + 1);
  if (data.count > MAX_ROWS)
    throw fieldError(param, `More than ${MAX_ROWS} samples in this range: ask for a shorter one.`);
  return { t: data.t, columns: data.columns };
}
