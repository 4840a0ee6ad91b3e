import { describe, expect, it } from 'vitest';
import { msUntilNextTick, ticks } from './schedule.ts';

describe('wall-clock schedule', () => {
  it('aligns rounds to multiples of the interval', () => {
    expect(msUntilNextTick(1_767_000_003_250, 10_000)).toBe(6750);
    expect(msUntilNextTick(1_767_000_010_000, 10_000)).toBe(10_000);
    expect(msUntilNextTick(1_767_000_003_250, 10_000, 500)).toBe(7250);
  });

  it('ticks every interval, and skips (never bunches) ticks missed while the process was stopped', () => {
    let now = 1_767_000_003_000;
    const clock = () => now;
    const it = ticks(10_000, undefined, clock);
    expect(it.next().value).toBe(1_767_000_010_000);
    now = 1_767_000_010_001;
    expect(it.next().value).toBe(1_767_000_020_000);
    now = 1_767_000_055_000; // suspended for half a minute
    expect(it.next().value).toBe(1_767_000_060_000);
  });
});
