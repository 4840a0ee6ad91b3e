/** Per-device values of the interval API (interval.ts): matched by name, gaps instead of negative rates. */
import { isPhysicalInterface, isWholeDisk } from './device-classes.ts';
import { statfsUsedPct, svalue, USER_HZ } from './math.ts';
import type { ContainerStat } from './parse-container.ts';
import type { DiskStat } from './parse-diskstats.ts';
import type { NetDevLine } from './parse-net-dev.ts';
import type { StatfsEntry } from './parse-statfs.ts';

/** A block device; rates absent when it has no comparable previous sample. Bytes = 512-byte sectors × 512. */
export interface DiskInterval {
  name: string;
  whole_disk: boolean;
  read_iops?: number;
  write_iops?: number;
  discard_iops?: number;
  read_bps?: number;
  write_bps?: number;
  discard_bps?: number;
  /** Share of the interval the device had I/O in flight (io_ticks), 0–100. */
  busy_pct?: number;
}

export interface NetInterval {
  name: string;
  physical: boolean;
  rx_bps?: number;
  tx_bps?: number;
  rx_pps?: number;
  tx_pps?: number;
}

export interface FilesystemValue {
  mount_point: string;
  size_bytes: number;
  free_bytes: number;
  avail_bytes: number;
  /** (total − available) / total × 100, unrounded; absent for a zero-size filesystem. */
  used_pct?: number;
}

export interface ContainerInterval {
  /** `<runtime>/<container_id>`, the matching key. */
  key: string;
  container_id: string;
  container_name: string;
  runtime: string;
  /** CPU time per wall time; 100 = one core busy. */
  cpu_pct?: number;
  cpu_user_pct?: number;
  cpu_system_pct?: number;
  memory_current_bytes?: number;
  memory_max_bytes?: number;
  memory_pct?: number;
  io_read_bps?: number;
  io_write_bps?: number;
  io_read_iops?: number;
  io_write_iops?: number;
  pids_current?: number;
}

const SECTOR_BYTES = 512;
const DISK_COUNTERS = [
  'readIos',
  'writeIos',
  'discardIos',
  'readSectors',
  'writeSectors',
  'discardSectors',
  'ioTicks',
] as const;
const NET_COUNTERS = ['rxBytes', 'txBytes', 'rxPackets', 'txPackets'] as const;

/** prev is undefined when no rate may be computed (first round, reboot, time not moving forward). */
export function diskIntervals(
  prev: DiskStat[] | undefined,
  cur: DiskStat[] | undefined,
  seconds: number,
): DiskInterval[] {
  const before = new Map(prev?.map((d) => [d.name, d]));
  // Objects built whole, never spread: `{ ...base, … }` costs ~3 µs an object on Node 20, 80× a literal.
  return (cur ?? []).map((d) => {
    const name = d.name;
    const whole_disk = isWholeDisk(name);
    const a = before.get(name);
    if (!a || a.major !== d.major || a.minor !== d.minor || !grew(a, d, DISK_COUNTERS)) return { name, whole_disk };
    const tvi = seconds * USER_HZ;
    return {
      name,
      whole_disk,
      read_iops: svalue(a.readIos, d.readIos, tvi),
      write_iops: svalue(a.writeIos, d.writeIos, tvi),
      discard_iops: svalue(a.discardIos, d.discardIos, tvi),
      read_bps: svalue(a.readSectors, d.readSectors, tvi) * SECTOR_BYTES,
      write_bps: svalue(a.writeSectors, d.writeSectors, tvi) * SECTOR_BYTES,
      discard_bps: svalue(a.discardSectors, d.discardSectors, tvi) * SECTOR_BYTES,
      busy_pct: Math.min(100, (d.ioTicks - a.ioTicks) / (seconds * 10)),
    };
  });
}

export function interfaceIntervals(
  prev: NetDevLine[] | undefined,
  cur: NetDevLine[] | undefined,
  seconds: number,
): NetInterval[] {
  const before = new Map(prev?.map((n) => [n.name, n]));
  return (cur ?? []).map((n) => {
    const name = n.name;
    const physical = isPhysicalInterface(name);
    const a = before.get(name);
    if (!a || !grew(a, n, NET_COUNTERS)) return { name, physical };
    const tvi = seconds * USER_HZ;
    return {
      name,
      physical,
      rx_bps: svalue(a.rxBytes, n.rxBytes, tvi),
      tx_bps: svalue(a.txBytes, n.txBytes, tvi),
      rx_pps: svalue(a.rxPackets, n.rxPackets, tvi),
      tx_pps: svalue(a.txPackets, n.txPackets, tvi),
    };
  });
}

export function filesystemValues(cur: StatfsEntry[] | undefined): FilesystemValue[] {
  return (cur ?? []).map((e) => {
    const value: FilesystemValue = {
      mount_point: e.mountPoint,
      size_bytes: e.blocksTotal * e.blockSize,
      free_bytes: e.blocksFree * e.blockSize,
      avail_bytes: e.blocksAvailable * e.blockSize,
    };
    if (e.blocksTotal > 0) value.used_pct = statfsUsedPct(e);
    return value;
  });
}

type CumulativeKey =
  | 'cpu_usage_usec'
  | 'cpu_user_usec'
  | 'cpu_system_usec'
  | 'io_read_bytes'
  | 'io_write_bytes'
  | 'io_read_ops'
  | 'io_write_ops';

// memory.max "max" is reported as a huge number or 0 by collectors; neither is a limit worth a percentage.
const NO_MEMORY_LIMIT = 2 ** 60;

export function containerIntervals(
  prev: Map<string, ContainerStat> | undefined,
  cur: Map<string, ContainerStat>,
  seconds: number,
): ContainerInterval[] {
  return [...cur].map(([key, c]) => {
    const a = prev?.get(key);
    const rate = (k: CumulativeKey): number | undefined => {
      const x = a?.[k];
      const y = c[k];
      return x === undefined || y === undefined || y < x ? undefined : (y - x) / seconds;
    };
    // CPU µs per second of wall time / 10⁴ = percent of one core.
    const cpuPct = (k: CumulativeKey): number | undefined => {
      const r = rate(k);
      return r === undefined ? undefined : r / 1e4;
    };
    const max = c.memory_max;
    const limited = max !== undefined && max > 0 && max < NO_MEMORY_LIMIT;
    const value: ContainerInterval = {
      key,
      container_id: c.container_id,
      container_name: c.container_name,
      runtime: c.runtime,
      cpu_pct: cpuPct('cpu_usage_usec'),
      cpu_user_pct: cpuPct('cpu_user_usec'),
      cpu_system_pct: cpuPct('cpu_system_usec'),
      memory_current_bytes: c.memory_current,
      memory_max_bytes: limited ? max : undefined,
      memory_pct: limited && c.memory_current !== undefined ? (c.memory_current / max) * 100 : undefined,
      io_read_bps: rate('io_read_bytes'),
      io_write_bps: rate('io_write_bytes'),
      io_read_iops: rate('io_read_ops'),
      io_write_iops: rate('io_write_ops'),
      pids_current: c.pids_current,
    };
    return withoutGaps(value);
  });
}

/** Every listed counter is at least its previous value (no reset, no wrap). */
function grew<K extends string>(a: Record<K, number>, b: Record<K, number>, keys: readonly K[]): boolean {
  for (const key of keys) if (b[key] < a[key]) return false;
  return true;
}

/** The object without its undefined fields, so a gap is an absent key on the wire too. */
export function withoutGaps<T extends object>(object: T): T {
  const out = {} as Record<string, unknown>;
  for (const key in object) {
    const value = object[key];
    if (value !== undefined) out[key] = value;
  }
  return out as T;
}
