import { CLOCK_SKEW_TOLERANCE_SECONDS } from '@xat/contracts';
import { describe, expect, it } from 'vitest';
import { clockSkewWarning, formatClockSkew, formatDropped, isClockSkewed } from './agent-signals.ts';

describe("the agent's signals", () => {
  it("calls the clock wrong past the server's tolerance, either way, and not before", () => {
    expect(isClockSkewed(null)).toBe(false);
    expect(isClockSkewed(CLOCK_SKEW_TOLERANCE_SECONDS)).toBe(false);
    expect(isClockSkewed(-CLOCK_SKEW_TOLERANCE_SECONDS)).toBe(false);
    expect(isClockSkewed(CLOCK_SKEW_TOLERANCE_SECONDS + 0.1)).toBe(true);
    expect(isClockSkewed(-312)).toBe(true);
  });

  it('says how far and which way', () => {
    expect(formatClockSkew(null)).toBe('—');
    expect(formatClockSkew(0)).toBe('in step');
    expect(formatClockSkew(0.4)).toBe('in step (0.4 s ahead)');
    expect(formatClockSkew(-3.25)).toBe('in step (3.3 s behind)');
    expect(formatClockSkew(42)).toBe('42 s ahead');
    expect(formatClockSkew(312)).toBe('5 min 12 s ahead');
    expect(formatClockSkew(-7260)).toBe('2 h 1 min behind');
    expect(clockSkewWarning(-312)).toMatch(/^This server's clock is 5 min 12 s behind the XAT server's\./);
    expect(clockSkewWarning(42)).toMatch(/^This server's clock is 42 s ahead of the XAT server's\./);
  });

  it('counts dropped samples', () => {
    expect(formatDropped(0)).toBe('none');
    expect(formatDropped(1234)).toBe('1,234 (gaps in the charts)');
  });
});
