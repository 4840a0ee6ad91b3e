import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rootReader } from '../specs/read.ts';
import { fixturePath } from '../testing/paths.ts';
import { tempDirs } from '../testing/temp-dirs.ts';
import { cgroupDirs, countCpuList, parseCpuStat, parseMountinfo, parseProcCgroup } from './cgroup.ts';
import { detectCpuLimits } from './effective-cpus.ts';

const freshDir = tempDirs('pcc-cgroup-');

/** A fake root holding just the given files. */
function fakeRoot(files: Record<string, string>) {
  const root = freshDir();
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return rootReader(root);
}

describe('effective CPUs from the cgroup', () => {
  it('cgroup v1 (captured here): the tightest quota of the group and its ancestors binds, and its cpu.stat is read', () => {
    const files = rootReader(fixturePath('cgroup-v1', 'root'));
    expect(cgroupDirs(files, 'cpu')).toEqual({
      version: 1,
      dirs: ['/sys/fs/cgroup/cpu/xat-capture/job', '/sys/fs/cgroup/cpu/xat-capture', '/sys/fs/cgroup/cpu'],
    });
    expect(detectCpuLimits(files, 2)).toEqual({
      vcpus: 2,
      effective_cpus: 0.5,
      quota_cpus: 0.5,
      cpuset_cpus: 2,
      cpu_stat: '/sys/fs/cgroup/cpu/xat-capture/job/cpu.stat',
    });
    // throttled_time is in nanoseconds on v1.
    expect(parseCpuStat(files.text('sys/fs/cgroup/cpu/xat-capture/job/cpu.stat'))).toEqual({
      periods: 11,
      throttled: 10,
      throttledUsec: 383098.021,
    });
  });

  it('cgroup v2 (a Docker container, --cpus 1.5, cpuset 0-3,6 on 8 vCPUs)', () => {
    const files = rootReader(fixturePath('cgroup-v2', 'root'));
    const limits = detectCpuLimits(files, 8);
    expect(limits).toEqual({
      vcpus: 8,
      effective_cpus: 1.5,
      quota_cpus: 1.5,
      cpuset_cpus: 5,
      cpu_stat: '/sys/fs/cgroup/system.slice/docker-4f1c9a.scope/cpu.stat',
    });
    expect(parseCpuStat(files.text(limits.cpu_stat ?? ''))).toEqual({
      periods: 412,
      throttled: 97,
      throttledUsec: 3310877,
    });
  });

  it('a cpuset tighter than the quota wins; a container with its own cgroup namespace reads its mount root', () => {
    const files = fakeRoot({
      'proc/self/cgroup': '0::/\n',
      'proc/self/mountinfo': '30 23 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n',
      'proc/self/status': 'Name:\tnode\nCpus_allowed_list:\t2\n',
      'sys/fs/cgroup/cpu.max': '200000 100000\n',
    });
    expect(detectCpuLimits(files, 4)).toMatchObject({ vcpus: 4, effective_cpus: 1, quota_cpus: 2, cpuset_cpus: 1 });
  });

  it('no quota anywhere ("max", -1) and no cgroup files at all: every CPU the OS shows', () => {
    const unlimited = fakeRoot({
      'proc/self/cgroup': '0::/user.slice\n',
      'proc/self/mountinfo': '30 23 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n',
      'sys/fs/cgroup/user.slice/cpu.max': 'max 100000\n',
    });
    expect(detectCpuLimits(unlimited, 2)).toEqual({ vcpus: 2, effective_cpus: 2 });
    expect(detectCpuLimits(fakeRoot({}), 16)).toEqual({ vcpus: 16, effective_cpus: 16 });
    expect(detectCpuLimits(fakeRoot({}), 0).effective_cpus).toBe(1);
  });

  it('a path outside the mount root (a foreign namespace) falls back to the mount point', () => {
    const mounts = parseMountinfo('41 31 0:38 /docker/abc /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu,cpuacct\n');
    expect(mounts).toEqual([
      { version: 1, root: '/docker/abc', mountPoint: '/sys/fs/cgroup/cpu', controllers: ['rw', 'cpu', 'cpuacct'] },
    ]);
    const files = fakeRoot({
      'proc/self/mountinfo': '41 31 0:38 /docker/abc /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu,cpuacct\n',
      'proc/self/cgroup': '3:cpu,cpuacct:/docker/abc/worker\n',
    });
    expect(cgroupDirs(files, 'cpu')?.dirs).toEqual(['/sys/fs/cgroup/cpu/worker', '/sys/fs/cgroup/cpu']);
    const foreign = fakeRoot({
      'proc/self/mountinfo': '41 31 0:38 /docker/abc /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu,cpuacct\n',
      'proc/self/cgroup': '3:cpu,cpuacct:/elsewhere\n',
    });
    expect(cgroupDirs(foreign, 'cpu')?.dirs).toEqual(['/sys/fs/cgroup/cpu']);
  });

  it('parses CPU lists, /proc/self/cgroup lines and incomplete cpu.stat files', () => {
    expect(countCpuList('0-3,6\n')).toBe(5);
    expect(countCpuList('7')).toBe(1);
    expect(countCpuList('')).toBeUndefined();
    expect(countCpuList('3-1')).toBeUndefined();
    expect(parseProcCgroup('1:cpu,cpuacct:/a b\n0::/\n')).toEqual([
      { controllers: ['cpu', 'cpuacct'], path: '/a b' },
      { controllers: [], path: '/' },
    ]);
    // The v2 root's cpu.stat has no throttling counters: nothing to report, not zeros.
    expect(parseCpuStat('usage_usec 1\nuser_usec 1\nsystem_usec 0\n')).toBeUndefined();
    expect(parseCpuStat(undefined)).toBeUndefined();
  });
});
