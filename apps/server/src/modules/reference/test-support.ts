// Test support for the reference-route tests (not imported by the server).
import type { MetricSample } from '@xat/contracts';
import { and, eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { createCollector, getApp, type TestTenant } from '../../../test/helpers.ts';
import { fileForm } from '../../../test/multipart.ts';
import { recordings } from '../../db/schema.ts';
import { agentRequest, fixture, hostSeries, keepSeriesForYears } from '../metrics/ingest/test-support.ts';
import { ingestSamples } from '../metrics/storage/ingest-queue.ts';

export {
  fixture,
  type HostRow,
  hostSeries,
  keepSeriesForYears,
  referenceCsv,
} from '../metrics/ingest/test-support.ts';

export const nowSeconds = () => Math.floor(Date.now() / 1000);
export const iso = (epochSeconds: number) => new Date(epochSeconds * 1000).toISOString();

/** Samples straight into the series (the ingest queue), as the agents' routes store them. */
export async function ingest(tenantId: string, collectorId: string, samples: MetricSample[]): Promise<void> {
  const { database } = await getApp();
  const result = await ingestSamples(database.db, tenantId, collectorId, samples);
  expect(result.written).toBe(samples.length);
}

export interface RecordingRow {
  collectorId: string;
  source: 'upload' | 'trickle' | 'live';
  status?: 'active' | 'completed';
  name?: string;
  startedAt?: number | null;
  endedAt?: number | null;
  sampleCount?: number;
  lastDataAt?: Date | null;
  createdAt?: Date;
}

/** A recordings row as the recordings module writes it (times in epoch seconds). */
export async function insertRecording(tenantId: string, r: RecordingRow): Promise<string> {
  const { database } = await getApp();
  const at = (s: number | null | undefined) => (s === null || s === undefined ? null : new Date(s * 1000));
  const [row] = await database.db
    .insert(recordings)
    .values({
      tenantId,
      collectorId: r.collectorId,
      source: r.source,
      status: r.status ?? 'completed',
      name: r.name ?? `${r.source} recording`,
      startedAt: at(r.startedAt),
      endedAt: at(r.endedAt),
      sampleCount: r.sampleCount ?? 0,
      lastDataAt: r.lastDataAt ?? null,
      ...(r.createdAt ? { createdAt: r.createdAt } : {}),
    })
    .returning({ id: recordings.id });
  if (!row) throw new Error('no recording inserted');
  return row.id;
}

/**
 * A real pcc collection of the fixtures uploaded by the agent (the whole file, its own January timestamps), and its
 * upload recording: the one the upload made, or — where uploads do not make one — a row over the stored samples.
 */
export async function uploadFixture(t: TestTenant, name: string, collectorBody: Record<string, unknown> = {}) {
  await keepSeriesForYears(t);
  const collector = await createCollector(t, collectorBody);
  const form = fileForm(`${name}.json`, fixture(name, `${name}.json`));
  const res = await agentRequest(t, collector.api_key, {
    method: 'POST',
    url: '/api/v1/metrics/',
    payload: form.payload,
    headers: form.headers,
  });
  expect(res.statusCode, res.body).toBe(201);
  const rows = await hostSeries(t.id, collector.id);
  const { database } = await getApp();
  const made = await database.db
    .select({ id: recordings.id })
    .from(recordings)
    .where(
      and(eq(recordings.tenantId, t.id), eq(recordings.collectorId, collector.id), eq(recordings.source, 'upload')),
    );
  const recordingId =
    made[0]?.id ??
    (await insertRecording(t.id, {
      collectorId: collector.id,
      source: 'upload',
      name: `${name}.json`,
      startedAt: rows[0]?.t ?? null,
      endedAt: rows.at(-1)?.t ?? null,
      sampleCount: rows.length,
    }));
  return { collector, recordingId, rows };
}
