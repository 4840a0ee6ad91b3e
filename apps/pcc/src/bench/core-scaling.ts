/**
 * Core scaling: the load test's work unit flat out on 1, 2, … N busy workers (every count to 32, then in steps), N the
 * effective CPUs rounded up. The single-core score is the 1-worker step, the all-core score the N-worker step;
 * effective_cores = all ÷ single says how many of the CPUs really add work (SMT siblings, a quota, noisy
 * neighbours), efficiency = effective cores ÷ effective CPUs.
 *
 * Each worker is a one-thread WorkerPool of its own (its own 4 MiB array): idle ones wait on their own control word,
 * and busy ones never share cache lines, so the curve measures the cores, not the coherence traffic of one array.
 */
import { WorkerPool } from '../loadtest/pool.ts';
import { type BenchEnv, type BenchmarkDef, type BenchmarkRun, type RepeatResult, round } from './types.ts';

/** 1 … 32 every count, then strides of a quarter of the power of two below (40, 48 … 64, 80 … 128, 160 …), and n. */
export function scalingSteps(n: number): number[] {
  const steps: number[] = [];
  for (let k = 1; k <= Math.min(n, 32); k++) steps.push(k);
  let k = 32;
  while (k < n) {
    k += Math.max(8, 2 ** Math.floor(Math.log2(k)) / 4);
    steps.push(Math.min(k, n));
  }
  return steps;
}

/** Units done by the first `k` pools, all together. */
const unitsOf = (pools: readonly WorkerPool[], k: number) => pools.slice(0, k).reduce((sum, p) => sum + p.units(), 0);

async function measureSteps(env: BenchEnv, pools: WorkerPool[], steps: number[]) {
  const stepMs = env.stepSeconds * 1000;
  const settleMs = Math.min(250, stepMs / 4);
  const curve: { workers: number; units_per_s: number }[] = [];
  for (const k of steps) {
    env.say(`${k} of ${pools.length} workers busy`);
    for (const [i, p] of pools.entries()) p.setRate(i < k ? 'max' : 0);
    await env.sleep(settleMs);
    const u0 = unitsOf(pools, k);
    const t0 = performance.now();
    await env.sleep(stepMs);
    const units = unitsOf(pools, k) - u0;
    curve.push({ workers: k, units_per_s: round(units / ((performance.now() - t0) / 1000)) });
  }
  for (const p of pools) p.setRate(0);
  return curve;
}

export const coreScaling: BenchmarkDef = {
  name: 'core_scaling',
  async prepare(env): Promise<BenchmarkRun> {
    const n = Math.max(1, Math.ceil(env.limits.effective_cpus));
    const pools: WorkerPool[] = [];
    const close = async () => {
      await Promise.all(pools.map((p) => p.stop()));
    };
    try {
      for (let i = 0; i < n; i++) pools.push(await WorkerPool.start(1));
    } catch (err) {
      await close();
      throw err;
    }
    const steps = scalingSteps(n);
    return {
      engine: `${n} workers, steps ${steps.join(', ')}`,
      async repeat(): Promise<RepeatResult> {
        // Flat out on every worker first: the WebAssembly reaches its optimised tier, the clock its sustained speed.
        env.say('warming up');
        for (const p of pools) p.setRate('max');
        await env.sleep(Math.min(2000, env.stepSeconds * 1000));
        const curve = await measureSteps(env, pools, steps);
        const single = curve[0]?.units_per_s ?? 0;
        const multi = curve.at(-1)?.units_per_s ?? 0;
        const effectiveCores = single > 0 ? multi / single : 0;
        return {
          metrics: {
            'core_scaling.single_units_per_s': single,
            'core_scaling.multi_units_per_s': multi,
            'core_scaling.effective_cores': round(effectiveCores, 3),
            'core_scaling.efficiency_pct': round((effectiveCores / env.limits.effective_cpus) * 100, 1),
          },
          curve,
        };
      },
      close,
    };
  },
};
