/** Suite results for the tests: the shape the agent uploads, with the figures a test chooses. */
import { SUITE_METRICS, type SuiteBenchmark, type SuiteResult } from '@xat/contracts';
import type { TestTenant } from '../../../test/helpers.ts';

/** Metric key → the repeats' values (three repeats of a median and a small spread unless a test says otherwise). */
export type Figures = Record<string, number[]>;

/** Three repeats around `median`: median itself, ±`spreadPct`. */
export const around = (median: number, spreadPct = 1) => [
  median * (1 - spreadPct / 100),
  median,
  median * (1 + spreadPct / 100),
];

/** Every metric of the given benchmarks at `scale` × a fixed base figure, three close repeats each. */
export function figuresAt(
  scale: number,
  benchmarks: readonly SuiteBenchmark[] = ['core_scaling', 'memory', 'disk', 'network'],
) {
  const out: Figures = {};
  SUITE_METRICS.filter((d) => benchmarks.includes(d.benchmark)).forEach((d, i) => {
    const base = 10 + i * 7;
    out[d.key] = around(d.better === 'higher' ? base * scale : base / scale);
  });
  return out;
}

export interface ResultOptions {
  finishedAt?: Date;
  profile?: string;
  /** Per benchmark: conditions of every repeat (e.g. steal). */
  conditions?: Partial<Record<SuiteBenchmark, { other_load_pct?: number; steal_pct?: number }>>;
  /** What the agent claims (the server judges again). */
  claim?: 'valid' | 'suspect' | 'invalid';
  curve?: { workers: number; units_per_s: number }[];
}

/** A suite result holding `figures` (metric key → repeat values), grouped into their benchmarks. */
export function suiteResult(figures: Figures, opts: ResultOptions = {}): SuiteResult {
  const finished = opts.finishedAt ?? new Date();
  const started = new Date(finished.getTime() - 120_000);
  const names = [...new Set(Object.keys(figures).map((k) => k.split('.')[0] as SuiteBenchmark))];
  const claim = opts.claim ?? 'valid';
  return {
    profile: opts.profile ?? 'quick',
    started_at: started.toISOString(),
    finished_at: finished.toISOString(),
    forced: false,
    background_busy_pct: 1,
    record: {
      cpu_model: 'Test CPU',
      microcode: null,
      smt: true,
      numa_nodes: 1,
      kernel: '6.1.0',
      governor: null,
      hypervisor: 'kvm',
      agent_version: '0.0.0-test',
      vcpus: 4,
      effective_cpus: 4,
    },
    benchmarks: names.map((name) => {
      const keys = Object.keys(figures).filter((k) => k.startsWith(`${name}.`));
      const repeats = Math.max(...keys.map((k) => figures[k]?.length ?? 0));
      const conditions = { other_load_pct: 0.5, steal_pct: 0, ...opts.conditions?.[name] };
      return {
        name,
        runs: Array.from({ length: repeats }, (_, i) => ({
          metrics: Object.fromEntries(keys.flatMap((k) => (figures[k]?.[i] === undefined ? [] : [[k, figures[k][i]]]))),
          conditions,
        })),
        // The agent's summary: deliberately claiming no spread, to show the server computes its own.
        metrics: Object.fromEntries(
          keys.map((k) => [
            k,
            { n: figures[k]?.length ?? 0, median: figures[k]?.[1] ?? null, cv_pct: 0, values: figures[k] ?? [] },
          ]),
        ),
        ...(name === 'core_scaling' && opts.curve ? { curve: opts.curve } : {}),
        validity: claim,
        validity_reasons: [],
      };
    }),
    validity: claim,
    validity_reasons: [],
  };
}

/** Uploads a result as the collector's agent; returns the stored run. */
export async function uploadResult(t: TestTenant, apiKey: string, result: SuiteResult) {
  const res = await t.request({
    method: 'POST',
    url: '/api/v1/benchmark-runs/',
    auth: false,
    headers: { 'x-api-key': apiKey },
    payload: result,
  });
  if (res.statusCode !== 201) throw new Error(`upload failed: ${res.statusCode} ${res.body}`);
  return res.json<{ id: string; benchmark_id: string } & Record<string, unknown>>();
}
