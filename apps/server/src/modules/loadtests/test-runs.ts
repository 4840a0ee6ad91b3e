/** Load-test bodies for the tests of this module: what pcc, a person or an import sends. */
import { LOAD_LEVELS } from '@xat/contracts';
import type { TestTenant } from '../../../test/helpers.ts';

export const URL_BASE = '/api/v1/loadtest/';

/** The ten unit fields of a run that scales linearly up to `full` units/s at 100 %. */
export function linearUnits(full: number): Record<string, number> {
  return Object.fromEntries(LOAD_LEVELS.map((p) => [`units_${p}pct`, Math.round((full * p) / 100)]));
}

export interface PccRunOptions {
  full: number;
  seriesId?: string;
  effectiveCpus?: number;
  /** Overrides of pcc's details (e.g. a busy machine's). */
  details?: Record<string, unknown>;
}

/** What pcc uploads after a run on a quiet machine: every level reached, nothing else running. */
export function pccRun(collector: string, { full, seriesId, effectiveCpus, details }: PccRunOptions) {
  const units = linearUnits(full);
  return {
    collector,
    ...units,
    details: {
      tool: 'pcc',
      pcc_version: '0.2.0',
      level_seconds: 30,
      background_busy: 1.5,
      speed_change_pct: 0.4,
      ...(effectiveCpus !== undefined ? { effective_cpus: effectiveCpus } : {}),
      ...(seriesId ? { series: { id: seriesId, index: 0, count: 3 } } : {}),
      levels: LOAD_LEVELS.map((utilization) => ({
        utilization,
        work_units: units[`units_${utilization}pct`],
        achieved_utilization: utilization - 0.5,
        other_utilization: 1,
        steal_pct: 0,
        throttled_pct: 0,
        cpu_pressure_avg10: 0.5,
        seconds: 30,
      })),
      ...details,
    },
  };
}

/**
 * The run on a machine already 89 % busy: the 70/80/100 % levels reached 26/25/24 %, units went
 * 174 → 157 → 104 → 97 → 204 → 95 over the top levels.
 */
export function busyPccRun(collector: string) {
  const units = [60, 110, 150, 174, 157, 104, 97, 120, 204, 95];
  const achieved = [10, 19, 28, 35, 38, 30, 26, 25, 27, 24];
  return {
    collector,
    ...Object.fromEntries(LOAD_LEVELS.map((p, i) => [`units_${p}pct`, units[i]])),
    details: {
      tool: 'pcc',
      level_seconds: 30,
      background_busy: 89,
      levels: LOAD_LEVELS.map((utilization, i) => ({
        utilization,
        work_units: units[i],
        achieved_utilization: achieved[i],
        other_utilization: 70,
        seconds: 30,
      })),
    },
  };
}

export async function postRun(t: TestTenant, body: Record<string, unknown>) {
  const res = await t.request({ method: 'POST', url: URL_BASE, payload: body });
  if (res.statusCode !== 201) throw new Error(`create load test failed: ${res.statusCode} ${res.body}`);
  return res.json<{ id: string; validity: string; created_at: string } & Record<string, unknown>>();
}
