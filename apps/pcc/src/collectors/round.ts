import type { RawMeasurement } from '@xat/procfs';
import type { Collector } from './collector.ts';
import { cpuinfoCollector } from './cpuinfo.ts';
import { diskstatsCollector } from './diskstats.ts';
import { meminfoCollector } from './meminfo.ts';
import { netDevCollector } from './net-dev.ts';
import { statCollector } from './stat.ts';
import { statfsCollector } from './statfs.ts';

/** The reference's fixed order inside a round: [/proc/cpuinfo,] /proc/stat, /proc/meminfo, /proc/net/dev, /proc/diskstats, statfs[*]. */
export function roundCollectors(opts: { procRoot?: string; cpuinfo?: boolean } = {}): Collector[] {
  const root = opts.procRoot ?? '/proc';
  return [
    ...(opts.cpuinfo ? [cpuinfoCollector(root)] : []),
    statCollector(root),
    meminfoCollector(root),
    netDevCollector(root),
    diskstatsCollector(root),
    statfsCollector(root),
  ];
}

/** One sampling round: every collector read once, all stamped with the same timestamp (epoch seconds). */
export function takeRound(
  collectors: readonly Collector[],
  timestamp: number,
  onError?: (subsystem: string, err: unknown) => void,
): RawMeasurement[] {
  const round: RawMeasurement[] = [];
  for (const c of collectors) {
    try {
      round.push({ timestamp, subsystem: c.subsystem, measurement: c.read() });
    } catch (err) {
      onError?.(c.subsystem, err);
    }
  }
  return round;
}

/**
 * One line of the raw format: exactly `timestamp`, `subsystem`, `measurement` in that order, escaped like Go's
 * encoding/json (which writes <, >, & and U+2028/U+2029 as \u escapes), so files match the reference byte for byte.
 */
export function formatRawLine(m: RawMeasurement): string {
  const json = JSON.stringify({ timestamp: m.timestamp, subsystem: m.subsystem, measurement: m.measurement });
  return `${json.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}\n`;
}
