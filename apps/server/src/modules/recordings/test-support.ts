// Test support for the recordings tests (not imported by the server).
import type { MetricSample, Recording } from '@xat/contracts';
import { expect } from 'vitest';
import { getApp, type TestTenant } from '../../../test/helpers.ts';
import { ingestSamples } from '../metrics/storage/ingest-queue.ts';
import { insertRecording, type RecordingValues } from './recordings.queries.ts';

export const DAY = 86_400;

/** An hour boundary `days` back. */
export const daysAgo = (days: number) => Math.floor((Date.now() / 1000 - days * DAY) / 3600) * 3600;

/** A sample of the given host values, every 10 s. */
export const hostSample = (timestamp: number, host: MetricSample['host']): MetricSample => ({
  timestamp,
  interval_seconds: 10,
  host,
  cpus: [{ cpu: 0, busy: host.cpu_busy ?? null }],
});

/** Stores samples of a collector directly, whatever their age (as an upload of an old collection does). */
export async function storeSamples(t: TestTenant, collectorId: string, samples: readonly MetricSample[]) {
  const { database } = await getApp();
  const result = await ingestSamples(database.db, t.id, collectorId, samples);
  expect(result.written).toBe(samples.length);
}

/**
 * A recordings row over [first, last] of the samples (as the upload and trickle paths write it), read back through
 * the API.
 */
export async function storeRecording(
  t: TestTenant,
  collectorId: string,
  values: Partial<RecordingValues> & { startedAt?: Date | null; endedAt?: Date | null } = {},
): Promise<Recording> {
  const { database } = await getApp();
  const id = await insertRecording(database.db, t.id, {
    collectorId,
    name: 'recording',
    source: 'upload',
    ...values,
  });
  const res = await t.request({ method: 'GET', url: `/api/v1/recordings/${id}/`, auth: 'viewer' });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<Recording>();
}

/** A window of samples as a recording: samples every 10 s from `t0` + 10, `values[i]` as the host fields. */
export async function recordSeries(
  t: TestTenant,
  collectorId: string,
  t0: number,
  values: readonly MetricSample['host'][],
  recording: Partial<RecordingValues> = {},
): Promise<Recording> {
  const samples = values.map((host, i) => hostSample(t0 + 10 * (i + 1), host));
  await storeSamples(t, collectorId, samples);
  return storeRecording(t, collectorId, {
    startedAt: new Date((t0 + 10) * 1000),
    endedAt: new Date((t0 + 10 * values.length) * 1000),
    sampleCount: values.length,
    intervalSeconds: 10,
    ...recording,
  });
}
