/** Test support: a simulated machine and clock for the load-test control loop (no real CPU, no real time). */
import { type CpuTimes, ZERO_CPU_TIMES } from '@xat/procfs';
import type { ThrottleCounters } from '../cpus/cgroup.ts';
import type { Clock, Load, Meters } from '../loadtest/controller.ts';

export interface MachineSpec {
  /** Real units per second per core, as a function of time. */
  capacity: (ms: number) => number;
  /** Background busy share (percent of every core) as a function of time. */
  background: (ms: number) => number;
  vcpus?: number;
  /** Worker threads of the load; default one per vCPU. */
  workers?: number;
  /** CPUs the cgroup's quota allows the load (cgroup v1/v2 bandwidth, 100 ms periods); default none. */
  quota?: number;
  /** Steal (percent of every core) as a function of time. */
  steal?: (ms: number) => number;
  freqMhz?: (ms: number) => number;
  pressure?: number;
}

/**
 * A simulated machine on a simulated clock: workers turn a rate into busy CPU (a unit costs 1/capacity of a
 * core-second), other processes add a noisy background, the hypervisor may steal, a cgroup quota may cap the load per
 * 100 ms period, /proc/stat counts whole jiffies at USER_HZ 100 and the load's own CPU time is exact (getrusage). Rate
 * changes take effect up to 100 ms late (a unit interval at 10 %).
 */
export class SimulatedMachine implements Load, Clock {
  readonly workers: number;
  readonly vcpus: number;
  private t = 0;
  private rate: number | 'max' = 0;
  private applied: number | 'max' = 0;
  private busyJiffies = 0;
  private stealJiffies = 0;
  private totalJiffies = 0;
  private doneUnits = 0;
  private ownMs = 0;
  private periodUsed = 0;
  private periodThrottled = false;
  private throttle: ThrottleCounters = { periods: 0, throttled: 0, throttledUsec: 0 };
  sleeps = 0;

  constructor(private readonly spec: MachineSpec) {
    this.vcpus = spec.vcpus ?? 2;
    this.workers = spec.workers ?? this.vcpus;
  }

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
    freqMhz: () => this.spec.freqMhz?.(this.t),
    throttling: () => (this.spec.quota === undefined ? undefined : { ...this.throttle }),
    cpuPressure: () => this.spec.pressure,
  };

  private readCpu(): CpuTimes {
    const busy = Math.floor(this.busyJiffies);
    const steal = Math.floor(this.stealJiffies);
    const idle = Math.floor(this.totalJiffies) - busy - steal;
    return { ...ZERO_CPU_TIMES, user: busy, idle, steal };
  }

  private step(): void {
    if (this.t % 100 === 0) {
      this.applied = this.rate;
      // A cgroup period ends: counted when the load ran in it, throttled when the quota cut it short.
      if (this.spec.quota !== undefined && this.periodUsed > 0) {
        this.throttle.periods++;
        if (this.periodThrottled) this.throttle.throttled++;
      }
      this.periodUsed = 0;
      this.periodThrottled = false;
    }
    const bg = Math.max(0, this.spec.background(this.t)) / 100;
    const steal = Math.max(0, this.spec.steal?.(this.t) ?? 0) / 100;
    // Share of each core a worker may use, and what it does with it (the rest is idle, background or stolen).
    const free = Math.max(0, 1 - bg - steal);
    const capacity = this.spec.capacity(this.t);
    const want = this.applied === 'max' ? 1 : Math.min(1, this.applied / capacity);
    let used = Math.min(free, want) * this.workers;
    // The quota: at most quota × 100 ms of CPU per period; past it the load waits for the next period.
    if (this.spec.quota !== undefined) {
      const left = this.spec.quota * 100 - this.periodUsed;
      if (used > left) {
        used = Math.max(0, left);
        this.periodThrottled = true;
        this.throttle.throttledUsec += 1000;
      }
      this.periodUsed += used;
    }
    this.doneUnits += (used * capacity) / 1000;
    this.ownMs += used;
    // 1 ms on each vCPU at 100 jiffies/s = 0.1 jiffies.
    this.totalJiffies += 0.1 * this.vcpus;
    this.busyJiffies += 0.1 * (bg * this.vcpus + used);
    this.stealJiffies += 0.1 * steal * this.vcpus;
    this.t++;
  }
}
