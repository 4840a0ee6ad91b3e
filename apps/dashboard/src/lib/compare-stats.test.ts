import type { CompareStatistics } from '@xat/contracts';
import { describe, expect, it } from 'vitest';
import {
  clearlyBest,
  compareParams,
  excludedRuns,
  excludedText,
  levelCurve,
  parseRunChoice,
  runChoiceParams,
} from './compare-stats.ts';

const RUN = '0b7e3c1a-1111-4222-8333-944455556666';
const excluded = (suspect: number, invalid: number, reasons: string[]) => ({
  statistics: { excluded: { suspect, invalid, reasons } } as CompareStatistics,
});
const iv = (value: number, low: number | null, high: number | null) => ({ value, ci95_low: low, ci95_high: high });
const valued = (id: string, interval: ReturnType<typeof iv> | null) => ({
  collector_id: id,
  statistics: { units_per_dollar_hour: interval } as CompareStatistics,
});

describe('the runs a comparison asks for', () => {
  it('reads the set, the doubtful runs to include and hand-picked runs from the URL, ignoring junk', () => {
    const c = parseRunChoice(new URLSearchParams(`set=last_30_days&include=invalid,bogus,suspect&runs=${RUN},nope`));
    expect(c).toEqual({ set: 'last_30_days', include: ['suspect', 'invalid'], runIds: [RUN] });
    expect(parseRunChoice(new URLSearchParams('set=everything'))).toEqual({ set: 'auto', include: [], runIds: [] });
  });

  it('writes the defaults as nothing, and sends the API the set, include and run ids', () => {
    expect(runChoiceParams({ set: 'auto', include: [], runIds: [] })).toEqual({
      set: undefined,
      include: undefined,
      runs: undefined,
    });
    expect(compareParams(['a', 'b'], { set: 'all', include: ['suspect'], runIds: [RUN] })).toEqual({
      collector_ids: 'a,b',
      set: 'all',
      include: 'suspect',
      run_ids: RUN,
    });
  });
});

describe('curves with their 95 % band', () => {
  it('lays the median and the interval out by level; a level without runs or one run has no band', () => {
    const curve = levelCurve({
      levels: [
        { utilization: 100, n: 3, median: 200, mean: 201, cv_pct: 2, ci95_low: 190, ci95_high: 212 },
        { utilization: 10, n: 1, median: 20, mean: 20, cv_pct: null, ci95_low: null, ci95_high: null },
        { utilization: 50, n: 0, median: 0, mean: 0, cv_pct: null, ci95_low: null, ci95_high: null },
      ],
    });
    expect(curve.median).toEqual([20, null, null, null, null, null, null, null, null, 200]);
    expect(curve.low[9]).toBe(190);
    expect(curve.high[9]).toBe(212);
    expect(curve.low[0]).toBeNull();
    expect(levelCurve(undefined).median.every((v) => v === null)).toBe(true);
  });
});

describe('runs left out', () => {
  it('adds up every server’s left-out runs and names each reason once, in words', () => {
    const x = excludedRuns([excluded(1, 0, ['other_load']), excluded(1, 1, ['steal', 'other_load']), {}]);
    expect(x).toEqual({ suspect: 2, invalid: 1, reasons: ['other_load', 'steal'] });
    expect(excludedText(x)).toBe('2 suspect and 1 invalid runs left out: other load, steal');
    expect(excludedText({ suspect: 0, invalid: 1, reasons: [] })).toBe('1 invalid run left out');
    expect(excludedText({ suspect: 0, invalid: 0, reasons: [] })).toBeUndefined();
  });
});

describe('best value', () => {
  it('is claimed only when the leader’s interval lies wholly above every other’s', () => {
    expect(
      clearlyBest([valued('a', iv(100, 90, 110)), valued('b', iv(200, 180, 220))], (s) => s.units_per_dollar_hour),
    ).toBe('b');
    expect(
      clearlyBest([valued('a', iv(100, 90, 185)), valued('b', iv(200, 180, 220))], (s) => s.units_per_dollar_hour),
    ).toBeUndefined();
    // One run each: no interval, no claim; a server without a cost does not compete.
    expect(
      clearlyBest([valued('a', iv(100, null, null)), valued('b', iv(200, null, null))], (s) => s.units_per_dollar_hour),
    ).toBeUndefined();
    expect(
      clearlyBest([valued('a', null), valued('b', iv(200, 180, 220))], (s) => s.units_per_dollar_hour),
    ).toBeUndefined();
    expect(
      clearlyBest([valued('a', iv(100, null, null)), valued('b', iv(200, 150, 220))], (s) => s.units_per_dollar_hour),
    ).toBe('b');
  });
});
