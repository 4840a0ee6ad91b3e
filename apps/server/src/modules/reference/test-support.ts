// Test support for the reference-route tests (not imported by the server).
import type { MetricSample } from '@xat/contracts';
import { expect } from 'vitest';
import { createCollector, getApp, type TestTenant } from '../../../test/helpers.ts';
import { fileForm } from '../../../test/multipart.ts';
import { recordings } from '../../db/schema.ts';
import { agentRequest, fixture, hostSeries } from '../metrics/ingest/test-support.ts';
import { ingestSamples } from '../metrics/storage/ingest-queue.ts';

export {
  agentRequest,
  fixture,
  type HostRow,
  hostSeries,
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

/** A real pcc collection of the fixtures uploaded by the agent (the whole file, its own January timestamps). */
export async function uploadFixture(t: TestTenant, name: string, collectorBody: Record<string, unknown> = {}) {
  const collector = await createCollector(t, collectorBody);
  const form = fileForm(`${name}.json`, fixture(name, `${name}.json`));
  const res = await agentRequest(t, collector.api_key, {
    method: 'POST',
    url: '/api/v1/metrics/',
    payload: form.payload,
    headers: form.headers,
  });
  expect(res.statusCode, res.body).toBe(201);
  const recordingId = res.json<{ recording_id: string }>().recording_id;
  expect(recordingId).toMatch(/^[0-9a-f-]{36}$/);
  return { collector, recordingId, rows: await hostSeries(t.id, collector.id) };
}
