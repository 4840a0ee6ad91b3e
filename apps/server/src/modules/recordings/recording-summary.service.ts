import {
  type FieldStats,
  type HostField,
  RECORDING_STAT_FIELDS,
  type RecordingStatField,
  type RecordingSummary,
} from '@xat/contracts';
import type { Db } from '../../db/client.ts';
import { summarizeHostFields } from '../metrics/query/field-stats.queries.ts';
import { listLoadTestsInWindow, type RecordingView } from './recordings.queries.ts';
import { toRecordingDto, windowOf } from './recordings.service.ts';

const NO_STATS: FieldStats = { n: 0, avg: null, p50: null, p95: null, max: null };

/** avg, p50, p95 and max of each field over the recording's raw samples; n = 0 and nulls while it holds none. */
export async function recordingStats(
  db: Db,
  tenantId: string,
  row: RecordingView,
  fields: readonly HostField[] = RECORDING_STAT_FIELDS,
): Promise<Record<string, FieldStats>> {
  const window = windowOf(row);
  if (!window) return Object.fromEntries(fields.map((f) => [f, NO_STATS]));
  return summarizeHostFields(db, tenantId, row.collectorId, fields, window);
}

/** The recording, its statistics (RECORDING_STAT_FIELDS) and the load tests of its server stored inside its window. */
export async function summarizeRecording(db: Db, tenantId: string, row: RecordingView): Promise<RecordingSummary> {
  const [stats, loadTests] = await Promise.all([
    recordingStats(db, tenantId, row),
    row.startedAt && row.endedAt
      ? listLoadTestsInWindow(db, tenantId, row.collectorId, row.startedAt, row.endedAt)
      : Promise.resolve([]),
  ]);
  return {
    recording: toRecordingDto(row),
    stats: stats as Record<RecordingStatField, FieldStats>,
    load_tests: loadTests.map((t) => ({
      id: t.id,
      created_at: t.createdAt.toISOString(),
      validity: t.validity,
      units_100pct: t.units100pct,
    })),
  };
}
