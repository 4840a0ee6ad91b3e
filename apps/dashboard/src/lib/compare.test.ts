import type { CompareEntry, MetricsCompare } from '@xat/contracts';
import { describe, expect, it } from 'vitest';
import {
  compareCsv,
  compareMetricsCsv,
  findWinners,
  loadTestColumns,
  measurementOf,
  orderCompare,
  unitsByLevel,
} from './compare.ts';

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
  ...extra,
});

describe('load-test comparison', () => {
  it('marks the most units and the best price-performance, which can be different servers', () => {
    const azure = entry('a', 'azure', 274, 0.192);
    const oci = entry('b', 'oci', 182, 0.05);
    const free = entry('c', 'no-cost', 300, null);
    expect(findWinners([azure, oci, free])).toEqual({ mostUnits: 'c', bestValue: 'b' });
    expect(findWinners([entry('z', 'zero', 0, null)])).toEqual({});
    expect(findWinners([])).toEqual({});
  });

  it('lays units out by level, 0 for a level the run lacks', () => {
    const e = entry('a', 'a', 100, 1);
    expect(unitsByLevel(e)).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    expect(unitsByLevel({ data_points: [{ utilization: 50, work_units: 7 }] })).toEqual([0, 0, 0, 0, 7, 0, 0, 0, 0, 0]);
    const [x, y] = loadTestColumns([e]);
    expect(x).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    expect(y?.[9]).toBe(100);
  });

  it('exports the table as CSV with the winners named and hostile names defused', () => {
    const csv = compareCsv(
      [
        entry('a', 'azure-web-01', 274, 0.192, { ratio_to_baseline: 1 }),
        entry('b', '=HYPERLINK("x")', 182, 0.05, { ratio_to_baseline: 0.66 }),
      ],
      new Map([
        ['a', 'azure'],
        ['b', 'oracle_cloud'],
      ]),
    );
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe(
      'server,provider,specs,vcpus,hourly_cost_usd,max_units,avg_units,units_per_vcpu,ratio_to_baseline,price_performance,winner,' +
        'units_10pct,units_20pct,units_30pct,units_40pct,units_50pct,units_60pct,units_70pct,units_80pct,units_90pct,units_100pct,tested_at',
    );
    expect(lines[1]).toBe(
      'azure-web-01,Azure,4 vCPUs | 16 GiB RAM,4,0.192,274,150,68.5,1,1427.08,most units,27,55,82,110,137,164,192,219,247,274,2025-11-25T10:00:00.000Z',
    );
    expect(lines[2]).toMatch(/^"'=HYPERLINK\(""x""\)",OCI,.*,0.66,3640,best price-performance,/);
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

describe('how a load test was measured (pcc details)', () => {
  it('reads the achieved share per level and flags a machine that changed speed past 2 %', () => {
    const m = measurementOf({
      tool: 'pcc',
      achieved_utilization: { '10': 10.02, '20': 19.97, '100': 98.5, '50': 'n/a' },
      speed_change_pct: -3.4,
    });
    expect(m.achieved).toEqual([
      10.02,
      19.97,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      98.5,
    ]);
    expect(m.speedChangePct).toBe(-3.4);
    expect(m.unsteady).toBe(true);
    expect(measurementOf({ speed_change_pct: 1.9 }).unsteady).toBe(false);
    expect(measurementOf({ speed_change_pct: 2.1 }).unsteady).toBe(true);
  });

  it('has nothing to say of an import or a result without details', () => {
    for (const details of [null, undefined, { source: 'perfcpumeasure' }, { achieved_utilization: 'x' }]) {
      const m = measurementOf(details);
      expect(m.achieved.every((a) => a === undefined)).toBe(true);
      expect(m.speedChangePct).toBeUndefined();
      expect(m.unsteady).toBe(false);
    }
  });
});
