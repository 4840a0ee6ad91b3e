import { suiteMetric } from '@xat/contracts';
import { describe, expect, it } from 'vitest';
import { dropLines, historyColumns, toScheduleBody } from './benchmark-watch.ts';

const found = suiteMetric('memory.copy_gbps_all');
if (!found) throw new Error('memory.copy_gbps_all is a suite metric');
const def = found;
const point = (at: string, value: number, drop = false, drop_pct: number | null = null) => ({
  run_id: at,
  at,
  value,
  validity: 'valid' as const,
  drop,
  drop_pct,
});

describe('a metric over time', () => {
  const history = {
    metric: { ...def, component: def.component },
    median: 10,
    points: [
      point('2026-12-03T00:00:00Z', 8, true, 20),
      point('2026-12-01T00:00:00Z', 10),
      point('2026-12-02T00:00:00Z', 10.5),
    ],
  };
  it('orders the runs oldest first, draws the median flat, and repeats only the flagged values', () => {
    const c = historyColumns(history);
    expect(c.at).toEqual([1796083200, 1796169600, 1796256000]);
    expect(c.values).toEqual([10, 10.5, 8]);
    expect(c.median).toEqual([10, 10, 10]);
    expect(c.drops).toEqual([null, null, 8]);
  });
  it('lists the flagged runs in words, newest first', () => {
    const lines = dropLines(history);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^2026-12-0[23] \d\d:\d\d: 8 GB\/s, 20\.0 % worse than the median$/);
  });
});

describe('the schedule form', () => {
  it('sends the profile, hours, scope and drop share', () => {
    expect(toScheduleBody({ profile: 'quick', everyHours: '6', scope: 'fleet', dropAlertPct: '10' })).toEqual({
      body: { profile: 'quick', every_hours: 6, collector: null, drop_alert_pct: 10 },
    });
    expect(toScheduleBody({ profile: 'cpu', everyHours: '24', scope: 'c-1', dropAlertPct: '15' })).toMatchObject({
      body: { collector: 'c-1' },
    });
  });
  it('names every bad field', () => {
    expect(toScheduleBody({ profile: '', everyHours: '0.2', scope: 'fleet', dropAlertPct: '100' })).toEqual({
      errors: { every_hours: expect.any(String), drop_alert_pct: expect.any(String), profile: expect.any(String) },
    });
  });
});
