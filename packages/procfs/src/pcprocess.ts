/**
 * A drop-in for the reference's pcprocess (REFERENCE 2.1–2.7): same files, same rows, same bytes (network rows come
 * in any order, like the reference's Go map). It keeps the reference's quirks on purpose — positional disk and CPU
 * pairing, the first row spanning two intervals — because its output is compared byte for byte.
 * Where the reference would stop with an error (CPU/disk/interface count changed, unparsable sample, time not
 * moving forward) this writer skips that round's rows instead and goes on.
 */
import { parseCollection, type RawMeasurement } from './collection.ts';
import { formatGoFloat as f, formatGoInt as i } from './go-format.ts';
import { cpuPercents, diskRates, isIdleDevice, memoryFigures, netDevRates, statfsUse, USER_HZ } from './math.ts';
import { formatSystemInfo, parseCpuinfo } from './parse-cpuinfo.ts';
import { parseDiskstats } from './parse-diskstats.ts';
import { parseMeminfo } from './parse-meminfo.ts';
import { parseNetDev } from './parse-net-dev.ts';
import { type CpuTimes, type ProcStat, parseStat, ZERO_CPU_TIMES } from './parse-stat.ts';
import { parseStatfs } from './parse-statfs.ts';

type Rows = (prev: RawMeasurement, cur: RawMeasurement, tvi: number) => string[] | undefined;

interface OutputFile {
  path: string;
  header: string;
  /** undefined: the current sample is unusable (keep the previous one); []: no comparable rows this round. */
  rows: Rows;
}

const OUTPUTS: Record<string, OutputFile> = {
  '/proc/stat': { path: 'proc/stat', header: '#timestamp,CPU,%usr,%nice,%system,%iowait,%steal,%idle', rows: statRows },
  '/proc/meminfo': {
    path: 'proc/meminfo',
    header:
      '#timestamp,kbmemfree,kbavail,kbmemused,%memused,kbbuffers,kbcached,kbcommit,%commit,kbactive,kbinact,kbdirty',
    rows: meminfoRows,
  },
  '/proc/net/dev': {
    path: 'proc/net/dev',
    header: '#timestamp,IFACE,rxpck/s,txpck/s,rxkB/s,txkB/s,rxcmp/s,txcmp/s,rxmcst/s,%ifutil',
    rows: netDevRows,
  },
  '/proc/diskstats': {
    path: 'proc/diskstats',
    header: '#timestamp,DEV,tps,rtps,wtps,dtps,bread/s,bwrtn/s,bdscd/s',
    rows: diskstatsRows,
  },
  'statfs[*]': {
    path: 'statfs_ALL',
    header: '#timestamp,mount,blocksize,blockstotal,blocksavail,use',
    rows: statfsRows,
  },
};

const SYSTEM_INFO = 'system_info.json';

/**
 * pcprocess, a measurement at a time in file order (`add`), so a caller can let other work run between slices of a
 * large collection; `files()` gives relative output path → file content. Never throws; bad measurements are skipped.
 */
export class PcProcessor {
  private readonly outputs = new Map<string, string[]>();
  private readonly previous = new Map<string, RawMeasurement>();

  add(cur: RawMeasurement): void {
    const files = this.outputs;
    if (cur.subsystem === '/proc/cpuinfo') {
      const info = files.has(SYSTEM_INFO) ? undefined : parseCpuinfo(cur.measurement); // the first usable round
      if (info) files.set(SYSTEM_INFO, [formatSystemInfo(info)]);
      return;
    }
    const output = Object.hasOwn(OUTPUTS, cur.subsystem) ? OUTPUTS[cur.subsystem] : undefined;
    if (!output) return;
    const prev = this.previous.get(cur.subsystem);
    const lines = files.get(output.path);
    if (!prev) {
      this.previous.set(cur.subsystem, cur); // round 0: remembered only
    } else if (!lines) {
      files.set(output.path, [`${output.header}\n`]); // round 1: header only, previous stays round 0
    } else {
      const tvi = (cur.timestamp - prev.timestamp) * USER_HZ;
      const rows = tvi > 0 ? output.rows(prev, cur, tvi) : [];
      if (rows === undefined) return;
      for (const row of rows) lines.push(`${row}\n`);
      this.previous.set(cur.subsystem, cur);
    }
  }

  files(): Map<string, string> {
    return new Map([...this.outputs].map(([path, parts]) => [path, parts.join('')]));
  }
}

/** pcprocess on a whole collection: relative output path → file content. Never throws; bad lines are skipped. */
export function processCollection(ndjson: string): Map<string, string> {
  const processor = new PcProcessor();
  for (const m of parseCollection(ndjson).measurements) processor.add(m);
  return processor.files();
}

function statRows(prev: RawMeasurement, cur: RawMeasurement): string[] | undefined {
  const b = parseStat(cur.measurement);
  if (!b) return undefined;
  const a = parseStat(prev.measurement);
  const cpusA = a && cpusByIndex(a);
  const cpusB = cpusByIndex(b);
  if (!a || !cpusA || !cpusB || cpusA.length !== cpusB.length) return [];
  const pairs: [number, CpuTimes, CpuTimes][] = [[-1, a.total, b.total]];
  for (const [k, times] of cpusB.entries()) pairs.push([k, cpusA[k] ?? times, times]);
  return pairs.map(([cpu, x, y]) => {
    const p = cpuPercents(x, y);
    return `${i(cur.timestamp)},${cpu},${f(p.user)},${f(p.nice)},${f(p.system)},${f(p.iowait)},${f(p.steal)},${f(p.idle)}`;
  });
}

const MAX_CPUS = 65_536;

/** The reference stores cpuN at index N, zero-filling gaps, and pairs CPUs by that index. */
function cpusByIndex(stat: ProcStat): CpuTimes[] | undefined {
  const cpus: CpuTimes[] = [];
  for (const line of stat.cpus) {
    if (line.cpu >= MAX_CPUS) return undefined;
    while (cpus.length <= line.cpu) cpus.push(ZERO_CPU_TIMES);
    cpus[line.cpu] = line;
  }
  return cpus;
}

function meminfoRows(_prev: RawMeasurement, cur: RawMeasurement): string[] | undefined {
  const meminfo = parseMeminfo(cur.measurement);
  if (!meminfo) return undefined;
  const m = memoryFigures(meminfo);
  const ints = (...values: number[]) => values.map(i).join(',');
  return [
    `${i(cur.timestamp)},${ints(m.memFree, m.memAvailable, m.memUsed)},${f(m.memUsedPct)},` +
      `${ints(m.buffers, m.cached, m.commit)},${f(m.commitPct)},${ints(m.active, m.inactive, m.dirty)}`,
  ];
}

function netDevRows(prev: RawMeasurement, cur: RawMeasurement, tvi: number): string[] | undefined {
  const b = parseNetDev(cur.measurement);
  if (!b) return undefined;
  const a = new Map((parseNetDev(prev.measurement) ?? []).map((line) => [line.name, line]));
  const byName = new Map(b.map((line) => [line.name, line]));
  if (a.size !== byName.size || [...a.keys()].some((name) => !byName.has(name))) return [];
  return [...a].flatMap(([name, x]) => {
    const y = byName.get(name);
    if (!y) return [];
    const r = netDevRates(x, y, tvi);
    const values = [r.rxPackets, r.txPackets, r.rxKBytes, r.txKBytes, r.rxCompressed, r.txCompressed, r.rxMulticast, 0];
    return [`${i(cur.timestamp)},${name},${values.map(f).join(',')}`];
  });
}

function diskstatsRows(prev: RawMeasurement, cur: RawMeasurement, tvi: number): string[] | undefined {
  const b = parseDiskstats(cur.measurement);
  if (!b) return undefined;
  const a = parseDiskstats(prev.measurement);
  if (!a || a.length !== b.length) return [];
  return b.flatMap((y, k) => {
    const x = a[k];
    if (!x || isIdleDevice(x)) return [];
    const r = diskRates(x, y, tvi);
    const values = [r.tps, r.rtps, r.wtps, r.dtps, r.bread, r.bwrtn, r.bdscd];
    return [`${i(cur.timestamp)},${y.name},${values.map(f).join(',')}`];
  });
}

function statfsRows(_prev: RawMeasurement, cur: RawMeasurement): string[] | undefined {
  const entries = parseStatfs(cur.measurement);
  return entries?.map(
    (e) =>
      `${i(cur.timestamp)},${e.mountPoint},${i(e.blockSize)},${i(e.blocksTotal)},${i(e.blocksAvailable)},${f(statfsUse(e))}`,
  );
}
