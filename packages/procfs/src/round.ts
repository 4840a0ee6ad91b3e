import type { RawMeasurement } from './collection.ts';
import { type ContainerStat, parseContainer } from './parse-container.ts';
import { parseCpuinfo, type SystemInfo } from './parse-cpuinfo.ts';
import { type DiskStat, parseDiskstats } from './parse-diskstats.ts';
import { type Meminfo, parseMeminfo } from './parse-meminfo.ts';
import { type NetDevLine, parseNetDev } from './parse-net-dev.ts';
import { type ProcStat, parseStat } from './parse-stat.ts';
import { parseStatfs, type StatfsEntry } from './parse-statfs.ts';

/** Everything parsed from one sampling round. A subsystem that is missing or unusable is simply absent. */
export interface ParsedRound {
  timestamp: number;
  stat?: ProcStat;
  meminfo?: Meminfo;
  netDev?: NetDevLine[];
  diskstats?: DiskStat[];
  statfs?: StatfsEntry[];
  cpuinfo?: SystemInfo;
  /** Keyed by `<runtime>/<container_id>`. */
  containers: Map<string, ContainerStat>;
}

/**
 * Parses the measurements of one round (they share a timestamp; the first one's is used). Unknown subsystems are
 * ignored; when a subsystem occurs twice the last usable one wins.
 */
export function parseRound(measurements: readonly RawMeasurement[]): ParsedRound | undefined {
  const first = measurements[0];
  if (!first) return undefined;
  const round: ParsedRound = { timestamp: first.timestamp, containers: new Map() };
  for (const { subsystem, measurement } of measurements) {
    switch (subsystem) {
      case '/proc/stat':
        round.stat = parseStat(measurement) ?? round.stat;
        break;
      case '/proc/meminfo':
        round.meminfo = parseMeminfo(measurement) ?? round.meminfo;
        break;
      case '/proc/net/dev':
        round.netDev = parseNetDev(measurement) ?? round.netDev;
        break;
      case '/proc/diskstats':
        round.diskstats = parseDiskstats(measurement) ?? round.diskstats;
        break;
      case 'statfs[*]':
        round.statfs = parseStatfs(measurement) ?? round.statfs;
        break;
      case '/proc/cpuinfo':
        round.cpuinfo = parseCpuinfo(measurement) ?? round.cpuinfo;
        break;
      default:
        if (subsystem.startsWith('container/')) addContainer(round, subsystem, measurement);
    }
  }
  return round;
}

/** Groups measurements into rounds by timestamp, ascending; measurements with equal timestamps form one round. */
export function groupRounds(measurements: readonly RawMeasurement[]): ParsedRound[] {
  const byTimestamp = new Map<number, RawMeasurement[]>();
  for (const m of measurements) {
    const group = byTimestamp.get(m.timestamp);
    if (group) group.push(m);
    else byTimestamp.set(m.timestamp, [m]);
  }
  return [...byTimestamp.keys()]
    .sort((a, b) => a - b)
    .flatMap((timestamp) => parseRound(byTimestamp.get(timestamp) ?? []) ?? []);
}

function addContainer(round: ParsedRound, subsystem: string, measurement: string): void {
  const [, runtime = '', id12] = subsystem.split('/');
  const stat = parseContainer(measurement, id12);
  if (stat) round.containers.set(`${stat.runtime || runtime}/${stat.container_id}`, stat);
}
