import { CPU_FIELDS, DISK_FIELDS, FS_FIELDS, HOST_FIELDS, type MetricSample, NET_FIELDS } from '@xat/contracts';
import type { Interval, ParsedRound } from '@xat/procfs';

/** 3 decimals: 0.001 % or 0.001 B/s is finer than anything measured, and the spool and batches stay small. */
const round3 = (v: number) => Math.round(v * 1000) / 1000;

function values<T extends object>(object: T, keys: readonly (keyof T & string)[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of keys) {
    const v = object[key];
    if (typeof v === 'number' && Number.isFinite(v)) out[key] = round3(v);
  }
  return out;
}

/**
 * The wire form of one interval (MetricsBatchSchema's sample). Devices and interfaces that have never moved a byte
 * since boot (unused loop devices, zram, dummy links) are left out: they would only fill the spool with zeros.
 * Undefined when the interval has no time in it (a repeated or backwards timestamp): it is not a sample.
 */
export function toMetricSample(interval: Interval, cur: ParsedRound): MetricSample | undefined {
  if (interval.seconds <= 0) return undefined;
  const usedDisks = new Set(
    (cur.diskstats ?? []).filter((d) => d.readIos + d.writeIos + d.discardIos > 0).map((d) => d.name),
  );
  const usedLinks = new Set((cur.netDev ?? []).filter((n) => n.rxBytes + n.txBytes > 0).map((n) => n.name));
  return {
    timestamp: interval.timestamp,
    interval_seconds: interval.seconds,
    host: values(interval.host, HOST_FIELDS),
    cpus: interval.cpus.map((c) => ({
      cpu: c.cpu,
      ...values(c, CPU_FIELDS),
    })),
    disks: interval.disks
      .filter((d) => usedDisks.has(d.name))
      .map((d) => ({ name: d.name, ...values(d, DISK_FIELDS) })),
    interfaces: interval.interfaces
      .filter((n) => usedLinks.has(n.name))
      .map((n) => ({ name: n.name, ...values(n, NET_FIELDS) })),
    filesystems: interval.filesystems.map((f) => ({
      mount_point: f.mount_point,
      ...values(f, FS_FIELDS),
    })),
  };
}
