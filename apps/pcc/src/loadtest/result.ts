import type { LevelResult, LoadTestRun } from './controller.ts';

/** What `pcc loadtest --json` prints. */
export interface LoadTestResult {
  levels: LevelResult[];
  max_units: number;
  vcpus: number;
  level_seconds: number;
  calibration_units_per_vcpu: number;
  background_busy: number;
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
    pcc_version: meta.version,
    hostname: meta.hostname,
    started_at: meta.startedAt.toISOString(),
  };
}
