import { countAt, eachLine, skipSpace, tokenEnd } from './text.ts';

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

/** Every column 0: a CPU the file did not list, or the base of times built by hand. */
export const ZERO_CPU_TIMES: Readonly<CpuTimes> = {
  user: 0,
  nice: 0,
  system: 0,
  idle: 0,
  iowait: 0,
  irq: 0,
  softirq: 0,
  steal: 0,
  guest: 0,
  guestNice: 0,
};

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
  // Token by token: the `intr` line alone can hold thousands of numbers, none of which but the first is needed.
  eachLine(text, (line, end) => {
    const keyStart = skipSpace(text, line, end);
    const keyEnd = tokenEnd(text, keyStart, end);
    const valueStart = skipSpace(text, keyEnd, end);
    if (keyStart === keyEnd || valueStart === end) return;
    const key = text.slice(keyStart, keyEnd);
    if (key === 'cpu') {
      total = cpuTimesAt(text, keyEnd, end) ?? total;
    } else if (key.startsWith('cpu') && countAt(key, 3, key.length) !== undefined) {
      const t = cpuTimesAt(text, keyEnd, end);
      if (t)
        cpus.push({
          user: t.user,
          nice: t.nice,
          system: t.system,
          idle: t.idle,
          iowait: t.iowait,
          irq: t.irq,
          softirq: t.softirq,
          steal: t.steal,
          guest: t.guest,
          guestNice: t.guestNice,
          cpu: Number(key.slice(3)),
        });
    } else if (Object.hasOwn(SCALARS, key)) {
      const value = countAt(text, valueStart, tokenEnd(text, valueStart, end));
      if (value !== undefined) stat[SCALARS[key as keyof typeof SCALARS]] = value;
    }
  });
  return total ? Object.assign(stat, { total, cpus }) : undefined;
}

const columns = new Array<number>(CPU_KEYS.length);

/** The jiffy columns after a cpu line's name (from `at` to `end`): at least 4, every one a counter, the rest 0. */
function cpuTimesAt(text: string, at: number, end: number): CpuTimes | undefined {
  columns.fill(0);
  let read = 0;
  for (let j = at; read < CPU_KEYS.length; read++) {
    const i = skipSpace(text, j, end);
    if (i === end) break;
    j = tokenEnd(text, i, end);
    const value = countAt(text, i, j);
    if (value === undefined) return undefined;
    columns[read] = value;
  }
  if (read < 4) return undefined;
  return {
    user: columns[0] ?? 0,
    nice: columns[1] ?? 0,
    system: columns[2] ?? 0,
    idle: columns[3] ?? 0,
    iowait: columns[4] ?? 0,
    irq: columns[5] ?? 0,
    softirq: columns[6] ?? 0,
    steal: columns[7] ?? 0,
    guest: columns[8] ?? 0,
    guestNice: columns[9] ?? 0,
  };
}
