/** One load-test run on this machine: the worker pool on the effective CPUs, the control loop, the judged result. */
import os from 'node:os';
import type { CommandContext } from '../commands/context.ts';
import type { CpuLimits } from '../cpus/effective-cpus.ts';
import { rootReader } from '../specs/read.ts';
import { VERSION } from '../version.ts';
import { realClock } from './clock.ts';
import { runLoadTest } from './controller.ts';
import { realMeters } from './meters.ts';
import { WorkerPool } from './pool.ts';
import { createProgress } from './progress.ts';
import { type LoadTestResult, type SeriesPlace, toResult } from './result.ts';

export const LEVELS = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100] as const;

export interface RunOptions {
  levelSeconds: number;
  forced: boolean;
  series: SeriesPlace | undefined;
}

/** Where a run's progress goes and what stops it: a command's context, or the benchmark suite's. */
export type RunIo = Pick<CommandContext, 'err' | 'isTTY' | 'signal'>;

export async function measureRun(ctx: RunIo, limits: CpuLimits, o: RunOptions): Promise<LoadTestResult> {
  const startedAt = new Date();
  const progress = createProgress(ctx.err, ctx.isTTY, LEVELS.length);
  // A worker per effective CPU, rounded up: under a 0.5-CPU quota one thread, paced to half a CPU flat out.
  const workers = Math.max(1, Math.ceil(limits.effective_cpus));
  const pool = await WorkerPool.start(workers);
  try {
    const run = await runLoadTest(
      pool,
      realClock(ctx.signal),
      realMeters(rootReader('/'), limits, () => pool.cpuMs()),
      {
        levels: LEVELS,
        levelSeconds: o.levelSeconds,
        cpus: { vcpus: Math.max(limits.vcpus, limits.effective_cpus), effective: limits.effective_cpus },
        onProgress: progress.update,
        onLevel: progress.level,
      },
    );
    return toResult(run, {
      vcpus: limits.vcpus,
      effectiveCpus: limits.effective_cpus,
      workers,
      levelSeconds: o.levelSeconds,
      forced: o.forced,
      ...(o.series ? { series: o.series } : {}),
      version: VERSION,
      hostname: os.hostname(),
      startedAt,
    });
  } finally {
    await pool.stop();
  }
}
