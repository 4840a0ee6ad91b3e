import { type CpuTimes, ZERO_CPU_TIMES } from '@xat/procfs';
import { describe, expect, it } from 'vitest';
import type { Clock } from './controller.ts';
import { waitForQuiet } from './quiet.ts';

/** A 1-vCPU /proc/stat on a simulated clock whose busy share follows `busyAt(ms)`. */
function machine(busyAt: (ms: number) => number) {
  let t = 0;
  let busy = 0;
  let total = 0;
  const clock: Clock = {
    now: () => t,
    sleep: async (ms) => {
      for (let i = 0; i < ms; i++, t++) {
        total += 0.1;
        busy += 0.1 * (busyAt(t) / 100);
      }
    },
  };
  const read = (): CpuTimes => {
    const b = Math.round(busy);
    return { ...ZERO_CPU_TIMES, user: b, idle: Math.round(total) - b };
  };
  return { clock, read };
}

describe('waiting for a quiet machine', () => {
  it('starts at once on a quiet machine', async () => {
    const m = machine(() => 3);
    const waits: number[] = [];
    const r = await waitForQuiet(m.read, m.clock, { limitPct: 10, maxMs: 60_000, onWait: (b) => waits.push(b) });
    expect(r).toMatchObject({ quiet: true, waitedMs: 1000 });
    expect(waits).toEqual([]);
  });

  it('waits while the machine is busy, says so every 5 s, and starts when it calms down', async () => {
    const m = machine((ms) => (ms < 12_000 ? 80 : 2));
    const waits: [number, number][] = [];
    const r = await waitForQuiet(m.read, m.clock, {
      limitPct: 10,
      maxMs: 60_000,
      onWait: (busy, left) => waits.push([Math.round(busy), left]),
    });
    expect(r).toMatchObject({ quiet: true, waitedMs: 13_000 });
    expect(waits).toEqual([
      [80, 59_000],
      [80, 54_000],
      [80, 49_000],
    ]);
  });

  it('gives up within the bound when the machine never calms down', async () => {
    const m = machine(() => 55);
    const r = await waitForQuiet(m.read, m.clock, { limitPct: 10, maxMs: 7_500 });
    expect(r.quiet).toBe(false);
    expect(Math.round(r.busyPct)).toBe(55);
    // Looks of a second until the bound is passed: 8 s for a bound of 7.5 s.
    expect(r.waitedMs).toBe(8000);
    // A wait of 0 still takes one look: whether the machine is quiet has to be measured.
    const once = await waitForQuiet(m.read, m.clock, { limitPct: 10, maxMs: 0 });
    expect(once).toMatchObject({ quiet: false, waitedMs: 1000 });
  });
});
