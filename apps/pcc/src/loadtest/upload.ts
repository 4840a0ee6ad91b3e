import type { LoadTestCreate, PccDetails } from '@xat/contracts';
import type { LoadTestResult } from './result.ts';

export const LOADTEST_PATH = '/api/v1/loadtest/';

/**
 * The result in the form of `POST /api/v1/loadtest/`: units per level, and how they were measured in `details`
 * (PccDetailsSchema's fields, which the server judges the result from, and a few more for people).
 */
export function toLoadTestCreate(collector: string, result: LoadTestResult, notes?: string): LoadTestCreate {
  const details: PccDetails & Record<string, unknown> = {
    tool: 'pcc',
    pcc_version: result.pcc_version,
    level_seconds: result.level_seconds,
    vcpus: result.vcpus,
    effective_cpus: result.effective_cpus,
    levels: result.levels,
    background_busy: result.background_busy,
    forced: result.forced,
    started_at: result.started_at,
    achieved_utilization: Object.fromEntries(result.levels.map((l) => [String(l.utilization), l.achieved_utilization])),
    calibration_units_per_vcpu: result.calibration_units_per_vcpu,
    workers: result.workers,
  };
  if (result.speed_change_pct !== undefined) details.speed_change_pct = result.speed_change_pct;
  if (result.series) details.series = result.series;
  const body: LoadTestCreate = {
    collector,
    notes: notes ?? `pcc ${result.pcc_version} load test, ${result.level_seconds} s per level, 100 % measured`,
    details,
    ...(result.series ? { series_id: result.series.id } : {}),
  };
  for (const level of result.levels) {
    const field = `units_${level.utilization}pct` as keyof LoadTestCreate;
    // The server keeps whole units per second, like the reference.
    (body as Record<string, unknown>)[field] = Math.round(level.work_units);
  }
  return body;
}
