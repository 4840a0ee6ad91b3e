import { describe, expect, it } from 'vitest';
import { quantiles, ratioOf, summarize, t95 } from './index.ts';

describe('t95', () => {
  it('matches the published two-sided 95 % quantiles', () => {
    // Tables of Student's t (0.975 quantile).
    expect(t95(1)).toBeCloseTo(12.7062, 4);
    expect(t95(2)).toBeCloseTo(4.3027, 4);
    expect(t95(4)).toBeCloseTo(2.7764, 4);
    expect(t95(9)).toBeCloseTo(2.2622, 4);
    expect(t95(30)).toBeCloseTo(2.0423, 4);
    expect(t95(1e6)).toBeCloseTo(1.96, 2);
  });
});

describe('summarize', () => {
  it('gives n, mean, median, CV and the t interval of the mean', () => {
    const s = summarize([10, 12, 14]);
    expect(s).toMatchObject({ n: 3, mean: 12, median: 12, sd: 2 });
    expect(s.cv_pct).toBeCloseTo(16.6667, 4);
    // 12 ± 4.302653 · 2/√3
    expect(s.ci95?.[0]).toBeCloseTo(7.0317, 4);
    expect(s.ci95?.[1]).toBeCloseTo(16.9683, 4);
  });

  it('has no spread or interval with one value', () => {
    expect(summarize([7])).toEqual({ n: 1, mean: 7, median: 7, sd: null, cv_pct: null, ci95: null });
  });

  it('takes the median of an even count as the middle pair’s mean', () => {
    expect(summarize([1, 2, 3, 10]).median).toBe(2.5);
  });

  it('refuses no values', () => {
    expect(() => summarize([])).toThrow(RangeError);
  });
});

describe('quantiles', () => {
  it('gives p50 and p99 of 1 … 100 whatever the order, and refuses no values', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    const [p50, p99] = quantiles(values, [0.5, 0.99]);
    expect(p50).toBe(50.5);
    expect(p99).toBeCloseTo(99, 1);
    expect(values[0]).toBe(100); // the caller's array is left as it was
    expect(() => quantiles([], [0.5])).toThrow(RangeError);
  });
});

describe('ratioOf', () => {
  // Logs spread ±0.1 around their means on both sides, n = 3: Welch's df is 2(n − 1) = 4,
  // se = √(2 · 0.01 / 3) = 0.0816497, so the interval is 2 · exp(±2.776445 · 0.0816497).
  const around = (center: number) => [-0.1, 0, 0.1].map((d) => Math.exp(Math.log(center) + d));

  it('gives the ratio of geometric means with its Welch interval', () => {
    const r = ratioOf(around(200), around(100));
    expect(r.value).toBeCloseTo(2, 10);
    expect(r.df).toBeCloseTo(4, 10);
    expect(r.ci95?.[0]).toBeCloseTo(1.5943, 4);
    expect(r.ci95?.[1]).toBeCloseTo(2.5089, 4);
    expect(r.verdict).toBe('faster');
  });

  it('says slower when the interval is under 1, indistinguishable when it holds 1', () => {
    expect(ratioOf(around(100), around(200)).verdict).toBe('slower');
    const close = ratioOf(around(105), around(100));
    expect(close.ci95?.[0]).toBeLessThan(1);
    expect(close.ci95?.[1]).toBeGreaterThan(1);
    expect(close.verdict).toBe('indistinguishable');
  });

  it('says single_run rather than guessing with one run on either side', () => {
    const r = ratioOf([200], around(100));
    expect(r.verdict).toBe('single_run');
    expect(r.ci95).toBeNull();
    expect(r.value).toBeCloseTo(2, 10);
  });

  it('gives the value itself as the interval when neither side varies', () => {
    const r = ratioOf([150, 150], [100, 100]);
    expect(r.value).toBeCloseTo(1.5, 12);
    expect(r.ci95).toEqual([r.value, r.value]);
    expect(r.verdict).toBe('faster');
    expect(ratioOf([100, 100], [100, 100]).verdict).toBe('indistinguishable');
  });

  it('refuses zero or negative units', () => {
    expect(() => ratioOf([0, 1], [1, 1])).toThrow(RangeError);
  });
});
