import { typicalSpacing } from '@xat/contracts';
import { describe, expect, it } from 'vitest';
import { lowerMedian, withGaps } from './series.ts';
import { chooseResolution, parseInstant, parseNames, parseRange } from './time-range.ts';

const RETENTION = { raw: 7, '1m': 90, '1h': 730 };
const NOW = 1_800_000_000;
const DAY = 86_400;

describe('the gap rule', () => {
  it('inserts one null point where points are more than 1.5× the typical spacing apart', () => {
    const ts = [0, 10, 20, 50, 60];
    expect(withGaps(ts, [[1, 2, 3, 4, 5]], typicalSpacing(ts))).toEqual({
      timestamps: [0, 10, 20, 30, 50, 60],
      columns: [[1, 2, 3, null, 4, 5]],
    });
  });

  it('does not break the line for jitter, and breaks it for one missed sample', () => {
    expect(withGaps([0, 10, 21, 30, 40], [[1, 2, 3, 4, 5]], 10).timestamps).toEqual([0, 10, 21, 30, 40]);
    expect(withGaps([0, 10, 30, 40], [[1, 2, 3, 4]], 10).columns).toEqual([[1, 2, null, 3, 4]]);
    // Two samples far apart: the reported interval, not their spacing, says it is a gap.
    expect(withGaps([0, 500], [[1, 2]], 10).columns).toEqual([[1, null, 2]]);
    expect(withGaps([0, 500], [[1, 2]], undefined).columns).toEqual([[1, 2]]);
  });

  it('breaks buckets by their spacing (bucketSpacing and typicalSpacing are tested in @xat/contracts)', () => {
    expect(withGaps([0, 60, 180], [[1, 2, 3]], 60).columns).toEqual([[1, 2, null, 3]]);
    expect(withGaps([0, 60, 150], [[1, 2, 3]], 60).columns).toEqual([[1, 2, 3]]);
  });

  it('takes the lower median of the reported intervals', () => {
    expect(lowerMedian([null, 10, 9, 11, null])).toBe(10);
    expect(lowerMedian([10, 20])).toBe(10);
    expect(lowerMedian([])).toBeUndefined();
  });
});

describe('time range parameters', () => {
  it('parses epoch seconds and ISO-8601 (UTC without an offset)', () => {
    expect(parseInstant('1700000000')).toBe(1_700_000_000);
    expect(parseInstant('1700000000.9')).toBe(1_700_000_000);
    expect(parseInstant('2023-11-14T22:13:20Z')).toBe(1_700_000_000);
    expect(parseInstant('2023-11-14T22:13:20')).toBe(1_700_000_000);
    expect(parseInstant('2023-11-15T00:13:20+02:00')).toBe(1_700_000_000);
    expect(parseInstant('2023-11-14')).toBe(1_699_920_000);
    expect(parseInstant('2023-11-15T00:13:20+0200')).toBe(1_700_000_000);
    expect(parseInstant('2024-02-29T00:00:00Z')).toBe(1_709_164_800);
    for (const bad of ['yesterday', '2023-13-05T00:00:00Z', '2023-02-29', '2023-11-14T24:00Z', '', '1e9'])
      expect(parseInstant(bad), bad).toBeUndefined();
  });

  it('defaults to the last hour and names the bad parameter', () => {
    expect(parseRange({}, NOW, {})).toEqual({ from: NOW - 3600, to: NOW });
    expect(parseRange({ to: '1000000' }, NOW, {})).toEqual({ from: 1_000_000 - 3600, to: 1_000_000 });
    const errors: Record<string, string[]> = {};
    expect(parseRange({ from: 'x', to: 'y' }, NOW, errors)).toBeUndefined();
    expect(Object.keys(errors).sort()).toEqual(['from', 'to']);
    const order: Record<string, string[]> = {};
    parseRange({ from: '200', to: '100' }, NOW, order);
    expect(order).toEqual({ from: ['Must be before "to".'] });
  });

  it('auto: raw for short ranges, 1m from ~8 h, 1h from ~21 days; coarser when retention does not reach back', () => {
    const auto = (span: number, end = NOW) => chooseResolution('auto', { from: end - span, to: end }, RETENTION, NOW);
    expect(auto(3600)).toBe('raw');
    expect(auto(8 * 3600)).toBe('raw');
    expect(auto(9 * 3600)).toBe('1m');
    expect(auto(7 * DAY)).toBe('1m');
    expect(auto(30 * DAY)).toBe('1h');
    expect(auto(3600, NOW - 10 * DAY)).toBe('1m');
    expect(auto(3600, NOW - 100 * DAY)).toBe('1h');
    expect(chooseResolution('raw', { from: 0, to: NOW }, RETENTION, NOW)).toBe('raw');
  });

  it('lists every unknown name', () => {
    const errors: Record<string, string[]> = {};
    expect(parseNames('b, a,b,,x,y', ['a', 'b'] as const, 'fields', errors)).toEqual(['b', 'a']);
    expect(errors).toEqual({ fields: ['Unknown field "x".', 'Unknown field "y".'] });
    expect(parseNames(undefined, ['a', 'b'] as const, 'fields', {})).toEqual(['a', 'b']);
  });
});
