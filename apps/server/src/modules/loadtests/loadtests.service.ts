import {
  type CompareEntry,
  type CompareError,
  type DataPoint,
  LOAD_LEVELS,
  type LoadTest,
  UNIT_FIELDS,
  type UnitField,
} from '@xat/contracts';
import type { Db } from '../../db/client.ts';
import { roundHalfEven } from '../../lib/round.ts';
import { findCollectors, specsSummary } from '../collectors/collectors.queries.ts';
import { type LoadTestRow, type LoadTestWithCollector, listLatestLoadTests } from './loadtests.queries.ts';

/** The unit columns, in the order of LOAD_LEVELS and UNIT_FIELDS. */
export const UNIT_COLUMNS = [
  'units10pct',
  'units20pct',
  'units30pct',
  'units40pct',
  'units50pct',
  'units60pct',
  'units70pct',
  'units80pct',
  'units90pct',
  'units100pct',
] as const satisfies readonly (keyof LoadTestRow)[];

const unitsOf = (row: LoadTestRow) => UNIT_COLUMNS.map((c) => row[c]);

/** The reference's derived figures: data points, max, and avg = floor(sum / 10) with zeros included. */
function summarizeUnits(units: readonly number[]): { data_points: DataPoint[]; max_units: number; avg_units: number } {
  return {
    data_points: LOAD_LEVELS.map((utilization, i) => ({ utilization, work_units: units[i] ?? 0 })),
    max_units: Math.max(0, ...units),
    avg_units: Math.floor(units.reduce((a, b) => a + b, 0) / LOAD_LEVELS.length),
  };
}

export function toLoadTestDto(row: LoadTestWithCollector): LoadTest {
  const units = unitsOf(row);
  return {
    id: row.id,
    collector: row.collectorId,
    collector_name: row.collectorName,
    benchmark: row.benchmarkId,
    ...(Object.fromEntries(UNIT_FIELDS.map((f, i) => [f, units[i] ?? 0])) as Record<UnitField, number>),
    ...summarizeUnits(units),
    notes: row.notes,
    details: (row.details as LoadTest['details']) ?? null,
    created_at: row.createdAt.toISOString(),
  };
}

/** Same text as the collector's specs_summary (collectors.routes.ts), which a module may not import. */
const ratio = (a: number, b: number | null | undefined) => (b ? roundHalfEven(a / b, 2) : null);

/**
 * One entry per requested collector, in the given order, from its newest result; unknown (or another tenant's)
 * collectors and collectors without results become error entries. Ratios are against the first entry.
 */
export async function compareLoadTests(
  db: Db,
  tenantId: string,
  collectorIds: readonly string[],
): Promise<(CompareEntry | CompareError)[]> {
  const ids = collectorIds.map((id) => id.toLowerCase());
  const [found, latest] = await Promise.all([
    findCollectors(db, tenantId, ids),
    listLatestLoadTests(db, tenantId, ids),
  ]);
  const collectorById = new Map(found.map((c) => [c.id, c]));
  const resultByCollector = new Map(latest.map((r) => [r.collectorId, r]));
  const baseline = ids[0] === undefined ? undefined : resultByCollector.get(ids[0]);
  const baselineMax = baseline ? Math.max(0, ...unitsOf(baseline)) : null;
  return ids.map((id): CompareEntry | CompareError => {
    const collector = collectorById.get(id);
    if (!collector) return { collector_id: id, error: 'Collector not found' };
    const result = resultByCollector.get(id);
    if (!result) return { collector_id: id, collector_name: collector.name, error: 'No load test results' };
    const summary = summarizeUnits(unitsOf(result));
    const cost = collector.hourlyCost === null ? null : Number(collector.hourlyCost);
    return {
      collector_id: id,
      collector_name: collector.name,
      specs: specsSummary(collector),
      vcpus: collector.vcpus,
      hourly_cost: cost,
      ...summary,
      units_per_vcpu: ratio(summary.max_units, collector.vcpus),
      price_performance: ratio(summary.max_units, cost),
      ratio_to_baseline: ratio(summary.max_units, baselineMax),
      created_at: result.createdAt.toISOString(),
    };
  });
}
