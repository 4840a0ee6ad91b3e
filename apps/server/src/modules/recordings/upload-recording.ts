import type { MetricSample } from '@xat/contracts';
import type { Db } from '../../db/client.ts';
import { recordings } from '../../db/schema.ts';
import { typicalInterval } from './sessions.ts';

/**
 * The recording of an uploaded file (source upload), made BEFORE its samples are stored: its window then already
 * covers them when maintenance judges an old day (raw-expiry.ts), so the rows land inside a recording. `samples`:
 * those about to be stored (a duplicate of one already stored is in the series too, so it counts).
 */
export async function insertUploadRecording(
  db: Db,
  tenantId: string,
  values: { collectorId: string; dataId: string; name: string; samples: readonly MetricSample[] },
): Promise<string | undefined> {
  const timestamps = values.samples.map((s) => s.timestamp);
  if (timestamps.length === 0) return undefined;
  const rows = await db
    .insert(recordings)
    .values({
      tenantId,
      collectorId: values.collectorId,
      name: Array.from(values.name).slice(0, 200).join(''),
      source: 'upload',
      status: 'completed',
      dataId: values.dataId,
      startedAt: new Date(timestamps.reduce((a, b) => Math.min(a, b)) * 1000),
      endedAt: new Date(timestamps.reduce((a, b) => Math.max(a, b)) * 1000),
      sampleCount: new Set(timestamps).size,
      intervalSeconds: typicalInterval(values.samples),
      lastDataAt: new Date(),
    })
    .returning({ id: recordings.id });
  return rows[0]?.id;
}
