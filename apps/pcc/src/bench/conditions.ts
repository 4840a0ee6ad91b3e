/**
 * What else ran on the machine while one repeat was measured: other processes' share of it, steal, and the share of
 * cgroup periods throttled — the load test's conditions (loadtest/meters.ts reads the same files), over a whole
 * repeat. The benchmark's own CPU time is this process's (every thread: workers included) and its reaped children's
 * (fio); I/O wait is idle time, not load, so a disk benchmark's waits are never counted as other work.
 */
import { readFileSync } from 'node:fs';
import type { RunConditions } from '@xat/contracts';
import type { CpuTimes } from '@xat/procfs';
import { parseCpuStat, type ThrottleCounters } from '../cpus/cgroup.ts';
import type { CpuLimits } from '../cpus/effective-cpus.ts';
import { readProcStat } from '../loadtest/meters.ts';
import type { RootReader } from '../specs/read.ts';

/** USER_HZ: /proc/stat and /proc/self/stat count in hundredths of a second. */
const TICK_MS = 10;

/** CPU time of this process (all threads) and of its children that have exited, ms. */
export function ownCpuMs(statText = readSelfStat()): number {
  const { user, system } = process.cpuUsage();
  let children = 0;
  if (statText) {
    const fields = statText.slice(statText.lastIndexOf(')') + 2).split(' ');
    // cutime and cstime: fields 16 and 17 of /proc/<pid>/stat, 14 and 15 after the name and state.
    children = (Number(fields[13]) + Number(fields[14])) * TICK_MS;
  }
  return (user + system) / 1000 + (Number.isFinite(children) ? children : 0);
}

function readSelfStat(): string | undefined {
  try {
    return readFileSync('/proc/self/stat', 'utf8');
  } catch {
    return undefined;
  }
}

interface Mark {
  t: number;
  machine: CpuTimes;
  own: number;
  throttle: ThrottleCounters | undefined;
}

const round2 = (v: number) => Math.round(v * 100) / 100;
const total = (c: CpuTimes) => c.user + c.nice + c.system + c.idle + c.iowait + c.irq + c.softirq + c.steal;
const working = (c: CpuTimes) => c.user + c.nice + c.system + c.irq + c.softirq;

/** Shares of the machine between two marks (pure, for tests). */
export function conditionsBetween(a: Mark, b: Mark): RunConditions {
  const all = total(b.machine) - total(a.machine);
  const out: RunConditions = { seconds: round2((b.t - a.t) / 1000) };
  if (all > 0) {
    const ownTicks = (b.own - a.own) / TICK_MS;
    const work = working(b.machine) - working(a.machine);
    out.other_load_pct = round2(Math.max(0, ((work - ownTicks) / all) * 100));
    out.steal_pct = round2(Math.max(0, ((b.machine.steal - a.machine.steal) / all) * 100));
  }
  if (a.throttle && b.throttle && b.throttle.periods > a.throttle.periods)
    out.throttled_pct = round2(
      ((b.throttle.throttled - a.throttle.throttled) / (b.throttle.periods - a.throttle.periods)) * 100,
    );
  return out;
}

/** Starts measuring; the function it returns ends the window and says what the machine did meanwhile. */
export function startConditions(files: RootReader, limits: CpuLimits): () => RunConditions {
  const mark = (): Mark => ({
    t: performance.now(),
    machine: readProcStat(files),
    own: ownCpuMs(),
    throttle: limits.cpu_stat ? parseCpuStat(files.text(limits.cpu_stat)) : undefined,
  });
  const from = mark();
  return () => conditionsBetween(from, mark());
}
