import { describe, expect, it } from 'vitest';
import { collectionSlices, lineSlices, parseCollection } from './collection.ts';

const line = (timestamp: number, subsystem: string, measurement: string) =>
  JSON.stringify({ timestamp, subsystem, measurement });

// A collection as files come: blank lines, a garbage line, a truncated last line without its newline.
const text = [
  line(1, '/proc/stat', 'cpu  1 2 3 4\n'),
  '',
  line(1, '/proc/meminfo', 'MemTotal: 10 kB\n'),
  'not json at all',
  line(2, '/proc/stat', 'cpu  5 6 7 8\n'),
  '{"timestamp": 3, "subsys',
].join('\n');

describe('a collection a slice at a time', () => {
  it('cuts only between lines, and the slices put together are the text', () => {
    for (const size of [1, 7, 40, 1e9]) {
      const slices = [...lineSlices(text, size)];
      expect(slices.join(''), `slices of ${size}`).toBe(text);
      for (const slice of slices.slice(0, -1)) expect(slice.endsWith('\n'), `slices of ${size}`).toBe(true);
      if (size === 1e9) expect(slices).toHaveLength(1);
    }
    expect([...lineSlices('', 10)]).toEqual([]);
    // A size that is no size still moves on, a line at a time.
    for (const size of [0, -5, Number.NaN]) expect([...lineSlices('a\nb\n', size)]).toEqual(['a\n', 'b\n']);
  });

  it('parses to what the whole file parses to, whatever the slice size', () => {
    const whole = parseCollection(text);
    expect(whole.measurements).toHaveLength(3);
    expect(whole.rejectedLines).toBe(2);
    for (const size of [1, 30, 100, 1e9]) {
      const parts = [...collectionSlices(text, size)];
      expect(parts.flatMap((p) => p.measurements)).toEqual(whole.measurements);
      expect(parts.reduce((n, p) => n + p.rejectedLines, 0)).toBe(whole.rejectedLines);
    }
  });
});
