/**
 * Our host series in the reference's shapes and units. One set of units on every route: MB = 10^6 bytes (from
 * /proc/meminfo's kB, which are KiB), disk MB/s = 10^6 bytes/s, network Mbit/s = 10^6 bits/s.
 */
import type { HostField, LiveFields, MetricSeries } from '@xat/contracts';

type Value = number | null;
type Column = readonly (number | null | undefined)[];

const KIB = 1024;
const MEGA = 1e6;

export const kbToMb = (kb: Value | undefined): Value => (kb === null || kb === undefined ? null : (kb * KIB) / MEGA);
export const bpsToMBps = (bps: Value | undefined): Value => (bps === null || bps === undefined ? null : bps / MEGA);
export const bpsToMbit = (bps: Value | undefined): Value =>
  bps === null || bps === undefined ? null : (bps * 8) / MEGA;

/** MemTotal in kB, back from used kB and used % (we store those two): an integer, as /proc/meminfo has it. */
export function memTotalKb(usedKb: Value | undefined, usedPct: Value | undefined): Value {
  if (usedKb === null || usedKb === undefined || !usedPct) return null;
  return Math.round((usedKb * 100) / usedPct);
}

export const isoOf = (epochSeconds: number) => new Date(epochSeconds * 1000).toISOString();

const map = (column: Column | undefined, f: (v: Value) => Value): Value[] => (column ?? []).map((v) => f(v ?? null));
const same = (v: Value) => v;

/** The host fields each dashboard group reads. */
export const GROUP_FIELDS = {
  cpu: ['cpu_user', 'cpu_system', 'cpu_iowait', 'cpu_idle', 'cpu_steal'],
  memory: ['mem_used_pct', 'mem_used_kb', 'mem_available_kb', 'mem_buffers_kb', 'mem_cached_kb'],
  disk: ['disk_read_iops', 'disk_write_iops', 'disk_read_bps', 'disk_write_bps'],
  network: ['net_rx_bps', 'net_tx_bps', 'net_rx_pps', 'net_tx_pps'],
} as const satisfies Record<string, readonly HostField[]>;
export type DashboardGroup = keyof typeof GROUP_FIELDS;

/** A group's columns in the reference's names and units (gaps stay null). */
export function groupColumns(group: DashboardGroup, s: MetricSeries['series']): Record<string, Value[]> {
  switch (group) {
    case 'cpu':
      return Object.fromEntries(GROUP_FIELDS.cpu.map((f) => [f, map(s[f], same)]));
    case 'memory': {
      const used = s.mem_used_kb ?? [];
      const pct = s.mem_used_pct ?? [];
      return {
        mem_used_percent: map(pct, same),
        mem_total: used.map((u, i) => kbToMb(memTotalKb(u, pct[i]))),
        mem_used: map(used, kbToMb),
        mem_available: map(s.mem_available_kb, kbToMb),
        mem_buffers: map(s.mem_buffers_kb, kbToMb),
        mem_cached: map(s.mem_cached_kb, kbToMb),
      };
    }
    case 'disk':
      return {
        disk_read_iops: map(s.disk_read_iops, same),
        disk_write_iops: map(s.disk_write_iops, same),
        disk_read_mbps: map(s.disk_read_bps, bpsToMBps),
        disk_write_mbps: map(s.disk_write_bps, bpsToMBps),
      };
    case 'network':
      return {
        net_rx_mbps: map(s.net_rx_bps, bpsToMbit),
        net_tx_mbps: map(s.net_tx_bps, bpsToMbit),
        net_rx_pps: map(s.net_rx_pps, same),
        net_tx_pps: map(s.net_tx_pps, same),
      };
  }
}

/** The host fields the live shape is made of. */
export const LIVE_FIELDS = [
  ...GROUP_FIELDS.cpu,
  ...GROUP_FIELDS.memory,
  ...GROUP_FIELDS.disk,
  ...GROUP_FIELDS.network,
] as const satisfies readonly HostField[];

/** Raw samples as read: epoch seconds, interval_seconds (`i`) and the live fields. */
export interface RawSamples {
  t: readonly number[];
  columns: Record<string, Column>;
}

/**
 * The reference's live shape from raw samples (no gap points): missing values are 0 as the reference sends them,
 * except the rates, which stay null. Amounts (bytes, operations, packets) are those of each interval — rate ×
 * interval — where the reference sent the kernel's since-boot counters.
 */
export function liveShape({ t, columns: c }: RawSamples): LiveFields {
  const zero = (column: Column | undefined, f: (v: Value) => Value = same) =>
    t.map((_, i) => f(column?.[i] ?? null) ?? 0);
  const rate = (column: Column | undefined, f: (v: Value) => Value = same) => t.map((_, i) => f(column?.[i] ?? null));
  const seconds = c.i ?? [];
  const amount = (column: Column | undefined) => t.map((_, i) => Math.round((column?.[i] ?? 0) * (seconds[i] ?? 0)));
  const used = c.mem_used_kb ?? [];
  const pct = c.mem_used_pct ?? [];
  return {
    has_live_data: t.length > 0,
    sample_count: t.length,
    timestamps: t.map(isoOf),
    cpu: {
      user: zero(c.cpu_user),
      system: zero(c.cpu_system),
      iowait: zero(c.cpu_iowait),
      idle: zero(c.cpu_idle),
      steal: zero(c.cpu_steal),
    },
    memory: {
      total_mb: t.map((_, i) => kbToMb(memTotalKb(used[i], pct[i])) ?? 0),
      used_mb: zero(used, kbToMb),
      available_mb: zero(c.mem_available_kb, kbToMb),
      buffers_mb: zero(c.mem_buffers_kb, kbToMb),
      cached_mb: zero(c.mem_cached_kb, kbToMb),
    },
    disk: {
      read_bytes: amount(c.disk_read_bps),
      write_bytes: amount(c.disk_write_bps),
      read_ops: amount(c.disk_read_iops),
      write_ops: amount(c.disk_write_iops),
      read_iops: rate(c.disk_read_iops),
      write_iops: rate(c.disk_write_iops),
      read_mbps: rate(c.disk_read_bps, bpsToMBps),
      write_mbps: rate(c.disk_write_bps, bpsToMBps),
    },
    network: {
      rx_bytes: amount(c.net_rx_bps),
      tx_bytes: amount(c.net_tx_bps),
      rx_packets: amount(c.net_rx_pps),
      tx_packets: amount(c.net_tx_pps),
      rx_mbps: rate(c.net_rx_bps, bpsToMbit),
      tx_mbps: rate(c.net_tx_bps, bpsToMbit),
      rx_pps: rate(c.net_rx_pps),
      tx_pps: rate(c.net_tx_pps),
    },
  };
}
