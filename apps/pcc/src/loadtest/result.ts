import { judgeLoadTest, LOAD_LEVELS, type Validity, type ValidityReason, type Verdict } from '@xat/contracts';
import type { LevelResult, LoadTestRun } from './controller.ts';

/** One run of a series: the series' id (uploaded as `series_id`), this run's place in it and its length. */
export interface SeriesPlace {
  id: string;
  index: number;
  count: number;
}

/** What `pcc loadtest --json` prints for one run. */
export interface LoadTestResult {
  levels: LevelResult[];
  /** Work units per second of the 100 % level: the machine's throughput, all effective CPUs together. */
  units_100pct: number;
  /** units_100pct per effective CPU. */
  units_per_effective_cpu: number;
  /** The most units of any level (the reference's max_units; a bad run's may be a lower level's). */
  max_units: number;
  /** CPUs the OS shows. */
  vcpus: number;
  /** CPUs the cgroup quota and cpuset allow this process; what shares and per-CPU units are relative to. */
  effective_cpus: number;
  /** Worker threads of the load: effective CPUs rounded up. */
  workers: number;
  level_seconds: number;
  /** Flat-out units/s per effective CPU at the start (calibration); per vCPU when nothing limits the CPUs. */
  calibration_units_per_vcpu: number;
  background_busy: number;
  /** The machine's flat-out speed at the end against the start, in percent (see LoadTestRun); absent without 100 %. */
  speed_change_pct?: number;
  /** Started although the machine never became quiet (`--force`). */
  forced: boolean;
  series?: SeriesPlace;
  validity: Validity;
  validity_reasons: ValidityReason[];
  pcc_version: string;
  hostname: string;
  started_at: string;
}

export interface ResultMeta {
  vcpus: number;
  effectiveCpus: number;
  workers: number;
  levelSeconds: number;
  forced: boolean;
  series?: SeriesPlace;
  version: string;
  hostname: string;
  startedAt: Date;
}

const round2 = (v: number) => Math.round(v * 100) / 100;

/**
 * The agent's own verdict on a run, by the same judge the server applies to what it stores (judgeLoadTest of
 * @xat/contracts, from the same figures: whole units per level as uploaded, the levels' conditions, the run's).
 */
function judgeResult(r: Omit<LoadTestResult, 'validity' | 'validity_reasons'>): Verdict {
  return judgeLoadTest({
    source: 'pcc',
    // The server keeps whole units: judged on the same numbers, the two verdicts agree.
    units: LOAD_LEVELS.map((u) => Math.round(r.levels.find((l) => l.utilization === u)?.work_units ?? 0)),
    levels: r.levels,
    background_busy: r.background_busy,
    speed_change_pct: r.speed_change_pct,
    level_seconds: r.level_seconds,
    forced: r.forced,
  });
}

export function toResult(run: LoadTestRun, meta: ResultMeta): LoadTestResult {
  const full = run.levels.find((l) => l.utilization === 100)?.work_units ?? 0;
  const measured = {
    levels: run.levels,
    units_100pct: full,
    units_per_effective_cpu: round2(full / meta.effectiveCpus),
    max_units: Math.max(0, ...run.levels.map((l) => l.work_units)),
    vcpus: meta.vcpus,
    effective_cpus: meta.effectiveCpus,
    workers: meta.workers,
    level_seconds: meta.levelSeconds,
    calibration_units_per_vcpu: run.calibration_units_per_cpu,
    background_busy: run.background_busy,
    speed_change_pct: run.speed_change_pct,
    forced: meta.forced,
    ...(meta.series ? { series: meta.series } : {}),
    pcc_version: meta.version,
    hostname: meta.hostname,
    started_at: meta.startedAt.toISOString(),
  };
  return { ...measured, ...judgeResult(measured) };
}
