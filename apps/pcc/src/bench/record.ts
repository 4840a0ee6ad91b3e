/**
 * The reproducibility record of a benchmark result: enough to say whether two results came from comparable machines
 * (CPU model and microcode, SMT, NUMA nodes, kernel, CPU governor, hypervisor, agent version, CPUs). Read from /proc
 * and /sys under a root, so tests hand it a captured tree; anything unreadable is null, never a guess.
 */
import { posix } from 'node:path';
import type { ReproRecord } from '@xat/contracts';
import type { CpuLimits } from '../cpus/effective-cpus.ts';
import { detectCpu } from '../specs/cpu.ts';
import type { RootReader } from '../specs/read.ts';

/** The first `microcode` line of /proc/cpuinfo (x86; Arm kernels do not show it). */
export const parseMicrocode = (cpuinfo: string | undefined): string | null =>
  /^microcode\s*:\s*(\S+)/m.exec(cpuinfo ?? '')?.[1] ?? null;

/** /sys/devices/system/cpu/smt/active: 1 on, 0 off (also where the CPU has no SMT); null where the kernel lacks it. */
export function readSmt(files: RootReader): boolean | null {
  const active = files.text('sys/devices/system/cpu/smt/active')?.trim();
  return active === '1' ? true : active === '0' ? false : null;
}

export function readNumaNodes(files: RootReader): number | null {
  const nodes = files.list('sys/devices/system/node').filter((n) => /^node\d+$/.test(n)).length;
  return nodes > 0 ? nodes : null;
}

/** cpufreq's governor of the first CPU that has one; null where there is no cpufreq (most VMs). */
export function readGovernor(files: RootReader): string | null {
  const base = 'sys/devices/system/cpu';
  const cpus = files
    .list(base)
    .filter((n) => /^cpu\d+$/.test(n))
    .sort((a, b) => Number(a.slice(3)) - Number(b.slice(3)));
  for (const cpu of cpus) {
    const governor = files.text(posix.join(base, cpu, 'cpufreq/scaling_governor'))?.trim();
    if (governor) return governor;
  }
  return null;
}

// DMI vendor and product strings → systemd-detect-virt's names, in its order (the first match wins).
const DMI_VENDORS: [RegExp, string][] = [
  [/^KVM/i, 'kvm'],
  [/^Amazon EC2/i, 'amazon'],
  [/^QEMU/i, 'qemu'],
  [/^VMware/i, 'vmware'],
  [/^(VirtualBox|innotek)/i, 'oracle'],
  [/^Xen/i, 'xen'],
  [/^Bochs/i, 'bochs'],
  [/^Parallels/i, 'parallels'],
  [/^BHYVE/i, 'bhyve'],
  [/^Google/i, 'google'],
  [/^Microsoft Corporation/i, 'microsoft'],
];
const CLOCKSOURCES: [RegExp, string][] = [
  [/\bkvm-clock\b/, 'kvm'],
  [/\bxen\b/, 'xen'],
  [/\bhyperv_clocksource/, 'microsoft'],
];

/**
 * The hypervisor, the way systemd-detect-virt tells it without CPUID: /sys/hypervisor/type (Xen), the DMI strings,
 * the paravirtual clock sources, the device tree (Arm). 'none' when the CPU flags show no `hypervisor` bit and nothing
 * else names one; 'unknown' when the bit is set but nothing names it; null when nothing can be read.
 */
export function detectHypervisor(files: RootReader, cpuinfo: string | undefined): string | null {
  const xen = files.text('sys/hypervisor/type')?.trim();
  if (xen) return xen;
  const dmi = ['sys_vendor', 'product_name', 'bios_vendor', 'board_vendor']
    .map((key) => files.text(`sys/class/dmi/id/${key}`)?.trim() ?? '')
    .filter(Boolean);
  for (const text of dmi) for (const [re, name] of DMI_VENDORS) if (re.test(text)) return name;
  const clocks = files.text('sys/devices/system/clocksource/clocksource0/available_clocksource') ?? '';
  for (const [re, name] of CLOCKSOURCES) if (re.test(clocks)) return name;
  const dt = files.text('proc/device-tree/hypervisor/compatible');
  if (dt) return /kvm/i.test(dt) ? 'kvm' : /xen/i.test(dt) ? 'xen' : 'unknown';
  const flags = /^flags\s*:(.*)$/m.exec(cpuinfo ?? '')?.[1];
  if (flags === undefined) return null;
  return /(^|\s)hypervisor(\s|$)/.test(flags) ? 'unknown' : 'none';
}

export interface RecordHost {
  files: RootReader;
  kernel: string;
  agentVersion: string;
  limits: CpuLimits;
}

export function readReproRecord(host: RecordHost): ReproRecord {
  const { files } = host;
  const cpuinfo = files.text('proc/cpuinfo');
  return {
    cpu_model: detectCpu(cpuinfo).model || 'unknown',
    microcode: parseMicrocode(cpuinfo),
    smt: readSmt(files),
    numa_nodes: readNumaNodes(files),
    kernel: host.kernel,
    governor: readGovernor(files),
    hypervisor: detectHypervisor(files, cpuinfo),
    agent_version: host.agentVersion,
    vcpus: host.limits.vcpus,
    effective_cpus: host.limits.effective_cpus,
  };
}
