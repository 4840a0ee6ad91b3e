import { describe, expect, it } from 'vitest';
import { findGaps, isEmpty, sampleSpacing, stack, summarize, withGapBreaks } from './chart-data.ts';

describe('chart data shaping', () => {
  it('finds the spacing of samples from the step, else from the timestamps', () => {
    expect(sampleSpacing([0, 10, 20], 60)).toBe(60);
    expect(sampleSpacing([0, 10, 20, 30, 100])).toBe(10);
    expect(sampleSpacing([5])).toBe(0);
    expect(sampleSpacing([0, 10, 20], null)).toBe(10);
    // A host sampling every 5 min in 1-minute buckets: spaced 300 s apart, as the server spaces them.
    expect(sampleSpacing([0, 300, 600, 900, 1200], 60)).toBe(300);
  });

  it('finds gaps: null runs, jumps in time, and missing ends of the asked span', () => {
    const ts = [0, 60, 120, 180, 240, 600, 660];
    const cpu = [1, 2, null, null, 5, 6, 7];
    expect(findGaps(ts, [cpu], 60)).toEqual([
      { from: 60, to: 240 },
      { from: 240, to: 600 },
    ]);
    // The server's rule (GAP_FACTOR 1.5): a late sample, 1.5 × the step, is not a gap; one missed sample is.
    expect(findGaps([0, 60, 150, 210], [[1, 1, 1, 1]], 60)).toEqual([]);
    expect(findGaps([0, 60, 180, 240], [[1, 1, 1, 1]], 60)).toEqual([{ from: 60, to: 180 }]);
    expect(findGaps([0, 300, 600, 900, 1200], [[1, 1, 1, 1, 1]], 60)).toEqual([]);
    // A value in any series means there is data.
    expect(
      findGaps(
        [0, 60, 120],
        [
          [1, null, 3],
          [null, 2, null],
        ],
        60,
      ),
    ).toEqual([]);
    expect(findGaps([1000, 1060], [[1, 2]], 60, { from: 0, to: 5000 })).toEqual([
      { from: 0, to: 1000 },
      { from: 1060, to: 5000 },
    ]);
    expect(findGaps([0, 60], [[null, null]], 60)).toEqual([]);
  });

  it('breaks lines inside jumps in time, so gaps are drawn as gaps', () => {
    const [xs, a, b] = withGapBreaks(
      [0, 60, 600, 660],
      [
        [1, 2, 3, 4],
        [5, 6, 7, 8],
      ],
      60,
    );
    expect(xs).toEqual([0, 60, 120, 600, 660]);
    expect(a).toEqual([1, 2, null, 3, 4]);
    expect(b).toEqual([5, 6, null, 7, 8]);
    // One missed sample breaks the line too, as on the server.
    expect(withGapBreaks([0, 60, 180], [[1, 2, 3]], 60)).toEqual([
      [0, 60, 120, 180],
      [1, 2, null, 3],
    ]);
    // Nothing to break: the same columns.
    expect(withGapBreaks([0, 60], [[1, null]], 60)).toEqual([
      [0, 60],
      [1, null],
    ]);
  });

  it('stacks CPU parts into running sums; a gap stays a gap, a missing part counts as 0', () => {
    const user = [10, null, 30, null];
    const system = [5, null, null, null];
    const steal = [1, null, 2, null];
    expect(stack([user, system, steal])).toEqual([
      [10, null, 30, null],
      [15, null, 30, null],
      [16, null, 32, null],
    ]);
    expect(stack([[0.1], [0.2]])[1]).toEqual([0.3]);
  });

  it('summarizes what is there', () => {
    expect(summarize([3, null, 1, 2])).toEqual({ min: 1, max: 3, avg: 2, last: 2 });
    expect(summarize([null])).toBeUndefined();
    expect(isEmpty([[null], []])).toBe(true);
    expect(isEmpty([[null], [0]])).toBe(false);
  });
});
