/**
 * Rates between two rounds for the server and the agent — "where the reference breaks, we don't": devices, interfaces,
 * CPUs and containers are matched by name; a counter that goes backwards (reboot, wrap, driver reload), a device that
 * appears, or time that does not move forward gives a gap (an absent value), never a negative rate or an exception;
 * rates use the real time between the rounds. Instantaneous values (memory, filesystems) come from the current round
 * alone and are present whenever it has them. The formulas are the reference's (math.ts).
 */

import {
  type ContainerInterval,
  containerIntervals,
  type DiskInterval,
  diskIntervals,
  type FilesystemValue,
  filesystemValues,
  interfaceIntervals,
  type NetInterval,
} from './interval-devices.ts';
import { cpuPercents, memoryFigures } from './math.ts';
import type { Meminfo } from './parse-meminfo.ts';
import type { CpuTimes } from './parse-stat.ts';
import type { ParsedRound } from './round.ts';

export type { ContainerInterval, DiskInterval, FilesystemValue, NetInterval } from './interval-devices.ts';

/** Host-level figures; an absent field is a gap. Percentages 0–100; *_bps are bytes per second. */
export interface HostInterval {
  cpu_user?: number;
  cpu_nice?: number;
  cpu_system?: number;
  cpu_iowait?: number;
  cpu_steal?: number;
  cpu_idle?: number;
  cpu_busy?: number;
  mem_free_kb?: number;
  mem_available_kb?: number;
  mem_used_kb?: number;
  mem_used_pct?: number;
  mem_buffers_kb?: number;
  mem_cached_kb?: number;
  mem_commit_kb?: number;
  mem_commit_pct?: number;
  mem_active_kb?: number;
  mem_inactive_kb?: number;
  mem_dirty_kb?: number;
  /** Summed over whole disks (isWholeDisk) that have a value; bytes = 512-byte sectors × 512. */
  disk_read_bps?: number;
  disk_write_bps?: number;
  disk_read_iops?: number;
  disk_write_iops?: number;
  /** Summed over physical interfaces (isPhysicalInterface) that have a value. */
  net_rx_bps?: number;
  net_tx_bps?: number;
  net_rx_pps?: number;
  net_tx_pps?: number;
}

export interface CpuInterval {
  cpu: number;
  user?: number;
  nice?: number;
  system?: number;
  iowait?: number;
  steal?: number;
  idle?: number;
  busy?: number;
}

export interface Interval {
  /** The current round's timestamp (epoch seconds). */
  timestamp: number;
  /** Real time between the rounds; rates are per second of it. */
  seconds: number;
  /** /proc/stat btime changed between the rounds: no rate is computed across a reboot. */
  reboot: boolean;
  /** False when seconds ≤ 0 (duplicate or out-of-order rounds) or on reboot: every rate is then a gap. */
  rates: boolean;
  host: HostInterval;
  /** One entry per CPU of the current round, by CPU number. */
  cpus: CpuInterval[];
  /** One entry per device/interface/container of the current round, in its order. */
  disks: DiskInterval[];
  interfaces: NetInterval[];
  filesystems: FilesystemValue[];
  containers: ContainerInterval[];
}

/** Host fields from the aggregate cpu line, and those summed over whole disks and physical interfaces. */
const CPU_HOST = [
  ['cpu_user', 'user'],
  ['cpu_nice', 'nice'],
  ['cpu_system', 'system'],
  ['cpu_iowait', 'iowait'],
  ['cpu_steal', 'steal'],
  ['cpu_idle', 'idle'],
  ['cpu_busy', 'busy'],
] as const satisfies readonly (readonly [keyof HostInterval, keyof CpuInterval])[];
const DISK_SUMS = [
  ['disk_read_bps', 'read_bps'],
  ['disk_write_bps', 'write_bps'],
  ['disk_read_iops', 'read_iops'],
  ['disk_write_iops', 'write_iops'],
] as const satisfies readonly (readonly [keyof HostInterval, keyof DiskInterval])[];
const NET_SUMS = [
  ['net_rx_bps', 'rx_bps'],
  ['net_tx_bps', 'tx_bps'],
  ['net_rx_pps', 'rx_pps'],
  ['net_tx_pps', 'tx_pps'],
] as const satisfies readonly (readonly [keyof HostInterval, keyof NetInterval])[];

/** btime is wall clock minus uptime, so NTP slewing moves it by a second now and then; a reboot moves it further. */
const BTIME_TOLERANCE_SECONDS = 1;

export function computeInterval(prev: ParsedRound, cur: ParsedRound): Interval {
  const seconds = cur.timestamp - prev.timestamp;
  const btimeA = prev.stat?.btime;
  const btimeB = cur.stat?.btime;
  const reboot = btimeA !== undefined && btimeB !== undefined && Math.abs(btimeB - btimeA) > BTIME_TOLERANCE_SECONDS;
  const rates = seconds > 0 && !reboot;
  const before = rates ? prev : undefined;

  const total = before?.stat && cur.stat ? cpuInterval(-1, before.stat.total, cur.stat.total) : undefined;
  const prevCpus = new Map(before?.stat?.cpus.map((line) => [line.cpu, line]));
  const cpus = (cur.stat?.cpus ?? []).map((line) => {
    const old = prevCpus.get(line.cpu);
    return old ? cpuInterval(line.cpu, old, line) : { cpu: line.cpu };
  });
  const disks = diskIntervals(before?.diskstats, cur.diskstats, seconds);
  const interfaces = interfaceIntervals(before?.netDev, cur.netDev, seconds);
  const wholeDisks = disks.filter((d) => d.whole_disk);
  const physical = interfaces.filter((n) => n.physical);

  const host: HostInterval = {};
  if (total) for (const [field, key] of CPU_HOST) put(host, field, total[key]);
  if (cur.meminfo) putMemory(host, cur.meminfo);
  for (const [field, key] of DISK_SUMS)
    put(
      host,
      field,
      sum(wholeDisks, (d) => d[key]),
    );
  for (const [field, key] of NET_SUMS)
    put(
      host,
      field,
      sum(physical, (n) => n[key]),
    );
  return {
    timestamp: cur.timestamp,
    seconds,
    reboot,
    rates,
    host,
    cpus,
    disks,
    interfaces,
    filesystems: filesystemValues(cur.statfs),
    containers: containerIntervals(before?.containers, cur.containers, seconds),
  };
}

// user/nice/system/irq/softirq/steal only grow while the machine is up; idle and iowait may dip a little on some
// kernels (proc(5)), which the reference's clamp absorbs, so only a shrinking total counts as a reset for those.
const NEVER_DECREASE = ['user', 'nice', 'system', 'irq', 'softirq', 'steal'] as const;

function cpuInterval(cpu: number, a: CpuTimes, b: CpuTimes): CpuInterval {
  const all = (t: CpuTimes) => t.user + t.nice + t.system + t.idle + t.iowait + t.irq + t.softirq + t.steal;
  if (all(b) <= all(a) || NEVER_DECREASE.some((key) => b[key] < a[key])) return { cpu };
  const p = cpuPercents(a, b);
  return {
    cpu,
    user: p.user,
    nice: p.nice,
    system: p.system,
    iowait: p.iowait,
    steal: p.steal,
    idle: p.idle,
    busy: 100 - p.idle,
  };
}

/** Sets a host field when it has a value: a gap is an absent key (objects are built, never spread: see devices). */
function put(host: HostInterval, key: keyof HostInterval, value: number | undefined): void {
  if (value !== undefined) host[key] = value;
}

function putMemory(host: HostInterval, m: Meminfo): void {
  const figures = memoryFigures(m);
  const has = (key: string) => m[key] !== undefined;
  const total = m.MemTotal ?? 0;
  if (has('MemFree')) put(host, 'mem_free_kb', figures.memFree);
  if (has('MemAvailable')) put(host, 'mem_available_kb', figures.memAvailable);
  if (total > 0 && has('MemFree')) {
    put(host, 'mem_used_kb', figures.memUsed);
    put(host, 'mem_used_pct', figures.memUsedPct);
  }
  if (has('Buffers')) put(host, 'mem_buffers_kb', figures.buffers);
  if (has('Cached')) put(host, 'mem_cached_kb', figures.cached);
  if (has('Committed_AS')) put(host, 'mem_commit_kb', figures.commit);
  if (total > 0 && has('Committed_AS')) put(host, 'mem_commit_pct', figures.commitPct);
  if (has('Active')) put(host, 'mem_active_kb', figures.active);
  if (has('Inactive')) put(host, 'mem_inactive_kb', figures.inactive);
  if (has('Dirty')) put(host, 'mem_dirty_kb', figures.dirty);
}

/** Sum of the values present, in device order; a gap when there is none (no eligible device had a sample). */
function sum<T>(items: readonly T[], value: (item: T) => number | undefined): number | undefined {
  let total: number | undefined;
  for (const item of items) {
    const v = value(item);
    if (v !== undefined) total = total === undefined ? v : total + v;
  }
  return total;
}
