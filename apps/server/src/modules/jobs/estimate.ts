import type { SuiteBenchmark } from '@xat/contracts';

/** What a job runs: enough to say how long it should take. */
export interface SuiteShape {
  benchmarks: readonly SuiteBenchmark[];
  runs: number;
  step_seconds: number;
  disk_size_mb: number;
}

/** Workers the core-scaling benchmark steps through: every count to 32, then about +25 % a step. */
export function coreScalingSteps(vcpus: number): number {
  let steps = Math.min(vcpus, 32);
  for (let n = 32; n < vcpus; n = Math.ceil(n * 1.25)) steps++;
  return steps;
}

// Steps of one repeat of each benchmark (a step is measured for step_seconds).
const STEPS: Record<SuiteBenchmark, (vcpus: number) => number> = {
  cpu_sweep: () => 10,
  core_scaling: coreScalingSteps,
  memory: () => 6,
  disk: () => 4,
  network: () => 3,
};

/** The agent's wait for a quiet machine before it starts, at most, and per-benchmark set-up, seconds. */
const QUIET_WAIT_SECONDS = 60;
const SETUP_SECONDS = 5;
/** A slow disk's write rate, MB/s: the disk benchmark lays out its file (and reads it back) in each repeat. */
const SLOW_DISK_MBPS = 50;

/** Seconds the suite should take on a machine of `vcpus` CPUs. */
export function estimateSuiteSeconds(shape: SuiteShape, vcpus: number | null): number {
  const cpus = Math.max(1, vcpus ?? 8);
  let seconds = QUIET_WAIT_SECONDS;
  for (const name of shape.benchmarks) {
    seconds += SETUP_SECONDS + STEPS[name](cpus) * shape.step_seconds * shape.runs;
    if (name === 'disk') seconds += ((2 * shape.disk_size_mb) / SLOW_DISK_MBPS) * shape.runs;
  }
  return Math.ceil(seconds);
}

/** A job's timeout: twice the estimate plus two minutes, so only a stuck run reaches it. */
export const timeoutSecondsFor = (shape: SuiteShape, vcpus: number | null) =>
  2 * estimateSuiteSeconds(shape, vcpus) + 120;
