import { describe, expect, it } from 'vitest';
import { formatOffset } from './chart-options.ts';

describe('time since start on an aligned axis', () => {
  it('keeps ticks a few seconds apart distinct past the first minute', () => {
    expect(formatOffset(0)).toBe('+0 s');
    expect(formatOffset(55)).toBe('+55 s');
    expect(formatOffset(60)).toBe('+1 min');
    expect(formatOffset(65)).toBe('+1 min 5 s');
    expect(formatOffset(70)).toBe('+1 min 10 s');
    expect(formatOffset(59 * 60 + 30)).toBe('+59 min 30 s');
    expect(formatOffset(3600)).toBe('+1 h');
    expect(formatOffset(3600 + 30 * 60)).toBe('+1 h 30 min');
  });
});
