import { describe, expect, it } from 'vitest';
import { SimulatedMachine } from '../testing/simulated-machine.ts';
import { type Meters, runLoadTest } from './controller.ts';

const LEVELS = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
const at = (levels: { utilization: number; work_units: number }[], u: number) =>
  levels.find((l) => l.utilization === u)?.work_units ?? 0;

describe('load-test control loop (simulated clock and machine)', () => {
  it("holds the load's own share of every level on target and reports units per second over the settled window", async () => {
    // 3 % background with slow drift and jitter, as on a real host.
    const noise = (ms: number) => 3 + Math.sin(ms / 1700) + 0.8 * Math.sin(ms / 97);
    const machine = new SimulatedMachine({ capacity: () => 240, background: noise });
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
    expect(Math.abs(run.calibration_units_per_cpu - 0.97 * 240)).toBeLessThan(240 * 0.02);
    expect(run.background_busy).toBeGreaterThan(1);
    // The machine kept its speed: flat out at the end, units per CPU-second match the calibration's.
    expect(Math.abs(run.speed_change_pct ?? 99)).toBeLessThan(0.5);
    // Bounded: one tick per 500 ms per level plus the idle, warm-up and calibration sleeps.
    expect(machine.sleeps).toBeLessThanOrEqual(10 * 20 + 3);
  });

  it('counts the same units whatever other processes take (they used to count as the load)', async () => {
    const quiet = new SimulatedMachine({ capacity: () => 240, background: () => 0.5 });
    const busy = new SimulatedMachine({ capacity: () => 240, background: (ms) => 6 + 2 * Math.sin(ms / 700) });
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
    const machine = new SimulatedMachine({ capacity: (ms) => (ms < 6000 ? 276 : 240), background: () => 2 });
    const run = await runLoadTest(machine, machine, machine.meters, { levels: [30, 60, 90], levelSeconds: 5 });
    expect(run.calibration_units_per_cpu).toBeGreaterThan(260);
    for (const level of run.levels) {
      expect(Math.abs(level.achieved_utilization - level.utilization)).toBeLessThanOrEqual(0.1);
      expect(Math.abs(level.work_units / ((level.utilization / 100) * 480) - 1)).toBeLessThan(0.005);
    }
  });

  it("reports how much the machine's flat-out speed changed between the start and the end", async () => {
    // 5 % slower from the last level on (another tenant of the host, a clock going down): the units of the level move
    // with it, whatever share is held, and the run says so.
    const machine = new SimulatedMachine({ capacity: (ms) => (ms < 6000 + 2 * 4000 ? 240 : 228), background: () => 2 });
    const run = await runLoadTest(machine, machine, machine.meters, { levels: [30, 60, 100], levelSeconds: 4 });
    expect(run.speed_change_pct).toBeGreaterThan(-5.3);
    expect(run.speed_change_pct).toBeLessThan(-4.7);
    // Without a flat-out level there is nothing at the end to compare with.
    const partial = await runLoadTest(machine, machine, machine.meters, { levels: [30], levelSeconds: 4 });
    expect(partial.speed_change_pct).toBeUndefined();
  });

  it('under a 0.5-CPU quota on 2 vCPUs: shares of the effective CPU, the same units per effective CPU, throttling', async () => {
    const limited = new SimulatedMachine({ capacity: () => 240, background: () => 1, workers: 1, quota: 0.5 });
    const run = await runLoadTest(limited, limited, limited.meters, {
      levels: [25, 50, 75, 100],
      levelSeconds: 5,
      cpus: { vcpus: 2, effective: 0.5 },
    });
    for (const level of run.levels.filter((l) => l.utilization < 100)) {
      const name = `level ${level.utilization}`;
      // Half of the half CPU at 50 %: a share of what the quota allows, not of the machine.
      expect(Math.abs(level.achieved_utilization - level.utilization), name).toBeLessThanOrEqual(0.5);
      expect(Math.abs(level.work_units / ((level.utilization / 100) * 0.5 * 240) - 1), name).toBeLessThan(0.01);
      // Paced below the quota, the cgroup is hardly ever cut short.
      expect(level.throttled_pct ?? 0, name).toBeLessThan(10);
    }
    const full = run.levels.at(-1);
    // Flat out the load gets the quota: 100 % of its effective CPU, 240 units/s per effective CPU like a whole core…
    expect(Math.abs((full?.achieved_utilization ?? 0) - 100)).toBeLessThan(1);
    expect(Math.abs((full?.work_units ?? 0) / 0.5 / 240 - 1)).toBeLessThan(0.01);
    // …the machine is a quarter busy, and the quota throttled the load in nearly every period.
    expect(Math.abs((full?.machine_utilization ?? 0) - 26)).toBeLessThan(1.5);
    expect(full?.throttled_pct).toBeGreaterThan(90);
    expect(full?.throttled_usec).toBeGreaterThan(1_000_000);
    expect(Math.abs(run.calibration_units_per_cpu - 240)).toBeLessThan(240 * 0.02);
    expect(Math.abs(run.speed_change_pct ?? 99)).toBeLessThan(0.5);
  });

  it("reports each level's conditions: other processes, steal, the clock, CPU pressure; none it cannot read", async () => {
    const machine = new SimulatedMachine({
      capacity: () => 240,
      background: () => 8,
      steal: (ms) => (ms < 12_000 ? 0 : 4),
      freqMhz: (ms) => (ms < 12_000 ? 3000 : 2000),
      pressure: 12.5,
    });
    const run = await runLoadTest(machine, machine, machine.meters, { levels: [20, 40], levelSeconds: 5 });
    const [first, second] = run.levels;
    expect(Math.abs((first?.other_utilization ?? 0) - 8)).toBeLessThan(1);
    expect(first?.steal_pct).toBe(0);
    expect(Math.abs((second?.steal_pct ?? 0) - 4)).toBeLessThan(0.5);
    // Steal is reported on its own, not as other processes' load.
    expect(Math.abs((second?.other_utilization ?? 0) - 8)).toBeLessThan(1);
    expect(first?.freq_mhz).toBe(3000);
    expect(second?.freq_mhz).toBe(2000);
    expect(second?.cpu_pressure_avg10).toBe(12.5);
    // No quota: nothing about throttling, rather than zeros that would claim it was measured.
    expect(second).not.toHaveProperty('throttled_pct');

    const bare: Meters = { machine: machine.meters.machine, own: machine.meters.own };
    const plain = await runLoadTest(machine, machine, bare, { levels: [20], levelSeconds: 2 });
    expect(Object.keys(plain.levels[0] ?? {}).sort()).toEqual([
      'achieved_utilization',
      'machine_utilization',
      'other_utilization',
      'seconds',
      'steal_pct',
      'utilization',
      'work_units',
    ]);
  });

  it('reports progress with time left for the whole test', async () => {
    const machine = new SimulatedMachine({ capacity: () => 200, background: () => 1 });
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
