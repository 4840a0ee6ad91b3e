/**
 * The benchmark comparison's reading of `GET /api/v1/benchmark-runs/compare/` and of one stored run: figures in their
 * units, the metrics grouped by benchmark, the core-scaling curves on one x axis, the runs left out, and the scores
 * with each component's share. Pure, so it is unit-tested.
 */
import {
  type BenchmarkCompare,
  type BenchmarkCompareServer,
  type BenchmarkRun,
  SCORE_COMPONENTS,
  type ScoreComponent,
  type Scores,
  SUITE_BENCHMARKS,
  type SuiteBenchmark,
} from '@xat/contracts';
import { type Excluded, excludedText } from './compare-stats.ts';
import { formatNumber } from './format.ts';

type MetricDef = BenchmarkCompare['metrics'][number];

/** Decimals that suit a figure: fewer as it grows, so 12,345 IOPS and 0.42 ms both read well. */
export function metricDigits(value: number, unit: string): number {
  if (unit === 'IOPS' || unit === 'units/s') return 0;
  const a = Math.abs(value);
  if (a >= 1000) return 0;
  if (a >= 100) return unit === '%' ? 1 : 0;
  if (a >= 10) return 1;
  if (a >= 1) return 2;
  return 3;
}

/** 1234.5 with "MB/s" → "1,235 MB/s"; a dash for nothing. */
export function formatMetric(value: number | null | undefined, unit: string, withUnit = true): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const text = formatNumber(value, metricDigits(value, unit));
  return withUnit ? `${text} ${unit}` : text;
}

/** "1.23×" (two decimals; three when close to 1, so 0.996× does not read as 1.00×). */
export function formatRatio(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '—';
  return `${ratio.toFixed(Math.abs(ratio - 1) < 0.01 ? 3 : 2)}×`;
}

export interface MetricGroup {
  benchmark: SuiteBenchmark;
  metrics: MetricDef[];
}

/** The metrics that any server has a figure for, grouped by benchmark in the suite's order. */
export function metricGroups(compare: Pick<BenchmarkCompare, 'metrics' | 'servers'>): MetricGroup[] {
  const measured = (m: MetricDef) => compare.servers.some((s) => (s.metrics[m.key]?.n ?? 0) > 0);
  return SUITE_BENCHMARKS.map((benchmark) => ({
    benchmark,
    metrics: compare.metrics.filter((m) => m.benchmark === benchmark && measured(m)),
  })).filter((g) => g.metrics.length > 0);
}

/** Runs left out over every server and benchmark, added up (the reasons each once). */
export function excludedBenchmarkRuns(servers: readonly Pick<BenchmarkCompareServer, 'benchmarks'>[]): Excluded {
  const out: Excluded = { suspect: 0, invalid: 0, reasons: [] };
  for (const s of servers)
    for (const b of Object.values(s.benchmarks)) {
      out.suspect += b.excluded.suspect;
      out.invalid += b.excluded.invalid;
      for (const r of b.excluded.reasons) if (!out.reasons.includes(r)) out.reasons.push(r);
    }
  return out;
}

export const excludedBenchmarkText = (servers: readonly Pick<BenchmarkCompareServer, 'benchmarks'>[]) =>
  excludedText(excludedBenchmarkRuns(servers));

/**
 * The core-scaling curves on one x axis (every worker count any server measured, ascending) for uPlot: x, then per
 * server its units/s or null where it did not measure that count.
 */
export function scalingData(servers: readonly Pick<BenchmarkCompareServer, 'curve'>[]): {
  workers: number[];
  series: (number | null)[][];
} {
  const workers = [...new Set(servers.flatMap((s) => s.curve.map((p) => p.workers)))].sort((a, b) => a - b);
  const series = servers.map((s) => {
    const at = new Map(s.curve.map((p) => [p.workers, p.units_per_s]));
    return workers.map((w) => at.get(w) ?? null);
  });
  return { workers, series };
}

export const SCORE_TEXT: Record<ScoreComponent | 'overall', string> = {
  cpu: 'CPU',
  memory: 'Memory',
  disk: 'Disk',
  network: 'Network',
  overall: 'Overall',
};

/** "CPU 52 % · Memory −30 % · …": each component's signed part in the overall score (absent ones left out). */
export function sharesText(scores: Pick<Scores, 'shares'>): string {
  return SCORE_COMPONENTS.flatMap((c) => {
    const s = scores.shares[c];
    return s ? [`${SCORE_TEXT[c]} ${s.share_pct < 0 ? '−' : ''}${Math.abs(s.share_pct).toFixed(0)} %`] : [];
  }).join(' · ');
}

/** The figures a finished job shows at once: a few headline metrics' medians over the repeats, where measured. */
export const HEADLINE_METRICS = [
  'core_scaling.single_units_per_s',
  'core_scaling.multi_units_per_s',
  'memory.copy_gbps_all',
  'disk.rand_read_iops',
  'disk.seq_write_mbps',
  'network.download_mbps',
  'cpu_sweep.units_100pct',
] as const;

export function headlineFigures(
  run: Pick<BenchmarkRun, 'benchmarks'>,
  defs: readonly Pick<MetricDef, 'key' | 'label' | 'unit'>[],
): { key: string; label: string; text: string }[] {
  const medians = new Map<string, number | null>();
  for (const b of run.benchmarks) for (const [k, m] of Object.entries(b.metrics)) medians.set(k, m.median);
  return HEADLINE_METRICS.flatMap((key) => {
    const def = defs.find((d) => d.key === key);
    const v = medians.get(key);
    return def && v !== undefined && v !== null ? [{ key, label: def.label, text: formatMetric(v, def.unit) }] : [];
  });
}
