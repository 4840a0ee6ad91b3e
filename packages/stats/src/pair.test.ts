import { describe, expect, it } from 'vitest';
import { pairWithBaseline, scaledMean, summarize } from './index.ts';

const round2 = (v: number) => Math.round(v * 100) / 100;
const options = { again: 'test', round: round2 };
// Logs spread ±0.1 around their means, n = 3 on both sides: the ratio of 200 to 100 is 2 with 95 % 1.5943–2.5089.
const around = (center: number) => [-0.1, 0, 0.1].map((d) => Math.exp(Math.log(center) + d));

describe('pairWithBaseline', () => {
  it('says the baseline is the baseline', () => {
    expect(pairWithBaseline([5], null, options)).toEqual({
      ratio: { value: 1, ci95_low: null, ci95_high: null },
      verdict: 'baseline',
      verdict_text: 'baseline',
      exact: 1,
    });
  });

  it('says faster with the rounded ratio, its interval and the runs', () => {
    const pair = pairWithBaseline(around(200), around(100), options);
    expect(pair.ratio).toEqual({ value: 2, ci95_low: 1.59, ci95_high: 2.51 });
    expect(pair.verdict).toBe('faster');
    expect(pair.verdict_text).toBe('2.00× faster, 95 %: 1.59–2.51, 3 runs each');
    expect(pair.exact).toBeCloseTo(2, 10);
  });

  it('says slower as the baseline’s multiple of this server, the interval inverted', () => {
    const pair = pairWithBaseline(around(100), [...around(200), 200], options);
    expect(pair.verdict).toBe('slower');
    expect(pair.ratio).toEqual({ value: 0.5, ci95_low: 0.41, ci95_high: 0.61 });
    expect(pair.verdict_text).toBe('2.00× slower, 95 %: 1.64–2.44, 3 and 4 runs');
  });

  it('says indistinguishable with the ratio itself when the interval holds 1', () => {
    const pair = pairWithBaseline(around(105), around(100), options);
    expect(pair.verdict).toBe('indistinguishable');
    expect(pair.ratio).toEqual({ value: 1.05, ci95_low: 0.84, ci95_high: 1.32 });
    expect(pair.verdict_text).toBe('indistinguishable (1.05×, 95 %: 0.84–1.32, 3 runs each)');
  });

  it('gives a figure but no verdict with one run, naming what to run again', () => {
    const pair = pairWithBaseline([300], around(100), { again: 'benchmark', round: round2 });
    expect(pair).toEqual({
      ratio: { value: 3, ci95_low: null, ci95_high: null },
      verdict: 'single_run',
      verdict_text: 'single run: 3.00× — run the benchmark again to know',
      exact: expect.closeTo(3, 10),
    });
  });

  it('leaves out values not above zero, and says whose runs are missing', () => {
    expect(pairWithBaseline([0, -1], [100], options)).toEqual({
      ratio: null,
      verdict: 'no_runs',
      verdict_text: 'no runs of this server to compare',
      exact: null,
    });
    expect(pairWithBaseline([100], [0], options).verdict_text).toBe('no runs of the baseline to compare');
    expect(pairWithBaseline([0, 200], [100], options).ratio?.value).toBe(2);
  });
});

describe('scaledMean', () => {
  it('divides the mean and its interval, rounded', () => {
    const s = summarize([10, 12, 14]);
    expect(scaledMean(s, 4, round2)).toEqual({ value: 3, ci95_low: 1.76, ci95_high: 4.24 });
    expect(scaledMean(summarize([9]), 2, round2)).toEqual({ value: 4.5, ci95_low: null, ci95_high: null });
  });

  it('is null without a summary or a positive divisor', () => {
    const s = summarize([10, 12]);
    expect(scaledMean(null, 2, round2)).toBeNull();
    expect(scaledMean(s, null, round2)).toBeNull();
    expect(scaledMean(s, 0, round2)).toBeNull();
    expect(scaledMean(s, Number.NaN, round2)).toBeNull();
  });
});
