import type { CpuTimes } from '@xat/procfs';
import { describe, expect, it } from 'vitest';
import { type Clock, type Load, type Meters, runLoadTest } from './controller.ts';

/**
 * A simulated 2-vCPU machine on a simulated clock: workers turn a rate into busy CPU (a unit costs 1/capacity of a
 * core-second), other processes add a noisy background, /proc/stat counts whole jiffies at USER_HZ 100 and the
 * load's own CPU time is exact (getrusage). Rate changes take effect up to 100 ms late (a unit interval at 10 %).
 */
class SimulatedMachine implements Load, Clock {
  readonly workers = 2;
  private t = 0;
  private rate: number | 'max' = 0;
  private applied: number | 'max' = 0;
  private busyJiffies = 0;
  private totalJiffies = 0;
  private doneUnits = 0;
  private ownMs = 0;
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

  readonly meters: Meters = {
    machine: () => this.readCpu(),
    own: () => this.ownMs,
  };

  private readCpu(): CpuTimes {
    const busy = Math.floor(this.busyJiffies);
    const idle = Math.floor(this.totalJiffies) - busy;
    return { user: busy, nice: 0, system: 0, idle, iowait: 0, irq: 0, softirq: 0, steal: 0, guest: 0, guestNice: 0 };
  }

  private step(): void {
    if (this.t % 100 === 0) this.applied = this.rate;
    const bg = Math.max(0, this.background(this.t)) / 100;
    // Share of each core our worker may use, and what it does with it (the rest of the core is idle or background).
    const free = 1 - bg;
    const capacity = this.capacity(this.t);
    const want = this.applied === 'max' ? 1 : Math.min(1, this.applied / capacity);
    const used = Math.min(free, want);
    this.doneUnits += (used * capacity * this.workers) / 1000;
    this.ownMs += used * this.workers;
    // 1 ms on 2 CPUs at 100 jiffies/s = 0.2 jiffies.
    this.totalJiffies += 0.2;
    this.busyJiffies += 0.2 * (bg + used);
    this.t++;
  }
}

const LEVELS = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
const at = (levels: { utilization: number; work_units: number }[], u: number) =>
  levels.find((l) => l.utilization === u)?.work_units ?? 0;

describe('load-test control loop (simulated clock and machine)', () => {
  it("holds the load's own share of every level on target and reports units per second over the settled window", async () => {
    // 3 % background with slow drift and jitter, as on a real host.
    const noise = (ms: number) => 3 + Math.sin(ms / 1700) + 0.8 * Math.sin(ms / 97);
    const machine = new SimulatedMachine(() => 240, noise);
    const run = await runLoadTest(machine, machine, machine.meters, { levels: LEVELS, levelSeconds: 10 });
    expect(run.levels.map((l) => l.utilization)).toEqual(LEVELS);
    for (const level of run.levels.filter((l) => l.utilization < 100)) {
      const name = `level ${level.utilization}`;
      expect(Math.abs(level.achieved_utilization - level.utilization), name).toBeLessThanOrEqual(0.1);
      // The machine is busier than the load by what the other processes take, measured over the same window.
      expect(level.machine_utilization - level.achieved_utilization, name).toBeGreaterThan(1.5);
      expect(level.machine_utilization - level.achieved_utilization, name).toBeLessThan(4.5);
      // A unit costs 1/240 of a core-second: the target's share of 2 × 240 units/s.
      expect(Math.abs(level.work_units / ((level.utilization / 100) * 480) - 1), name).toBeLessThan(0.005);
      // Counted after 2 s of settling.
      expect(level.seconds, name).toBe(8);
    }
    // Flat out, the load gets what the other processes leave it, and the machine is full.
    const full = run.levels.at(-1);
    expect(full?.machine_utilization).toBe(100);
    expect(Math.abs((full?.achieved_utilization ?? 0) - 97)).toBeLessThan(1);
    expect(Math.abs(at(run.levels, 100) - 0.97 * 480)).toBeLessThan(480 * 0.01);
    expect(Math.abs(run.calibration_units_per_worker - 0.97 * 240)).toBeLessThan(240 * 0.02);
    expect(run.background_busy).toBeGreaterThan(1);
    // The machine kept its speed: flat out at the end, units per CPU-second match the calibration's.
    expect(Math.abs(run.speed_change_pct ?? 99)).toBeLessThan(0.5);
    // Bounded: one tick per 500 ms per level plus the idle, warm-up and calibration sleeps.
    expect(machine.sleeps).toBeLessThanOrEqual(10 * 20 + 3);
  });

  it('counts the same units whatever other processes take (they used to count as the load)', async () => {
    const quiet = new SimulatedMachine(
      () => 240,
      () => 0.5,
    );
    const busy = new SimulatedMachine(
      () => 240,
      (ms) => 6 + 2 * Math.sin(ms / 700),
    );
    const plan = { levels: LEVELS.slice(0, 9), levelSeconds: 5 };
    const a = await runLoadTest(quiet, quiet, quiet.meters, plan);
    const b = await runLoadTest(busy, busy, busy.meters, plan);
    for (const u of plan.levels)
      expect(Math.abs(at(b.levels, u) / at(a.levels, u) - 1), `level ${u}`).toBeLessThan(0.005);
    // …while the machine's busy share, reported beside, shows the difference.
    const m = (run: typeof a, u: number) => run.levels.find((l) => l.utilization === u)?.machine_utilization ?? 0;
    expect(m(b, 10) - m(a, 10)).toBeGreaterThan(4);
  });

  it('corrects a calibration that is off (e.g. the CPU clocks down under sustained load)', async () => {
    // Turbo until the levels start: the calibration overestimates the sustained speed by 15 %.
    const machine = new SimulatedMachine(
      (ms) => (ms < 6000 ? 276 : 240),
      () => 2,
    );
    const run = await runLoadTest(machine, machine, machine.meters, { levels: [30, 60, 90], levelSeconds: 5 });
    expect(run.calibration_units_per_worker).toBeGreaterThan(260);
    for (const level of run.levels) {
      expect(Math.abs(level.achieved_utilization - level.utilization)).toBeLessThanOrEqual(0.1);
      expect(Math.abs(level.work_units / ((level.utilization / 100) * 480) - 1)).toBeLessThan(0.005);
    }
  });

  it("reports how much the machine's flat-out speed changed between the start and the end", async () => {
    // 5 % slower from the last level on (another tenant of the host, a clock going down): the units of the level move
    // with it, whatever share is held, and the run says so.
    const machine = new SimulatedMachine(
      (ms) => (ms < 6000 + 2 * 4000 ? 240 : 228),
      () => 2,
    );
    const run = await runLoadTest(machine, machine, machine.meters, { levels: [30, 60, 100], levelSeconds: 4 });
    expect(run.speed_change_pct).toBeGreaterThan(-5.3);
    expect(run.speed_change_pct).toBeLessThan(-4.7);
    // Without a flat-out level there is nothing at the end to compare with.
    const partial = await runLoadTest(machine, machine, machine.meters, { levels: [30], levelSeconds: 4 });
    expect(partial.speed_change_pct).toBeUndefined();
  });

  it('reports progress with time left for the whole test', async () => {
    const machine = new SimulatedMachine(
      () => 200,
      () => 1,
    );
    const seen: number[] = [];
    await runLoadTest(machine, machine, machine.meters, {
      levels: [10, 100],
      levelSeconds: 2,
      onProgress: (p) => seen.push(p.totalMsLeft),
    });
    expect(seen[0]).toBeGreaterThan(2000);
    expect(seen.at(-1)).toBe(0);
    expect([...seen].sort((a, b) => b - a)).toEqual(seen);
  });
});
