import {
  JUDGE_VERSION,
  type JudgedLevel,
  type JudgeInput,
  judgeLoadTest,
  type LoadTestSource,
  type Validity,
  type ValidityReason,
} from '@xat/contracts';
import { UUID } from '../../lib/uuid.ts';
import { UNIT_COLUMNS, type UnitColumns } from './units.ts';

/** What the server stores beside a result's units: where it came from and whether it can be trusted. */
export interface StoredVerdict {
  source: LoadTestSource;
  validity: Validity;
  validityReasons: ValidityReason[];
  judgeVersion: number;
}

type Judged = UnitColumns & { details: unknown };

const objectOf = (v: unknown): Record<string, unknown> | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
const numberOf = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** The same rule as migration 0004: pcc says `tool: 'pcc'`, an import says `source: 'perfcpumeasure'`. */
export function sourceOf(details: unknown): LoadTestSource {
  const d = objectOf(details);
  if (d?.tool === 'pcc') return 'pcc';
  if (d?.source === 'perfcpumeasure') return 'import';
  return 'manual';
}

/** pcc's series id (`details.series.id`) when it is a uuid; anything else is ignored. */
export function seriesOf(details: unknown): string | undefined {
  const id = objectOf(objectOf(details)?.series)?.id;
  return typeof id === 'string' && UUID.test(id) ? id.toLowerCase() : undefined;
}

/** The CPUs the quota and cpuset allowed pcc's load, when it said. */
export function effectiveCpusOf(details: unknown): number | undefined {
  const cpus = numberOf(objectOf(details)?.effective_cpus);
  return cpus !== undefined && cpus > 0 ? cpus : undefined;
}

/**
 * pcc's per-level conditions, read loosely: whatever pcc version wrote them, a level without a numeric target is
 * skipped and a malformed field is left out, so an old or odd result is judged on what it holds instead of refused.
 */
function levelsOf(raw: unknown, units: readonly number[]): JudgedLevel[] | undefined {
  if (!Array.isArray(raw)) return undefined;
  const levels: JudgedLevel[] = [];
  for (const item of raw) {
    const l = objectOf(item);
    const utilization = numberOf(l?.utilization);
    if (!l || utilization === undefined) continue;
    const level: JudgedLevel = {
      utilization,
      work_units: numberOf(l.work_units) ?? units[Math.round(utilization / 10) - 1] ?? 0,
    };
    for (const key of [
      'achieved_utilization',
      'other_utilization',
      'steal_pct',
      'throttled_pct',
      'cpu_pressure_avg10',
      'seconds',
    ] as const) {
      const value = numberOf(l[key]);
      if (value !== undefined) level[key] = value;
    }
    levels.push(level);
  }
  return levels;
}

/** The judge's input from a stored (or about to be stored) result. */
export function judgeInputOf(row: Judged): JudgeInput {
  const units = UNIT_COLUMNS.map((c) => row[c]);
  const source = sourceOf(row.details);
  if (source === 'import') return { source, units, extrapolated: true };
  if (source === 'manual') return { source, units };
  const d = objectOf(row.details) ?? {};
  const input: JudgeInput = { source, units };
  const levels = levelsOf(d.levels, units);
  if (levels) input.levels = levels;
  for (const key of ['background_busy', 'speed_change_pct', 'level_seconds'] as const) {
    const value = numberOf(d[key]);
    if (value !== undefined) input[key] = value;
  }
  if (d.forced === true) input.forced = true;
  return input;
}

/** The verdict to store with a result, reached with today's rules. */
export function judgeStored(row: Judged): StoredVerdict {
  const input = judgeInputOf(row);
  const { validity, validity_reasons } = judgeLoadTest(input);
  return { source: input.source, validity, validityReasons: validity_reasons, judgeVersion: JUDGE_VERSION };
}
