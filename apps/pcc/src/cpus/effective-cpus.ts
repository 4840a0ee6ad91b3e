/**
 * The CPUs this process may really use: what the OS shows (`vcpus`) cut down by the tightest CPU quota of its cgroup
 * and its ancestors and by its cpuset (the cgroup's, and the affinity mask of /proc/self/status, which is what
 * sched_getaffinity returns). A container given 0.5 CPU on a 2-vCPU host has 0.5: a load test that counted 2 would
 * report a quarter of the machine's per-CPU speed.
 */
import { posix } from 'node:path';
import type { RootReader } from '../specs/read.ts';
import { cgroupDirs, countCpuList, quotaCpus } from './cgroup.ts';

export interface CpuLimits {
  /** CPUs the OS shows (os.cpus()). */
  vcpus: number;
  /** min(vcpus, quota, cpuset), 2 decimals; fractional under a quota. */
  effective_cpus: number;
  /** CPUs the tightest quota allows, where one is set. */
  quota_cpus?: number;
  /** CPUs of the cpuset or affinity mask, where one is readable. */
  cpuset_cpus?: number;
  /** The `cpu.stat` of the cgroup whose quota binds (its throttling counters), under the reader's root. */
  cpu_stat?: string;
}

export function detectCpuLimits(files: RootReader, vcpus: number): CpuLimits {
  const limits: CpuLimits = { vcpus, effective_cpus: vcpus };
  const cpu = cgroupDirs(files, 'cpu');
  for (const dir of cpu?.dirs ?? []) {
    const quota = quotaCpus(files, dir, cpu?.version ?? 2);
    if (quota !== undefined && (limits.quota_cpus === undefined || quota < limits.quota_cpus)) {
      limits.quota_cpus = quota;
      limits.cpu_stat = posix.join(dir, 'cpu.stat');
    }
  }
  const cpuset = cgroupDirs(files, 'cpuset');
  const leaf = cpuset?.dirs[0];
  const sets = [
    /^Cpus_allowed_list:\s*(.*)$/m.exec(files.text('proc/self/status') ?? '')?.[1],
    leaf && files.text(posix.join(leaf, cpuset?.version === 1 ? 'cpuset.effective_cpus' : 'cpuset.cpus.effective')),
  ]
    .map(countCpuList)
    .filter((n): n is number => n !== undefined && n > 0);
  if (sets.length > 0) limits.cpuset_cpus = Math.min(...sets);
  // os.cpus() is empty on a few platforms: then the limits alone tell, or one CPU.
  const bound = Math.min(vcpus > 0 ? vcpus : Infinity, limits.quota_cpus ?? Infinity, limits.cpuset_cpus ?? Infinity);
  limits.effective_cpus = Number.isFinite(bound) ? Math.max(0.01, Math.round(bound * 100) / 100) : 1;
  return limits;
}
