import { describe, expect, it } from 'vitest';
import { formatGoFloat, formatGoInt, roundHalfAwayFromZero } from './go-format.ts';
import { readFixture } from './test-support.ts';

describe('formatGoFloat (Go %v of a float64)', () => {
  it.each([
    [2.2737367544323206e-12, '2.2737367544323206e-12'],
    [4194307.2, '4.1943072e+06'],
    [3.4000000000000004, '3.4000000000000004'],
    [0, '0'],
    [100, '100'],
    [99.27391086629959, '99.27391086629959'],
    [1792.8000000000002, '1792.8000000000002'],
    [1e6, '1e+06'],
    [999999, '999999'],
    [123456.7, '123456.7'],
    [1234567, '1.234567e+06'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [0.000123, '0.000123'],
    [1.5e-7, '1.5e-07'],
    [1e21, '1e+21'],
    [1e100, '1e+100'],
    [5e-324, '5e-324'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
    [-1.5, '-1.5'],
    [-0.05, '-0.05'],
    [-2.5e-9, '-2.5e-09'],
  ])('%s → %s', (value, expected) => {
    expect(formatGoFloat(value)).toBe(expected);
  });

  it('prints the special values as Go does', () => {
    expect(formatGoFloat(Number.NaN)).toBe('NaN');
    expect(formatGoFloat(Number.POSITIVE_INFINITY)).toBe('+Inf');
    expect(formatGoFloat(Number.NEGATIVE_INFINITY)).toBe('-Inf');
    expect(formatGoFloat(-0)).toBe('-0');
  });

  it('reproduces every number cell of the reference CSVs from its parsed value', () => {
    const cells = new Set<string>();
    for (const recording of ['sys-info-test', 'loadtest-cpuinfo']) {
      // The float64 columns of each file (the others are uint64 or strings).
      const floatColumns: [string, number[]][] = [
        ['proc/stat', [2, 3, 4, 5, 6, 7]],
        ['proc/meminfo', [4, 8]],
        ['proc/net/dev', [2, 3, 4, 5, 6, 7, 8, 9]],
        ['proc/diskstats', [2, 3, 4, 5, 6, 7, 8]],
      ];
      for (const [file, columns] of floatColumns) {
        const text = readFixture(`${recording}/csv/${file}`);
        for (const line of text.split('\n').filter((l) => l && !l.startsWith('#'))) {
          const row = line.split(',');
          for (const column of columns) cells.add(row[column] ?? '');
        }
      }
    }
    expect(cells.size).toBeGreaterThan(200);
    for (const cell of cells) expect(formatGoFloat(Number(cell))).toBe(cell);
  });
});

describe('formatGoInt and roundHalfAwayFromZero', () => {
  it('prints integers plain, even past 1e21', () => {
    expect(formatGoInt(16327188)).toBe('16327188');
    expect(formatGoInt(1767982258)).toBe('1767982258');
    expect(formatGoInt(2 ** 70)).toBe('1180591620717411303424');
  });

  it('rounds half away from zero like Go math.Round', () => {
    expect(roundHalfAwayFromZero(12.5)).toBe(13);
    expect(roundHalfAwayFromZero(-2.5)).toBe(-3);
    expect(roundHalfAwayFromZero(12.4999)).toBe(12);
    expect(roundHalfAwayFromZero(0.49999999999999994)).toBe(0);
    expect(roundHalfAwayFromZero(Number.NaN)).toBeNaN();
  });
});
