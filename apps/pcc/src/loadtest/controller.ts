/**
 * Holds each utilization level with a control loop on /proc/stat. The reference ran fixed unit counts for 1 s tries
 * and accepted a level when the try landed in a window (8–12 % …), and extrapolated 100 % (REFERENCE 3). Here every
 * level runs for `levelSeconds`: the rate starts from the calibration, and every tick compares the machine's busy
 * share (100 − idle of the aggregate cpu line, as the reference measures it) with what the rest of the level must
 * average for the whole level to hit the target, and corrects the rate. 100 % is measured flat out.
 *
 * Clock and /proc/stat reader are injected, so the loop is tested on a simulated machine and clock.
 */
import { type CpuTimes, cpuPercents } from '@xat/procfs';

export interface Clock {
  /** Milliseconds, monotonic. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** The aggregate `cpu` line of /proc/stat. */
export type CpuReader = () => CpuTimes;

/** What runs the units: a pool of workers (or a simulation of one). */
export interface Load {
  readonly workers: number;
  /** Units per second per worker, or flat out. */
  setRate(rate: number | 'max'): void;
  /** Units done so far, all workers together. */
  units(): number;
}

export interface LevelResult {
  utilization: number;
  /** Units per second over the level, all vCPUs together (the reference's `units` at that `busy`). */
  work_units: number;
  /** Busy share of the machine over the level, 2 decimals. */
  achieved_utilization: number;
  seconds: number;
}

export interface Progress {
  level: number;
  /** Busy share since the level started. */
  achieved: number;
  levelMsLeft: number;
  totalMsLeft: number;
}

export interface LoadTestPlan {
  levels: readonly number[];
  levelSeconds: number;
  /** Flat-out run that measures units/s per worker (also warms the WebAssembly up to its optimised tier). */
  calibrationMs?: number;
  /** Idle run that measures what the machine does without us. */
  backgroundMs?: number;
  tickMs?: number;
  onProgress?: (p: Progress) => void;
  onLevel?: (r: LevelResult) => void;
}

export interface LoadTestRun {
  levels: LevelResult[];
  /** Units per second per worker, flat out, from the calibration. */
  calibration_units_per_worker: number;
  /** Busy share of the idle machine before the test. */
  background_busy: number;
}

const busyBetween = (a: CpuTimes, b: CpuTimes) => 100 - cpuPercents(a, b).idle;
const round2 = (v: number) => Math.round(v * 100) / 100;

/** How much of a correction is applied per tick: below 1 so that jiffy noise does not make the rate oscillate. */
const GAIN = 0.6;
/** How far a tick's aim may stray from the target while making up for earlier ticks. */
const MAX_CATCH_UP = 15;

export async function runLoadTest(
  load: Load,
  clock: Clock,
  readCpu: CpuReader,
  plan: LoadTestPlan,
): Promise<LoadTestRun> {
  const levelMs = plan.levelSeconds * 1000;
  load.setRate(0);
  const idleFrom = readCpu();
  await clock.sleep(plan.backgroundMs ?? 1000);
  const background = busyBetween(idleFrom, readCpu());

  const calibrationMs = plan.calibrationMs ?? 1000;
  const u0 = load.units();
  const t0 = clock.now();
  load.setRate('max');
  await clock.sleep(calibrationMs);
  const capacity = Math.max(1e-6, (load.units() - u0) / load.workers / ((clock.now() - t0) / 1000));

  const levels: LevelResult[] = [];
  for (const [i, level] of plan.levels.entries()) {
    const after = (plan.levels.length - i - 1) * levelMs;
    const result = await holdLevel(load, clock, readCpu, {
      target: level,
      ms: levelMs,
      capacity,
      background,
      tickMs: plan.tickMs ?? 500,
      onTick: (achieved, left) => plan.onProgress?.({ level, achieved, levelMsLeft: left, totalMsLeft: left + after }),
    });
    levels.push(result);
    plan.onLevel?.(result);
  }
  load.setRate(0);
  return { levels, calibration_units_per_worker: round2(capacity), background_busy: round2(background) };
}

interface HoldOptions {
  target: number;
  ms: number;
  capacity: number;
  background: number;
  tickMs: number;
  onTick?: (achieved: number, msLeft: number) => void;
}

/** One level: returns units/s and the busy share achieved over exactly the level's window. */
export async function holdLevel(load: Load, clock: Clock, readCpu: CpuReader, o: HoldOptions): Promise<LevelResult> {
  const start = clock.now();
  const end = start + o.ms;
  const first = readCpu();
  const u0 = load.units();
  const flatOut = o.target >= 100;
  // A worker at full capacity keeps one vCPU busy; workers = vCPUs, so rate/capacity × 100 ≈ its busy share.
  let rate: number | 'max' = flatOut ? 'max' : (o.capacity * Math.max(0, o.target - o.background)) / 100;
  load.setRate(rate);
  let prev = first;
  for (;;) {
    const left = end - clock.now();
    if (left <= 0) break;
    await clock.sleep(Math.min(o.tickMs, left));
    const snap = readCpu();
    const tick = busyBetween(prev, snap);
    const sofar = busyBetween(first, snap);
    prev = snap;
    const elapsed = clock.now() - start;
    const remaining = end - clock.now();
    o.onTick?.(sofar, Math.max(0, remaining));
    if (flatOut || typeof rate !== 'number' || remaining <= 0) continue;
    // What the rest of the level must average so that the whole level averages the target.
    const aim = (o.target * o.ms - sofar * elapsed) / remaining;
    const bounded = Math.min(100, Math.max(0, o.target - MAX_CATCH_UP, Math.min(o.target + MAX_CATCH_UP, aim)));
    rate = Math.min(o.capacity * 1.5, Math.max(0, rate + (GAIN * (bounded - tick) * o.capacity) / 100));
    load.setRate(rate);
  }
  const last = readCpu();
  const seconds = (clock.now() - start) / 1000;
  return {
    utilization: o.target,
    work_units: Math.round((load.units() - u0) / seconds),
    achieved_utilization: round2(busyBetween(first, last)),
    seconds: round2(seconds),
  };
}
