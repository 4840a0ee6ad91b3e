import {
  type LoadTest,
  type LoadTestSource,
  type ReferenceLoadTest,
  UNIT_FIELDS,
  type UnitField,
  type Validity,
} from '@xat/contracts';
import { headLoadTestFields } from './head-fields.ts';
import { effectiveCpusOf, judgeStored, seriesOf } from './loadtests.judge.ts';
import type { LoadTestRow, LoadTestValues, LoadTestWithCollector } from './loadtests.queries.ts';
import { summarizeUnits, UNIT_COLUMNS, unitsOf } from './units.ts';

/** The seed's fields and, beside them, the reference HEAD's camelCase ones. */
export function toLoadTestDto(row: LoadTestWithCollector): ReferenceLoadTest {
  const units = unitsOf(row);
  const summary = summarizeUnits(units);
  return {
    id: row.id,
    collector: row.collectorId,
    collector_name: row.collectorName,
    benchmark: row.benchmarkId,
    ...(Object.fromEntries(UNIT_FIELDS.map((f, i) => [f, units[i] ?? 0])) as Record<UnitField, number>),
    ...summary,
    notes: row.notes,
    details: (row.details as LoadTest['details']) ?? null,
    // Written by this server only, from its own enums.
    source: row.source as LoadTestSource,
    validity: row.validity as Validity,
    validity_reasons: row.validityReasons as LoadTest['validity_reasons'],
    series_id: row.seriesId,
    effective_cpus: row.effectiveCpus,
    created_at: row.createdAt.toISOString(),
    ...headLoadTestFields(
      {
        collectorId: row.collectorId,
        collectorName: row.collectorName,
        vmBrand: row.collectorVmBrand,
        benchmarkId: row.benchmarkId,
        createdAt: row.createdAt,
        maxUnits: summary.max_units,
        avgUnits: summary.avg_units,
      },
      units,
    ),
  };
}

/** A result's units before any are given: the columns' defaults. */
const UNIT_DEFAULTS = Object.fromEntries(UNIT_COLUMNS.map((c) => [c, 0])) as Record<(typeof UNIT_COLUMNS)[number], 0>;

/**
 * The verdict and what the details tell beside it, for a result about to hold `values` over `current` (nothing
 * for a new one). A series id given in the body wins over the one in the details (a series the details do not
 * name is left as it was); the CPU count follows the details.
 */
export function judgedValues(values: LoadTestValues, current?: LoadTestRow): LoadTestValues {
  const merged = { ...UNIT_DEFAULTS, details: null, ...current, ...values };
  const judged: LoadTestValues = { ...judgeStored(merged) };
  const seriesId = values.seriesId !== undefined ? values.seriesId : seriesOf(values.details);
  if (seriesId !== undefined) judged.seriesId = seriesId;
  if (values.details !== undefined) judged.effectiveCpus = effectiveCpusOf(values.details) ?? null;
  return judged;
}
