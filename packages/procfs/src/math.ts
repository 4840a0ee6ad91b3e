/**
 * The pcprocess formulas (REFERENCE 2.3–2.7), in the reference's operation order so results are bit-identical.
 * Both the pcprocess writer and the interval API call these; only the pairing around them differs.
 */

import { roundHalfAwayFromZero } from './go-format.ts';
import type { DiskStat } from './parse-diskstats.ts';
import type { Meminfo } from './parse-meminfo.ts';
import type { NetDevLine } from './parse-net-dev.ts';
import type { CpuTimes } from './parse-stat.ts';
import type { StatfsEntry } from './parse-statfs.ts';

/** USER_HZ: jiffies per second, and the factor from seconds to the reference's `tvi`. */
export const USER_HZ = 100;

export interface CpuPercents {
  user: number;
  nice: number;
  system: number;
  iowait: number;
  steal: number;
  idle: number;
}

/** sar-style CPU shares between two samples of one cpu line. */
export function cpuPercents(prev: CpuTimes, cur: CpuTimes): CpuPercents {
  const a = toSeconds(prev);
  const b = toSeconds(cur);
  const [allA, busyA] = allBusy(a);
  const [allB, busyB] = allBusy(b);
  const share = (x: number, y: number): number => {
    if (busyB <= busyA) return 0;
    if (allB <= allA) return 100;
    return Math.min(100, Math.max(0, ((y - x) / (allB - allA)) * 100));
  };
  return {
    user: share(a.user, b.user),
    nice: share(a.nice, b.nice),
    system: share(a.system, b.system),
    iowait: share(a.iowait, b.iowait),
    steal: share(a.steal, b.steal),
    idle: 100 - share(busyA, busyB),
  };
}

// The reference divides every column by USER_HZ before any arithmetic; the rounding this causes is part of its output.
function toSeconds(t: CpuTimes): CpuTimes {
  return {
    user: t.user / USER_HZ,
    nice: t.nice / USER_HZ,
    system: t.system / USER_HZ,
    idle: t.idle / USER_HZ,
    iowait: t.iowait / USER_HZ,
    irq: t.irq / USER_HZ,
    softirq: t.softirq / USER_HZ,
    steal: t.steal / USER_HZ,
    guest: t.guest / USER_HZ,
    guestNice: t.guestNice / USER_HZ,
  };
}

function allBusy(t: CpuTimes): [all: number, busy: number] {
  const busy = t.user + t.system + t.nice + t.iowait + t.irq + t.softirq + t.steal;
  return [busy + t.idle, busy];
}

export interface MemoryFigures {
  memFree: number;
  memAvailable: number;
  memUsed: number;
  memUsedPct: number;
  buffers: number;
  cached: number;
  commit: number;
  commitPct: number;
  active: number;
  inactive: number;
  dirty: number;
}

/** sar -r figures in kB. Missing keys count as 0 (Go zero values); MemTotal 0 gives NaN percentages, as in Go. */
export function memoryFigures(m: Meminfo): MemoryFigures {
  const get = (key: string): number => m[key] ?? 0;
  const total = get('MemTotal');
  const notUsed = Math.min(get('MemFree') + get('Buffers') + get('Cached') + get('Slab'), total);
  const used = total - notUsed;
  return {
    memFree: get('MemFree'),
    memAvailable: get('MemAvailable'),
    memUsed: used,
    memUsedPct: (used / total) * 100,
    buffers: get('Buffers'),
    cached: get('Cached'),
    commit: get('Committed_AS'),
    commitPct: (get('Committed_AS') / (total + get('SwapTotal'))) * 100,
    active: get('Active'),
    inactive: get('Inactive'),
    dirty: get('Dirty'),
  };
}

/** Change per second of a counter; tvi = Δt in seconds × USER_HZ. */
export function svalue(a: number, b: number, tvi: number): number {
  return ((b - a) / tvi) * 100;
}

export interface NetDevRates {
  rxPackets: number;
  txPackets: number;
  rxKBytes: number;
  txKBytes: number;
  rxCompressed: number;
  txCompressed: number;
  rxMulticast: number;
}

export function netDevRates(prev: NetDevLine, cur: NetDevLine, tvi: number): NetDevRates {
  return {
    rxPackets: svalue(prev.rxPackets, cur.rxPackets, tvi),
    txPackets: svalue(prev.txPackets, cur.txPackets, tvi),
    rxKBytes: svalue(prev.rxBytes, cur.rxBytes, tvi) / 1024,
    txKBytes: svalue(prev.txBytes, cur.txBytes, tvi) / 1024,
    rxCompressed: svalue(prev.rxCompressed, cur.rxCompressed, tvi),
    txCompressed: svalue(prev.txCompressed, cur.txCompressed, tvi),
    rxMulticast: svalue(prev.rxMulticast, cur.rxMulticast, tvi),
  };
}

export interface DiskRates {
  tps: number;
  rtps: number;
  wtps: number;
  dtps: number;
  /** Sectors per second (512-byte units whatever the device's block size). */
  bread: number;
  bwrtn: number;
  bdscd: number;
}

export function diskRates(prev: DiskStat, cur: DiskStat, tvi: number): DiskRates {
  return {
    tps: svalue(prev.readIos + prev.writeIos + prev.discardIos, cur.readIos + cur.writeIos + cur.discardIos, tvi),
    rtps: svalue(prev.readIos, cur.readIos, tvi),
    wtps: svalue(prev.writeIos, cur.writeIos, tvi),
    dtps: svalue(prev.discardIos, cur.discardIos, tvi),
    bread: svalue(prev.readSectors, cur.readSectors, tvi),
    bwrtn: svalue(prev.writeSectors, cur.writeSectors, tvi),
    bdscd: svalue(prev.discardSectors, cur.discardSectors, tvi),
  };
}

/** The reference leaves out a device whose previous sample had completed no read, write or discard. */
export function isIdleDevice(d: DiskStat): boolean {
  return d.readIos === 0 && d.writeIos === 0 && d.discardIos === 0;
}

/** Used share of a filesystem, unrounded (NaN when blocksTotal is 0). */
export function statfsUsedPct(e: StatfsEntry): number {
  return ((e.blocksTotal - e.blocksAvailable) / e.blocksTotal) * 100;
}

/** statfs_ALL's `use` column. */
export function statfsUse(e: StatfsEntry): number {
  return roundHalfAwayFromZero(statfsUsedPct(e));
}
