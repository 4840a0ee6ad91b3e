/**
 * Holds each utilization level with a control loop. The reference ran fixed unit counts for 1 s tries, accepted a
 * level when the machine's busy share landed in a window (8–12 % …) and extrapolated 100 % (REFERENCE 3). Here every
 * level runs for `levelSeconds` and 100 % is measured flat out.
 *
 * What is controlled is the load's own share of the CPUs it may use: the CPU time of the worker threads over
 * effective CPUs × time (the vCPUs, cut down by a cgroup quota or cpuset). The machine's busy share (100 − idle of
 * /proc/stat, the reference's measure) also counts other processes: on a host where they take 1–3 points, holding the
 * machine at 10 % left the load 7–9 %, and the units at 10 % varied by 10–20 % from run to run with whatever else ran.
 * The machine's busy share is still measured over the same window and reported beside it, with what tells whether
 * the window can be trusted: other processes' share, steal, the CPU clock, cgroup throttling and CPU pressure.
 *
 * Before the levels the units run flat out for a warm-up (the WebAssembly reaches its optimised tier, the clock its
 * sustained speed) and then a calibration that seeds the rates. Each level first settles (the rate converges from
 * its seed), then units, the load's CPU time and /proc/stat are counted over the rest of the level, the measured
 * window: every tick compares the load's share with what the rest of the window must average for the whole window
 * to hit the target, and corrects the rate.
 *
 * Clock, /proc/stat, CPU-time and condition readers are injected, so the loop is tested on a simulated machine and
 * clock.
 */
import { type CpuTimes, cpuPercents } from '@xat/procfs';
import type { ThrottleCounters } from '../cpus/cgroup.ts';

export interface Clock {
  /** Milliseconds, monotonic. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** The aggregate `cpu` line of /proc/stat. */
export type CpuReader = () => CpuTimes;

export interface Meters {
  /** The machine: the aggregate `cpu` line of /proc/stat (the load and other processes together). */
  machine: CpuReader;
  /** CPU time used so far by the load itself (the worker threads), in milliseconds. */
  own: () => number;
  /** Mean clock of the CPUs now, MHz; absent or undefined where the kernel does not show it. */
  freqMhz?: () => number | undefined;
  /** Throttling counters of the cgroup whose quota binds; absent or undefined without a quota. */
  throttling?: () => ThrottleCounters | undefined;
  /** `/proc/pressure/cpu` `some avg10`; absent or undefined without PSI. */
  cpuPressure?: () => number | undefined;
}

/** What runs the units: a pool of workers, one per effective CPU rounded up (or a simulation of one). */
export interface Load {
  readonly workers: number;
  /** Units per second per worker, or flat out. */
  setRate(rate: number | 'max'): void;
  /** Units done so far, all workers together. */
  units(): number;
}

/** One level over its measured window; the names are PccLevelSchema's (what the upload's `details.levels` holds). */
export interface LevelResult {
  utilization: number;
  /** Units per second over the measured window, all CPUs together (the reference's `units` at that `busy`). */
  work_units: number;
  /** The load's own share of its effective CPUs over the window (its CPU time / effective CPUs × window), 2 decimals. */
  achieved_utilization: number;
  /** Busy share of the whole machine over the same window (100 − idle of /proc/stat): the load and other processes. */
  machine_utilization: number;
  /** Other processes' share of the whole machine: its busy share less steal and the load's share of all vCPUs, ≥ 0. */
  other_utilization: number;
  /** Steal time, % of the machine's CPU time over the window. */
  steal_pct: number;
  /** Share of the cgroup's quota periods in which it was throttled, %; only under a quota. */
  throttled_pct?: number;
  /** Time the cgroup spent throttled over the window, µs; only under a quota. */
  throttled_usec?: number;
  /** `/proc/pressure/cpu` `some avg10` at the end of the window; only where the kernel has PSI. */
  cpu_pressure_avg10?: number;
  /** Mean CPU clock over the window, MHz; only where the kernel shows it. */
  freq_mhz?: number;
  /** Length of the measured window: the level less its settling time. */
  seconds: number;
}

export interface Progress {
  level: number;
  /** The load's share so far in the level's window (or the level, while it settles). */
  achieved: number;
  levelMsLeft: number;
  totalMsLeft: number;
}

export interface LoadTestPlan {
  levels: readonly number[];
  levelSeconds: number;
  /** CPUs the OS shows and CPUs the load may use (quota, cpuset); both default to the load's workers. */
  cpus?: { vcpus: number; effective: number };
  /** Flat out before the calibration, not counted; default 3 s (at most a level). */
  warmupMs?: number;
  /** Flat-out run that measures units/s per worker and seeds the rates; default 2 s (at most a level). */
  calibrationMs?: number;
  /** Idle run that measures what the machine does without us. */
  backgroundMs?: number;
  /** Start of each level not counted while the rate converges; default 2 s, at most a fifth of the level. */
  settleMs?: number;
  tickMs?: number;
  onProgress?: (p: Progress) => void;
  onLevel?: (r: LevelResult) => void;
}

export interface LoadTestRun {
  levels: LevelResult[];
  /** Units per second per effective CPU, flat out, from the calibration. */
  calibration_units_per_cpu: number;
  /** Busy share of the idle machine before the test. */
  background_busy: number;
  /**
   * How much faster (+) or slower (−) the machine ran flat out at the end (the 100 % level) than at the start (the
   * calibration), in percent of its units per CPU-second: clock changes or other tenants of the host moved every
   * level's units by about as much. Absent without a 100 % level.
   */
  speed_change_pct?: number;
}

const busyBetween = (a: CpuTimes, b: CpuTimes) => 100 - cpuPercents(a, b).idle;
const round2 = (v: number) => Math.round(v * 100) / 100;

/** How much of a correction is applied per tick: the share is measured exactly, but a rate takes a unit to apply. */
const GAIN = 0.8;
/** How far a tick's aim may stray from the target while making up for earlier ticks. */
const MAX_CATCH_UP = 15;

/** Snapshot of every counter at one instant. */
interface Mark {
  t: number;
  units: number;
  own: number;
  machine: CpuTimes;
  throttle?: ThrottleCounters;
}

function mark(load: Load, clock: Clock, meters: Meters): Mark {
  const m: Mark = { t: clock.now(), units: load.units(), own: meters.own(), machine: meters.machine() };
  const throttle = meters.throttling?.();
  if (throttle) m.throttle = throttle;
  return m;
}

/** The load's CPU time between two marks over `cpus` × time, in percent. */
const ownShare = (a: Mark, b: Mark, cpus: number) => (b.t > a.t ? ((b.own - a.own) / (b.t - a.t) / cpus) * 100 : 0);

export async function runLoadTest(load: Load, clock: Clock, meters: Meters, plan: LoadTestPlan): Promise<LoadTestRun> {
  const levelMs = plan.levelSeconds * 1000;
  const cpus = plan.cpus ?? { vcpus: load.workers, effective: load.workers };
  load.setRate(0);
  const idleFrom = meters.machine();
  await clock.sleep(plan.backgroundMs ?? 1000);
  const background = busyBetween(idleFrom, meters.machine());

  // A level of less than the default warm-up is a quick check, not a measurement: it need not wait as long.
  load.setRate('max');
  await clock.sleep(plan.warmupMs ?? Math.min(3000, levelMs));
  const c0 = mark(load, clock, meters);
  await clock.sleep(plan.calibrationMs ?? Math.min(2000, levelMs));
  const c1 = mark(load, clock, meters);
  const calibration = (c1.units - c0.units) / cpus.effective / ((c1.t - c0.t) / 1000);
  // Units per CPU-second of a worker: what seeds the rate for a share of the machine.
  const capacity = Math.max(1e-6, (c1.units - c0.units) / Math.max(1e-6, (c1.own - c0.own) / 1000));

  const settleMs = Math.min(plan.settleMs ?? 2000, levelMs / 5);
  const levels: LevelResult[] = [];
  for (const [i, level] of plan.levels.entries()) {
    const after = (plan.levels.length - i - 1) * levelMs;
    const result = await holdLevel(load, clock, meters, {
      target: level,
      ms: levelMs,
      settleMs,
      capacity,
      cpus,
      tickMs: plan.tickMs ?? 500,
      onTick: (achieved, left) => plan.onProgress?.({ level, achieved, levelMsLeft: left, totalMsLeft: left + after }),
    });
    levels.push(result);
    plan.onLevel?.(result);
  }
  load.setRate(0);
  const run: LoadTestRun = {
    levels,
    calibration_units_per_cpu: round2(calibration),
    background_busy: round2(background),
  };
  const end = levels.find((l) => l.utilization >= 100);
  if (end && end.achieved_utilization > 0) {
    // Units per CPU-second of one worker, flat out at the end, against the calibration's at the start.
    const speed = end.work_units / ((end.achieved_utilization / 100) * cpus.effective);
    run.speed_change_pct = round2((speed / capacity - 1) * 100);
  }
  return run;
}

interface HoldOptions {
  target: number;
  ms: number;
  settleMs: number;
  /** Units per CPU-second of one worker. */
  capacity: number;
  cpus: { vcpus: number; effective: number };
  tickMs: number;
  onTick?: (achieved: number, msLeft: number) => void;
}

/** One level: units/s, the load's share and the machine's conditions over exactly the measured window. */
export async function holdLevel(load: Load, clock: Clock, meters: Meters, o: HoldOptions): Promise<LevelResult> {
  const flatOut = o.target >= 100;
  const start = clock.now();
  const windowAt = start + o.settleMs;
  const end = start + o.ms;
  // A worker's rate for a share of the effective CPUs: each worker carries effective / workers of a CPU.
  const perWorker = o.cpus.effective / load.workers;
  const share = (a: Mark, b: Mark) => ownShare(a, b, o.cpus.effective);
  let rate: number | 'max' = flatOut ? 'max' : (o.capacity * o.target * perWorker) / 100;
  load.setRate(rate);
  let prev = mark(load, clock, meters);
  let from: Mark | undefined = o.settleMs > 0 ? undefined : prev;
  const clocks: number[] = [];
  const sampleClock = () => {
    const mhz = meters.freqMhz?.();
    if (mhz !== undefined && Number.isFinite(mhz)) clocks.push(mhz);
  };
  if (from) sampleClock();
  for (;;) {
    const now = clock.now();
    if (now >= end) break;
    // Ticks end exactly where the window starts, so the window is counted from a mark.
    const boundary = from ? end : Math.min(windowAt, end);
    await clock.sleep(Math.min(o.tickMs, boundary - now));
    const cur = mark(load, clock, meters);
    const tick = share(prev, cur);
    prev = cur;
    if (!from && cur.t >= windowAt) from = cur;
    if (from) sampleClock();
    const remaining = end - cur.t;
    o.onTick?.(from && cur !== from ? share(from, cur) : tick, Math.max(0, remaining));
    if (flatOut || typeof rate !== 'number' || remaining <= 0) continue;
    let aim = o.target;
    if (from) {
      // What the rest of the window must average so that the whole window averages the target.
      const elapsed = cur.t - from.t;
      const sofar = cur === from ? 0 : share(from, cur);
      aim = (o.target * (elapsed + remaining) - sofar * elapsed) / remaining;
    }
    const bounded = Math.min(100, Math.max(0, o.target - MAX_CATCH_UP, Math.min(o.target + MAX_CATCH_UP, aim)));
    rate = Math.min(o.capacity * 1.5, Math.max(0, rate + (GAIN * (bounded - tick) * o.capacity * perWorker) / 100));
    load.setRate(rate);
  }
  const last = mark(load, clock, meters);
  const first = from ?? last;
  const seconds = (last.t - first.t) / 1000;
  const result: LevelResult = {
    utilization: o.target,
    work_units: seconds > 0 ? round2((last.units - first.units) / seconds) : 0,
    achieved_utilization: round2(share(first, last)),
    ...machineShares(first, last, o.cpus.vcpus),
    seconds: round2(seconds),
  };
  const p = first.throttle;
  const q = last.throttle;
  if (p && q && q.periods > p.periods) {
    result.throttled_pct = round2(((q.throttled - p.throttled) / (q.periods - p.periods)) * 100);
    result.throttled_usec = Math.round(q.throttledUsec - p.throttledUsec);
  }
  const pressure = meters.cpuPressure?.();
  if (pressure !== undefined && Number.isFinite(pressure)) result.cpu_pressure_avg10 = pressure;
  if (clocks.length > 0) result.freq_mhz = Math.round(clocks.reduce((a, b) => a + b, 0) / clocks.length);
  return result;
}

/**
 * The whole machine over a window: its busy share, steal, and what other processes took — the busy share less steal
 * (the hypervisor's, counted on its own) and less the load's CPU time over all vCPUs (not the effective ones: the
 * machine's share, like /proc/stat's).
 */
function machineShares(a: Mark, b: Mark, vcpus: number) {
  if (b.t <= a.t) return { machine_utilization: 0, other_utilization: 0, steal_pct: 0 };
  const busy = busyBetween(a.machine, b.machine);
  const steal = cpuPercents(a.machine, b.machine).steal;
  const other = busy - steal - ownShare(a, b, vcpus);
  return { machine_utilization: round2(busy), other_utilization: round2(Math.max(0, other)), steal_pct: round2(steal) };
}
