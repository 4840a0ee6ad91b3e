import { describe, expect, it } from 'vitest';
import { levelRows, loadTestSeconds, loadTestWindow, measuredColumns, reasonText } from './validity.ts';

const points = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100].map((u) => ({ utilization: u, work_units: u * 2 }));

describe('a load test’s levels', () => {
  it('takes the conditions from pcc’s details.levels, checking every field', () => {
    const rows = levelRows({
      data_points: points,
      details: {
        tool: 'pcc',
        levels: [
          { utilization: 10, work_units: 20, achieved_utilization: 9.8, other_utilization: 0.4, steal_pct: 0.1 },
          { utilization: 100, work_units: 200, achieved_utilization: '99', throttled_pct: 3, freq_mhz: 2450 },
          'garbage',
        ],
      },
    });
    expect(rows).toHaveLength(10);
    expect(rows[0]).toEqual({
      target: 10,
      units: 20,
      achieved: 9.8,
      other: 0.4,
      steal: 0.1,
      throttled: undefined,
      freqMhz: undefined,
    });
    expect(rows[9]).toMatchObject({ target: 100, units: 200, achieved: undefined, throttled: 3, freqMhz: 2450 });
    expect(measuredColumns(rows)).toEqual(['achieved', 'other', 'steal', 'throttled', 'freqMhz']);
  });

  it('falls back to the older achieved_utilization map, and shows no measured columns for an import', () => {
    const old = levelRows({ data_points: points, details: { achieved_utilization: { '50': 49.7 } } });
    expect(old[4]?.achieved).toBe(49.7);
    expect(measuredColumns(old)).toEqual(['achieved']);
    expect(measuredColumns(levelRows({ data_points: points, details: null }))).toEqual([]);
  });

  it('names reasons in words, and unknown codes readably', () => {
    expect(reasonText('other_load')).toBe('other load');
    expect(reasonText('some_new_code')).toBe('some new code');
  });
});

describe('when a load test ran', () => {
  it('runs from pcc’s started_at for the levels’ measured seconds', () => {
    const details = {
      started_at: '2025-11-25T10:00:00.000Z',
      level_seconds: 30,
      levels: [10, 20].map((u) => ({ utilization: u, work_units: 1, seconds: 12 })),
    };
    const from = Date.parse('2025-11-25T10:00:00.000Z') / 1000;
    expect(loadTestWindow({ details, created_at: '2025-11-25T11:00:00.000Z' })).toEqual({ from, to: from + 24 });
  });

  it('otherwise ends at created_at, lasting level_seconds per level; no length, no window', () => {
    const created = Date.parse('2025-11-25T11:00:00.000Z') / 1000;
    expect(loadTestSeconds({ level_seconds: 30 })).toBe(300);
    expect(loadTestWindow({ details: { level_seconds: 30 }, created_at: '2025-11-25T11:00:00.000Z' })).toEqual({
      from: created - 300,
      to: created,
    });
    expect(
      loadTestWindow({ details: { source: 'perfcpumeasure' }, created_at: '2025-11-25T11:00:00.000Z' }),
    ).toBeUndefined();
    expect(loadTestWindow({ details: null, created_at: '2025-11-25T11:00:00.000Z' })).toBeUndefined();
  });
});
