import { isUnsteadySpeed } from '@xat/contracts';
import type { LevelResult, LoadTestRun } from './controller.ts';

/** What `pcc loadtest --json` prints. */
export interface LoadTestResult {
  levels: LevelResult[];
  max_units: number;
  vcpus: number;
  level_seconds: number;
  calibration_units_per_vcpu: number;
  background_busy: number;
  /** The machine's flat-out speed at the end against the start, in percent (see LoadTestRun); absent without 100 %. */
  speed_change_pct?: number;
  pcc_version: string;
  hostname: string;
  started_at: string;
}

export function toResult(
  run: LoadTestRun,
  meta: { vcpus: number; levelSeconds: number; version: string; hostname: string; startedAt: Date },
): LoadTestResult {
  return {
    levels: run.levels,
    max_units: Math.max(0, ...run.levels.map((l) => l.work_units)),
    vcpus: meta.vcpus,
    level_seconds: meta.levelSeconds,
    calibration_units_per_vcpu: run.calibration_units_per_worker,
    background_busy: run.background_busy,
    speed_change_pct: run.speed_change_pct,
    pcc_version: meta.version,
    hostname: meta.hostname,
    started_at: meta.startedAt.toISOString(),
  };
}

/** Why the result's units deserve care, for people; undefined when the machine held its speed. */
export function steadinessWarning(result: LoadTestResult): string | undefined {
  const change = result.speed_change_pct;
  if (!isUnsteadySpeed(change)) return undefined;
  const how = change < 0 ? 'slower' : 'faster';
  return (
    `Warning: the machine ran ${Math.abs(change).toFixed(1)} % ${how} flat out at the end of the test than at the start ` +
    '(its clock, or other tenants of the host), so the units of every level may be off by as much. ' +
    'Compare this result with others with care, or run the test again when the host is steadier.'
  );
}
