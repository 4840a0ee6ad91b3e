import { fields, splitLines, toCount } from './text.ts';

/** The 10 jiffy columns of a `cpu` line of /proc/stat, raw (USER_HZ ticks, not yet divided by 100). */
export interface CpuTimes {
  user: number;
  nice: number;
  system: number;
  idle: number;
  iowait: number;
  irq: number;
  softirq: number;
  steal: number;
  guest: number;
  guestNice: number;
}

/** One `cpuN` line: `cpu` is N from the line's name (not its position). */
export interface CpuLine extends CpuTimes {
  cpu: number;
}

export interface ProcStat {
  /** The aggregate `cpu` line. */
  total: CpuTimes;
  /** The `cpuN` lines in file order; a malformed `cpuN` line is left out. */
  cpus: CpuLine[];
  btime?: number;
  ctxt?: number;
  /** First number of the `intr` line: all interrupts since boot. */
  intr?: number;
  processes?: number;
  procsRunning?: number;
  procsBlocked?: number;
}

const CPU_KEYS = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal', 'guest', 'guestNice'] as const;
const SCALARS = {
  btime: 'btime',
  ctxt: 'ctxt',
  intr: 'intr',
  processes: 'processes',
  procs_running: 'procsRunning',
  procs_blocked: 'procsBlocked',
} as const;

/**
 * Parses /proc/stat. Returns undefined when there is no well-formed aggregate `cpu` line (empty, truncated before it,
 * garbage). Columns missing at the end of a cpu line (old kernels) are 0, as in the reference's Sscanf; a cpu line
 * with fewer than 4 numbers or a non-numeric column is malformed.
 */
export function parseStat(text: string): ProcStat | undefined {
  let total: CpuTimes | undefined;
  const cpus: CpuLine[] = [];
  const stat: Omit<ProcStat, 'total' | 'cpus'> = {};
  for (const line of splitLines(text)) {
    const parts = fields(line);
    const key = parts[0];
    if (key === undefined || parts.length < 2) continue;
    if (key === 'cpu') {
      total = parseCpuTimes(parts) ?? total;
    } else if (/^cpu\d+$/.test(key)) {
      const times = parseCpuTimes(parts);
      if (times) cpus.push(Object.assign(times, { cpu: Number(key.slice(3)) }));
    } else if (Object.hasOwn(SCALARS, key)) {
      const value = toCount(parts[1]);
      if (value !== undefined) stat[SCALARS[key as keyof typeof SCALARS]] = value;
    }
  }
  return total ? Object.assign(stat, { total, cpus }) : undefined;
}

function parseCpuTimes(parts: string[]): CpuTimes | undefined {
  const columns = parts.slice(1, 1 + CPU_KEYS.length).map(toCount);
  if (columns.length < 4 || columns.some((value) => value === undefined)) return undefined;
  const times = {} as CpuTimes;
  CPU_KEYS.forEach((key, i) => {
    times[key] = columns[i] ?? 0;
  });
  return times;
}
