import type { CpuTimes } from '@xat/procfs';
import { describe, expect, it } from 'vitest';
import { type Clock, type Load, runLoadTest } from './controller.ts';

/**
 * A simulated 2-vCPU machine on a simulated clock: workers turn a rate into busy CPU (a unit costs 1/capacity of a
 * core-second), other processes add a noisy background, and /proc/stat counts whole jiffies at USER_HZ 100. Rate
 * changes take effect at the workers' next 100 ms period, as in the real pool.
 */
class SimulatedMachine implements Load, Clock {
  readonly workers = 2;
  private t = 0;
  private rate: number | 'max' = 0;
  private applied: number | 'max' = 0;
  private busyJiffies = 0;
  private totalJiffies = 0;
  private doneUnits = 0;
  sleeps = 0;

  constructor(
    /** Real units per second per core, as a function of time. */
    private readonly capacity: (ms: number) => number,
    /** Background busy share (percent of the machine) as a function of time. */
    private readonly background: (ms: number) => number,
  ) {}

  now(): number {
    return this.t;
  }

  async sleep(ms: number): Promise<void> {
    this.sleeps++;
    for (let i = 0; i < ms; i++) this.step();
  }

  setRate(rate: number | 'max'): void {
    this.rate = rate;
  }

  units(): number {
    return Math.floor(this.doneUnits);
  }

  readCpu = (): CpuTimes => {
    const busy = Math.floor(this.busyJiffies);
    const idle = Math.floor(this.totalJiffies) - busy;
    return { user: busy, nice: 0, system: 0, idle, iowait: 0, irq: 0, softirq: 0, steal: 0, guest: 0, guestNice: 0 };
  };

  private step(): void {
    if (this.t % 100 === 0) this.applied = this.rate;
    const bg = Math.max(0, this.background(this.t)) / 100;
    // Share of each core our worker may use, and what it does with it (the rest of the core is idle or background).
    const free = 1 - bg;
    const capacity = this.capacity(this.t);
    const want = this.applied === 'max' ? 1 : Math.min(1, this.applied / capacity);
    const used = Math.min(free, want);
    this.doneUnits += (used * capacity * this.workers) / 1000;
    // 1 ms on 2 CPUs at 100 jiffies/s = 0.2 jiffies.
    this.totalJiffies += 0.2;
    this.busyJiffies += 0.2 * (bg + used);
    this.t++;
  }
}

const LEVELS = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];

describe('load-test control loop (simulated clock and machine)', () => {
  it('holds every level within ±1 point of its target and reports units per second', async () => {
    // 3 % background with slow drift and jitter, as on a real host.
    const noise = (ms: number) => 3 + Math.sin(ms / 1700) + 0.8 * Math.sin(ms / 97);
    const machine = new SimulatedMachine(() => 240, noise);
    const run = await runLoadTest(machine, machine, machine.readCpu, { levels: LEVELS, levelSeconds: 10 });
    expect(run.levels.map((l) => l.utilization)).toEqual(LEVELS);
    for (const level of run.levels) {
      expect(
        Math.abs(level.achieved_utilization - level.utilization),
        `level ${level.utilization}`,
      ).toBeLessThanOrEqual(level.utilization === 100 ? 0 : 1);
      expect(level.seconds).toBe(10);
    }
    // Units follow the load our workers added (target − ~3 % background): 2 × 240 units/s on a free machine.
    const at = (u: number) => run.levels.find((l) => l.utilization === u)?.work_units ?? 0;
    expect(Math.abs(at(100) - 0.97 * 480)).toBeLessThan(480 * 0.01);
    expect(Math.abs(at(50) - 0.47 * 480)).toBeLessThan(480 * 0.02);
    expect(Math.abs(run.calibration_units_per_worker - 0.97 * 240)).toBeLessThan(240 * 0.02);
    expect(run.background_busy).toBeGreaterThan(1);
    // Bounded: one tick per 500 ms per level plus the idle and calibration sleeps.
    expect(machine.sleeps).toBeLessThanOrEqual(10 * 20 + 2);
  });

  it('corrects a calibration that is off (e.g. the CPU clocks down under sustained load)', async () => {
    // Turbo while calibrating (the first 2 s): the calibration overestimates the sustained speed by 15 %.
    const machine = new SimulatedMachine(
      (ms) => (ms < 2000 ? 276 : 240),
      () => 2,
    );
    const run = await runLoadTest(machine, machine, machine.readCpu, {
      levels: [30, 60, 90],
      levelSeconds: 5,
      calibrationMs: 1000,
    });
    for (const level of run.levels)
      expect(Math.abs(level.achieved_utilization - level.utilization)).toBeLessThanOrEqual(1);
  });

  it('reports progress with time left for the whole test', async () => {
    const machine = new SimulatedMachine(
      () => 200,
      () => 1,
    );
    const seen: number[] = [];
    await runLoadTest(machine, machine, machine.readCpu, {
      levels: [10, 100],
      levelSeconds: 2,
      onProgress: (p) => seen.push(p.totalMsLeft),
    });
    expect(seen[0]).toBeGreaterThan(2000);
    expect(seen.at(-1)).toBe(0);
    expect([...seen].sort((a, b) => b - a)).toEqual(seen);
  });
});
