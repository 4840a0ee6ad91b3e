import { type BenchmarkCompareServer, type BenchmarkRun, SUITE_METRICS } from '@xat/contracts';
import { describe, expect, it } from 'vitest';
import {
  excludedBenchmarkRuns,
  formatMetric,
  formatRatio,
  headlineFigures,
  metricGroups,
  scalingData,
  sharesText,
} from './benchmark-compare.ts';

const metric = (n: number, median: number | null) => ({
  n,
  median,
  mean: median,
  cv_pct: null,
  ci95_low: null,
  ci95_high: null,
  ratio: null,
  verdict: 'single_run' as const,
  verdict_text: '',
  per_dollar_hour: null,
});

const server = (id: string, over: Partial<BenchmarkCompareServer> = {}): BenchmarkCompareServer => ({
  collector_id: id,
  collector_name: id,
  hourly_cost: null,
  benchmarks: {},
  metrics: {},
  curve: [],
  scores: { baseline_collector: null, cpu: null, memory: null, disk: null, network: null, overall: null, shares: {} },
  ...over,
});

describe('figures in their units', () => {
  it('rounds by size: whole IOPS and units, two decimals for a few GB/s, three under one', () => {
    expect(formatMetric(12345.6, 'IOPS')).toBe('12,346 IOPS');
    expect(formatMetric(8.456, 'GB/s')).toBe('8.46 GB/s');
    expect(formatMetric(0.1234, 'ms')).toBe('0.123 ms');
    expect(formatMetric(1234.5, 'MB/s')).toBe('1,235 MB/s');
    expect(formatMetric(94.44, '%')).toBe('94.4 %');
    expect(formatMetric(null, 'ms')).toBe('—');
    expect(formatMetric(42.25, 'Mbit/s', false)).toBe('42.3');
  });
  it('writes ratios with three decimals near 1, so 0.996 is not 1.00', () => {
    expect(formatRatio(1.934)).toBe('1.93×');
    expect(formatRatio(0.996)).toBe('0.996×');
    expect(formatRatio(null)).toBe('—');
  });
});

describe('the comparison', () => {
  it('groups the measured metrics by benchmark in suite order, leaving out those nobody measured', () => {
    const servers = [
      server('a', {
        metrics: { 'memory.copy_gbps_all': metric(3, 9), 'core_scaling.multi_units_per_s': metric(3, 5) },
      }),
      server('b', { metrics: { 'memory.copy_gbps_all': metric(0, null) } }),
    ];
    const groups = metricGroups({ metrics: [...SUITE_METRICS].reverse(), servers });
    expect(groups.map((g) => g.benchmark)).toEqual(['core_scaling', 'memory']);
    expect(groups[1]?.metrics.map((m) => m.key)).toEqual(['memory.copy_gbps_all']);
  });
  it('adds up the runs left out over servers and benchmarks, each reason once', () => {
    const x = (suspect: number, invalid: number, reasons: string[]) => ({
      used: 1,
      excluded: { suspect, invalid, reasons },
    });
    const out = excludedBenchmarkRuns([
      server('a', { benchmarks: { memory: x(1, 0, ['other_load']), disk: x(0, 1, ['run_spread']) } }),
      server('b', { benchmarks: { memory: x(2, 0, ['other_load', 'steal']) } }),
    ]);
    expect(out).toEqual({ suspect: 3, invalid: 1, reasons: ['other_load', 'run_spread', 'steal'] });
  });
  it('puts the core-scaling curves on one axis of every worker count, null where a server did not go', () => {
    const d = scalingData([
      server('a', { curve: [1, 2].map((w) => ({ workers: w, units_per_s: w * 100, n: 3 })) }),
      server('b', { curve: [1, 2, 4].map((w) => ({ workers: w, units_per_s: w * 90, n: 3 })) }),
    ]);
    expect(d.workers).toEqual([1, 2, 4]);
    expect(d.series).toEqual([
      [100, 200, null],
      [90, 180, 360],
    ]);
  });
  it("says each component's signed share of the overall score", () => {
    expect(
      sharesText({
        shares: { cpu: { factor: 1.2, share_pct: 61.4 }, disk: { factor: 0.9, share_pct: -38.6 } },
      }),
    ).toBe('CPU 61 % · Disk −39 %');
  });
  it("picks a finished run's headline figures from its benchmarks' medians", () => {
    const run = {
      benchmarks: [
        { name: 'memory', metrics: { 'memory.copy_gbps_all': { n: 3, median: 11.234, cv_pct: 1, values: [] } } },
        { name: 'disk', metrics: { 'disk.rand_read_iops': { n: 3, median: null, cv_pct: null, values: [] } } },
      ],
    } as unknown as BenchmarkRun;
    expect(headlineFigures(run, SUITE_METRICS)).toEqual([
      { key: 'memory.copy_gbps_all', label: 'Memory copy, all threads', text: '11.2 GB/s' },
    ]);
  });
});
