import os, { type NetworkInterfaceInfo } from 'node:os';
import type { Register } from '@xat/contracts';
import { detectCpuLimits } from '../cpus/effective-cpus.ts';
import { contentHash } from '../hash.ts';
import { detectCpu } from './cpu.ts';
import { primaryAddress } from './network.ts';
import { parseOsRelease } from './os-release.ts';
import { type RootReader, rootReader } from './read.ts';
import { detectStorage } from './storage.ts';
import { detectVmBrand } from './vm-brand.ts';

/** Where specs come from: files under a root, plus what only the kernel's syscalls know. Tests replace all of it. */
export interface HostView {
  files: RootReader;
  hostname(): string;
  kernel(): string;
  cpuCount(): number;
  interfaces(): Record<string, NetworkInterfaceInfo[] | undefined>;
}

export const realHost = (): HostView => ({
  files: rootReader('/'),
  hostname: () => os.hostname(),
  kernel: () => os.release(),
  cpuCount: () => os.cpus().length,
  interfaces: () => os.networkInterfaces(),
});

/** The host's specs in the form of `POST /api/v1/register/` (REFERENCE 1.5, plus vm_brand). */
export function detectSpecs(host: HostView = realHost()): Register {
  const { files } = host;
  const cpuinfo = files.text('proc/cpuinfo');
  const cpu = detectCpu(cpuinfo);
  const osRelease = parseOsRelease(files.text('etc/os-release') ?? files.text('usr/lib/os-release'));
  const memKb = Number(/^MemTotal:\s+(\d+)/m.exec(files.text('proc/meminfo') ?? '')?.[1]);
  const storage = detectStorage(files);
  const vcpus = host.cpuCount();
  return {
    hostname: host.hostname().slice(0, 255) || 'localhost',
    ip_address: primaryAddress(files.text('proc/net/route'), host.interfaces()),
    os_name: osRelease.name.slice(0, 100),
    os_version: osRelease.version.slice(0, 50),
    kernel_version: host.kernel().slice(0, 100),
    vm_brand: detectVmBrand(files, cpuinfo),
    processor_brand: cpu.brand,
    processor_model: cpu.model.slice(0, 200),
    vcpus: vcpus > 0 ? vcpus : null,
    // What the agent's cgroup quota and cpuset allow: the CPUs a load test here can use.
    effective_cpus: detectCpuLimits(files, vcpus).effective_cpus,
    memory_gib: memKb > 0 ? Math.round((memKb / 2 ** 20) * 100) / 100 : null,
    storage_gib: storage.gib,
    storage_type: storage.type,
  };
}

/** A fingerprint of the specs: the agent registers again when it changes. */
export function specsHash(specs: Register): string {
  return contentHash(JSON.stringify(specs));
}

export type { RootReader };
