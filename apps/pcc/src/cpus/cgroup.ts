/**
 * Where this process's cgroup lives and what its files say: the CPU quota (v2 `cpu.max`, v1 `cpu.cfs_quota_us` /
 * `cpu.cfs_period_us`), the cpuset, and the throttling counters of `cpu.stat`. Everything is read through a
 * RootReader, so the same code runs on `/` and on captured trees in tests.
 *
 * The process's cgroup path comes from /proc/self/cgroup and the mounts from /proc/self/mountinfo: a v1 hierarchy is
 * mounted per controller (or a few together), v2 once; inside a container the mount's root is the container's own
 * cgroup, so the path is taken relative to it.
 */
import { posix } from 'node:path';
import type { RootReader } from '../specs/read.ts';

interface CgroupMount {
  version: 1 | 2;
  /** The cgroup path the mount shows at its mount point. */
  root: string;
  mountPoint: string;
  /** v1: the controllers of the hierarchy (super options); v2: empty. */
  controllers: string[];
}

// mountinfo escapes space, tab, newline and backslash as octal.
const unescapeOctal = (s: string) =>
  s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8)));

export function parseMountinfo(text: string): CgroupMount[] {
  const mounts: CgroupMount[] = [];
  for (const line of text.split('\n')) {
    const fields = line.split(' ');
    const dash = fields.indexOf('-');
    if (dash < 6) continue;
    const fstype = fields[dash + 1];
    const root = unescapeOctal(fields[3] ?? '/');
    const mountPoint = unescapeOctal(fields[4] ?? '');
    if (fstype === 'cgroup2') mounts.push({ version: 2, root, mountPoint, controllers: [] });
    else if (fstype === 'cgroup')
      mounts.push({ version: 1, root, mountPoint, controllers: (fields[dash + 3] ?? '').split(',') });
  }
  return mounts;
}

/** `/proc/self/cgroup`: hierarchy id, controllers (empty for v2), path. */
export function parseProcCgroup(text: string): { controllers: string[]; path: string }[] {
  return text
    .split('\n')
    .map((line) => /^\d+:([^:]*):(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ controllers: m[1] ? (m[1] ?? '').split(',') : [], path: m[2] ?? '/' }));
}

/**
 * The directories of this process's cgroup for one controller, from its own up to the mount's root (every ancestor
 * may hold a limit). A v1 hierarchy with the controller wins over v2, as the kernel binds a controller to one of them.
 */
export function cgroupDirs(
  files: RootReader,
  controller: 'cpu' | 'cpuset',
): { version: 1 | 2; dirs: string[] } | undefined {
  const mounts = parseMountinfo(files.text('proc/self/mountinfo') ?? '');
  const groups = parseProcCgroup(files.text('proc/self/cgroup') ?? '');
  const v1 = mounts.find((m) => m.version === 1 && m.controllers.includes(controller));
  const v1Group = groups.find((g) => g.controllers.includes(controller));
  if (v1 && v1Group) return { version: 1, dirs: chain(v1, v1Group.path) };
  const v2 = mounts.find((m) => m.version === 2);
  const v2Group = groups.find((g) => g.controllers.length === 0);
  if (v2 && v2Group) return { version: 2, dirs: chain(v2, v2Group.path) };
  return undefined;
}

function chain(mount: CgroupMount, path: string): string[] {
  const root = mount.root === '/' ? '' : mount.root;
  // A path outside the mount's root (another namespace's view) is not reachable: the mount point is all there is.
  const relative = root && !(path === root || path.startsWith(`${root}/`)) ? '' : path.slice(root.length);
  const parts = relative.split('/').filter(Boolean);
  const dirs: string[] = [];
  for (let n = parts.length; n >= 0; n--) dirs.push(posix.join(mount.mountPoint, ...parts.slice(0, n)));
  return dirs;
}

/** CPUs a directory's quota allows (quota / period), or undefined where it sets none. */
export function quotaCpus(files: RootReader, dir: string, version: 1 | 2): number | undefined {
  let quota: number;
  let period: number;
  if (version === 2) {
    const [q, p] = (files.text(posix.join(dir, 'cpu.max')) ?? '').trim().split(/\s+/);
    quota = Number(q);
    period = Number(p);
  } else {
    quota = Number(files.text(posix.join(dir, 'cpu.cfs_quota_us'))?.trim());
    period = Number(files.text(posix.join(dir, 'cpu.cfs_period_us'))?.trim());
  }
  // "max" (v2) and -1 (v1) mean no quota; both fail this test.
  return quota > 0 && period > 0 ? quota / period : undefined;
}

/** Number of CPUs in a list such as `0-3,6` (cpuset files, Cpus_allowed_list); undefined when empty or unreadable. */
export function countCpuList(text: string | undefined): number | undefined {
  const list = text?.trim();
  if (!list) return undefined;
  let count = 0;
  for (const part of list.split(',')) {
    const [a, b] = part.split('-').map(Number);
    if (a === undefined || !Number.isInteger(a)) return undefined;
    const end = b === undefined ? a : b;
    if (!Number.isInteger(end) || end < a) return undefined;
    count += end - a + 1;
  }
  return count;
}

/** Throttling counters of a `cpu.stat`: v2 reports microseconds, v1 `throttled_time` in nanoseconds. */
export interface ThrottleCounters {
  periods: number;
  throttled: number;
  throttledUsec: number;
}

export function parseCpuStat(text: string | undefined): ThrottleCounters | undefined {
  if (!text) return undefined;
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    const [key, value] = line.trim().split(/\s+/);
    if (key && value !== undefined) values.set(key, Number(value));
  }
  const periods = values.get('nr_periods');
  const throttled = values.get('nr_throttled');
  const usec =
    values.get('throttled_usec') ??
    (values.has('throttled_time') ? (values.get('throttled_time') ?? 0) / 1000 : undefined);
  if (periods === undefined || throttled === undefined || usec === undefined) return undefined;
  return { periods, throttled, throttledUsec: usec };
}
