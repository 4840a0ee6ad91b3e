/**
 * Before a load test: wait, bounded, for the machine to be quiet. A test started on a busy machine measures what the
 * other work leaves (a run started at 89 % busy reached 26 % at its 100 % level and was uploaded as if it were the
 * machine's speed); waiting a minute costs little, and a machine that never calms down is refused, not measured.
 */
import { type CpuTimes, cpuPercents } from '@xat/procfs';
import type { Clock, CpuReader } from './controller.ts';

export interface QuietOptions {
  /** Busy share (100 − idle of /proc/stat) the machine must be under, %. */
  limitPct: number;
  /** How long to wait: looks go on until this much time has passed (at least one look of `lookMs` is taken). */
  maxMs: number;
  /** One look: the busy share over this long; default 1 s. */
  lookMs?: number;
  /** How often to tell the person waiting; default 5 s. */
  reportMs?: number;
  onWait?: (busyPct: number, msLeft: number) => void;
}

export interface QuietResult {
  quiet: boolean;
  /** Busy share of the last look, %. */
  busyPct: number;
  waitedMs: number;
}

const busyBetween = (a: CpuTimes, b: CpuTimes) => 100 - cpuPercents(a, b).idle;

export async function waitForQuiet(read: CpuReader, clock: Clock, o: QuietOptions): Promise<QuietResult> {
  const lookMs = o.lookMs ?? 1000;
  const reportMs = o.reportMs ?? 5000;
  const start = clock.now();
  let reported: number | undefined;
  let before = read();
  for (;;) {
    await clock.sleep(lookMs);
    const now = read();
    const busyPct = busyBetween(before, now);
    before = now;
    const waitedMs = clock.now() - start;
    if (busyPct < o.limitPct) return { quiet: true, busyPct, waitedMs };
    // Looks go on while the bound is not reached: the wait ends at most one look past it.
    if (waitedMs >= o.maxMs) return { quiet: false, busyPct, waitedMs };
    // The first busy look is reported at once, then one line every reportMs.
    if (reported === undefined || clock.now() - reported >= reportMs) {
      reported = clock.now();
      o.onWait?.(busyPct, o.maxMs - waitedMs);
    }
  }
}
