/**
 * What `pcc bench quick`, `pcc bench memory disk` or `pcc bench cpu network` asks for: built-in profiles and benchmark
 * names, mixed freely. One profile alone brings its repeats, step and disk cap; otherwise the defaults below.
 */
import { BUILTIN_PROFILES, SUITE_BENCHMARKS, type SuiteBenchmark } from '@xat/contracts';

export const PLAN_DEFAULTS = { runs: 3, step_seconds: 2, disk_size_mb: 256 } as const;

export interface BenchPlan {
  profile: string;
  benchmarks: SuiteBenchmark[];
  runs: number;
  step_seconds: number;
  disk_size_mb: number;
}

const isBenchmark = (name: string): name is SuiteBenchmark => (SUITE_BENCHMARKS as readonly string[]).includes(name);

/** The plan of these names (the quick profile when there is none); throws an Error naming what is unknown. */
export function planOf(names: readonly string[]): BenchPlan {
  const asked = names.length > 0 ? names : ['quick'];
  const unknown = asked.filter((n) => !isBenchmark(n) && !BUILTIN_PROFILES.some((p) => p.name === n));
  if (unknown.length > 0)
    throw new Error(
      `unknown profile or benchmark: ${unknown.join(', ')} (profiles: ${BUILTIN_PROFILES.map((p) => p.name).join(', ')}; benchmarks: ${SUITE_BENCHMARKS.join(', ')})`,
    );
  const profiles = BUILTIN_PROFILES.filter((p) => asked.includes(p.name));
  const wanted = new Set<SuiteBenchmark>([...profiles.flatMap((p) => p.benchmarks), ...asked.filter(isBenchmark)]);
  const only = profiles.length === 1 && asked.length === 1 ? profiles[0] : undefined;
  return {
    profile: only?.name ?? 'custom',
    // In the suite's order, whatever the order asked.
    benchmarks: SUITE_BENCHMARKS.filter((b) => wanted.has(b)),
    runs: only?.runs ?? PLAN_DEFAULTS.runs,
    step_seconds: only?.step_seconds ?? PLAN_DEFAULTS.step_seconds,
    disk_size_mb: only?.disk_size_mb ?? PLAN_DEFAULTS.disk_size_mb,
  };
}
