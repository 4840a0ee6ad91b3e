import { describe, expect, it } from 'vitest';
import { bucketSpacing, GAP_FACTOR, isGap, typicalSpacing } from './gaps.ts';

describe('the gap rule', () => {
  it('is a gap past 1.5 × the typical spacing: one missed sample is, jitter is not', () => {
    expect(GAP_FACTOR).toBe(1.5);
    expect(isGap(20, 10)).toBe(true);
    expect(isGap(15, 10)).toBe(false);
    expect(isGap(15.1, 10)).toBe(true);
    expect(isGap(12, 10)).toBe(false);
    // No spacing known: nothing is a gap.
    expect(isGap(500, undefined)).toBe(false);
    expect(isGap(500, 0)).toBe(false);
  });

  it('takes the lower median of the spacings as the typical one', () => {
    expect(typicalSpacing([0, 5, 15, 25, 30])).toBe(5);
    expect(typicalSpacing([0, 10, 20, 300])).toBe(10);
    expect(typicalSpacing([0])).toBeUndefined();
  });

  it('spaces buckets by their width, or by the median when a host samples less often', () => {
    expect(bucketSpacing([0, 60, 180], 60)).toBe(60);
    expect(bucketSpacing([0, 7200], 60)).toBe(60);
    expect(bucketSpacing([0, 300, 600, 900, 1200], 60)).toBe(300);
  });
});
