import type { CompareEntry, CompareStatistics, MetricsCompare } from '@xat/contracts';
import { describe, expect, it } from 'vitest';
import { compareCsv, compareMetricsCsv, orderCompare, unitsByLevel } from './compare.ts';

const entry = (
  id: string,
  name: string,
  max: number,
  cost: number | null,
  extra: Partial<CompareEntry> = {},
): CompareEntry => ({
  collector_id: id,
  collector_name: name,
  specs: '4 vCPUs | 16 GiB RAM',
  vcpus: 4,
  hourly_cost: cost,
  data_points: [10, 20, 30, 40, 50, 60, 70, 80, 90, 100].map((u, i) => ({
    utilization: u,
    work_units: Math.round((max * (i + 1)) / 10),
  })),
  max_units: max,
  avg_units: Math.floor(max * 0.55),
  units_per_vcpu: max / 4,
  price_performance: cost ? Math.round((max / cost) * 100) / 100 : null,
  ratio_to_baseline: null,
  created_at: '2025-11-25T10:00:00.000Z',
  validity: 'valid',
  ...extra,
});

const stats = (
  units100: number,
  verdict: CompareStatistics['verdict'],
  text: string,
  ratio: CompareStatistics['ratio'],
): CompareStatistics => ({
  set: 'latest_series',
  runs: [1, 2, 3].map((i) => ({
    id: `0000000${i}-0000-4000-8000-000000000000`,
    created_at: '2025-11-25T10:00:00.000Z',
    validity: 'valid',
    series_id: null,
    units_100pct: units100,
  })),
  excluded: { suspect: 0, invalid: 0, reasons: [] },
  levels: [10, 20, 30, 40, 50, 60, 70, 80, 90, 100].map((u) => ({
    utilization: u,
    n: 3,
    median: (units100 * u) / 100,
    mean: (units100 * u) / 100,
    cv_pct: 1,
    ci95_low: (units100 * u) / 100 - 1,
    ci95_high: (units100 * u) / 100 + 1,
  })),
  effective_cpus: 4,
  per_vcpu: { value: units100 / 4, ci95_low: units100 / 4 - 1.5, ci95_high: units100 / 4 + 1.5 },
  per_effective_cpu: { value: units100 / 4, ci95_low: units100 / 4 - 1.5, ci95_high: units100 / 4 + 1.5 },
  units_per_dollar_hour: { value: 1427, ci95_low: 1400, ci95_high: 1450 },
  ratio,
  verdict,
  verdict_text: text,
  monthly_cost_to_match: 140.16,
});

describe('load-test comparison', () => {
  it('lays units out by level, 0 for a level the run lacks', () => {
    const e = entry('a', 'a', 100, 1);
    expect(unitsByLevel(e)).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    expect(unitsByLevel({ data_points: [{ utilization: 50, work_units: 7 }] })).toEqual([0, 0, 0, 0, 7, 0, 0, 0, 0, 0]);
  });

  it('exports the statistics as CSV: runs, verdict, intervals, medians per level; hostile names defused', () => {
    const csv = compareCsv(
      [
        entry('a', 'azure-web-01', 274, 0.192, { statistics: stats(274, 'baseline', '3 runs', null) }),
        entry('b', '=HYPERLINK("x")', 182, 0.05, {
          statistics: stats(182, 'slower', '0.66× slower, 95 %: 0.64–0.68, 3 runs each', {
            value: 0.66,
            ci95_low: 0.64,
            ci95_high: 0.68,
          }),
        }),
      ],
      new Map([
        ['a', 'azure'],
        ['b', 'oracle_cloud'],
      ]),
    );
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe(
      'server,provider,specs,vcpus,effective_cpus,hourly_cost_usd,run_set,runs,verdict,verdict_text,' +
        'ratio_to_baseline,ratio_to_baseline_ci95_low,ratio_to_baseline_ci95_high,' +
        'units_per_vcpu,units_per_vcpu_ci95_low,units_per_vcpu_ci95_high,' +
        'units_per_effective_cpu,units_per_effective_cpu_ci95_low,units_per_effective_cpu_ci95_high,' +
        'units_per_dollar_hour,units_per_dollar_hour_ci95_low,units_per_dollar_hour_ci95_high,monthly_cost_to_match_usd,' +
        'median_units_10pct,median_units_20pct,median_units_30pct,median_units_40pct,median_units_50pct,' +
        'median_units_60pct,median_units_70pct,median_units_80pct,median_units_90pct,median_units_100pct',
    );
    expect(lines[1]).toBe(
      'azure-web-01,Azure,4 vCPUs | 16 GiB RAM,4,4,0.192,latest_series,3,baseline,3 runs,,,,68.5,67,70,68.5,67,70,' +
        '1427,1400,1450,140.16,27.4,54.8,82.2,109.6,137,164.4,191.8,219.2,246.6,274',
    );
    expect(lines[2]).toMatch(
      /^"'=HYPERLINK\(""x""\)",OCI,.*,slower,"0.66× slower, 95 %: 0.64–0.68, 3 runs each",0.66,0.64,0.68,/,
    );
    expect(lines[3]).toBe('');
  });

  it('orders the metric overlay as chosen and exports it as CSV, gaps empty', () => {
    const data: MetricsCompare = {
      field: 'cpu_busy',
      step: '1m',
      step_seconds: 60,
      align: 'absolute',
      from: 0,
      to: 120,
      timestamps: [1764064800, 1764064860],
      series: [
        { collector_id: 'b', collector_name: 'oci', start: 0, values: [1.5, null] },
        { collector_id: 'a', collector_name: 'azure, west', start: 0, values: [2, 3] },
      ],
    };
    const ordered = orderCompare(data, ['a', 'b']);
    expect(ordered.series.map((s) => s.collector_id)).toEqual(['a', 'b']);
    expect(compareMetricsCsv(ordered)).toBe(
      'timestamp,"azure, west",oci\r\n2025-11-25T10:00:00.000Z,2,1.5\r\n2025-11-25T10:01:00.000Z,3,\r\n',
    );
    expect(compareMetricsCsv({ ...ordered, align: 'start', timestamps: [0, 60] }).split('\r\n')[1]).toBe('0,2,1.5');
  });
});
