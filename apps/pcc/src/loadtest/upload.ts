import type { LoadTestCreate } from '@xat/contracts';
import type { LoadTestResult } from './result.ts';

export const LOADTEST_PATH = '/api/v1/loadtest/';

/** The result in the form of `POST /api/v1/loadtest/`: units per level, and how they were measured in `details`. */
export function toLoadTestCreate(collector: string, result: LoadTestResult, notes?: string): LoadTestCreate {
  const body: LoadTestCreate = {
    collector,
    notes: notes ?? `pcc ${result.pcc_version} load test, ${result.level_seconds} s per level, 100 % measured`,
    details: {
      tool: 'pcc',
      pcc_version: result.pcc_version,
      level_seconds: result.level_seconds,
      vcpus: result.vcpus,
      achieved_utilization: Object.fromEntries(
        result.levels.map((l) => [String(l.utilization), l.achieved_utilization]),
      ),
      levels: result.levels,
      calibration_units_per_vcpu: result.calibration_units_per_vcpu,
      background_busy: result.background_busy,
      speed_change_pct: result.speed_change_pct,
      started_at: result.started_at,
    },
  };
  for (const level of result.levels) {
    const field = `units_${level.utilization}pct` as keyof LoadTestCreate;
    // The server keeps whole units per second, like the reference.
    (body as Record<string, unknown>)[field] = Math.round(level.work_units);
  }
  return body;
}
