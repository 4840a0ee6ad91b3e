import { mkdirSync, writeFileSync } from 'node:fs';
import type { NetworkInterfaceInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { RegisterSchema } from '@xat/contracts';
import { Compile } from 'typebox/compile';
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../testing/paths.ts';
import { tempDirs } from '../testing/temp-dirs.ts';
import { detectCpu } from './cpu.ts';
import { primaryAddress } from './network.ts';
import { rootReader } from './read.ts';
import { detectSpecs, type HostView, specsHash } from './specs.ts';

const registerCheck = Compile(RegisterSchema);
const freshDir = tempDirs('pcc-root-');

/** A fake root holding just the given files. */
function fakeRoot(files: Record<string, string>): string {
  const root = freshDir();
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const iface = (address: string, family: 'IPv4' | 'IPv6', internal = false) =>
  ({ address, family, internal, netmask: '', mac: '', cidr: null }) as unknown as NetworkInterfaceInfo;

const host = (root: string, overrides: Partial<HostView> = {}): HostView => ({
  files: rootReader(root),
  hostname: () => 'web-01',
  kernel: () => '6.1.0-25-amd64',
  cpuCount: () => 2,
  interfaces: () => ({ lo: [iface('127.0.0.1', 'IPv4', true)], eth0: [iface('192.0.2.10', 'IPv4')] }),
  ...overrides,
});

describe('register specs', () => {
  it('on the captured project machine (Debian 12 VM, AMD EPYC, virtio disk, no DMI)', () => {
    const specs = detectSpecs(host(fixturePath('debian-vm', 'root')));
    expect(registerCheck.Check(specs), JSON.stringify([...registerCheck.Errors(specs)])).toBe(true);
    expect(specs).toMatchObject({
      hostname: 'web-01',
      ip_address: '192.0.2.10',
      os_name: 'Debian GNU/Linux',
      os_version: '12',
      kernel_version: '6.1.0-25-amd64',
      processor_brand: 'amd',
      processor_model: 'AMD EPYC',
      vcpus: 2,
      effective_cpus: 2, // no cgroup quota or cpuset in the capture
      storage_gib: 256, // vda: 536870912 sectors; loop and zram are not storage
      storage_type: 'block',
      vm_brand: 'unknown',
    });
    expect(specs.memory_gib).toBeGreaterThan(20);
  });

  it('an Azure VM with an Intel CPU, an SSD and a spinning data disk', () => {
    const root = fakeRoot({
      'proc/cpuinfo':
        'processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) Platinum 8272CL CPU @ 2.60GHz\nflags\t\t: fpu hypervisor\n',
      'proc/meminfo': 'MemTotal:        8129212 kB\n',
      'sys/class/dmi/id/sys_vendor': 'Microsoft Corporation\n',
      'sys/class/dmi/id/product_name': 'Virtual Machine\n',
      'sys/class/dmi/id/chassis_asset_tag': '7783-7084-3265-9085-8269-3286-77\n',
      'sys/block/sda/size': '62914560\n',
      'sys/block/sda/queue/rotational': '0\n',
      'sys/block/sdb/size': '33554432\n',
      'sys/block/sdb/queue/rotational': '1\n',
      'sys/block/sr0/size': '1000\n',
    });
    const specs = detectSpecs(host(root));
    expect(specs).toMatchObject({
      vm_brand: 'azure',
      processor_brand: 'intel',
      processor_model: 'Intel(R) Xeon(R) Platinum 8272CL CPU @ 2.60GHz',
      memory_gib: 7.75,
      storage_gib: 46,
      storage_type: 'ssd',
      os_name: 'Linux',
    });
  });

  it('AWS Graviton (Arm Neoverse-N1, NVMe), Oracle Ampere, GCP, VMware, Dell and bare metal', () => {
    const arm = 'processor\t: 0\nBogoMIPS\t: 243.75\nCPU implementer\t: 0x41\nCPU part\t: 0xd0c\n';
    const aws = detectSpecs(
      host(
        fakeRoot({
          'proc/cpuinfo': arm,
          'sys/class/dmi/id/sys_vendor': 'Amazon EC2\n',
          'sys/block/nvme0n1/size': '16777216\n',
          'sys/block/nvme0n1/queue/rotational': '0\n',
        }),
      ),
    );
    expect(aws).toMatchObject({ vm_brand: 'aws', processor_brand: 'arm', processor_model: 'ARM Neoverse-N1' });
    expect(aws).toMatchObject({ storage_type: 'nvme', storage_gib: 8 });

    const ampere = 'processor\t: 0\nCPU implementer\t: 0xc0\nCPU part\t: 0xac3\n';
    const oci = detectSpecs(
      host(fakeRoot({ 'proc/cpuinfo': ampere, 'sys/class/dmi/id/chassis_asset_tag': 'OracleCloud.com\n' })),
    );
    expect(oci).toMatchObject({
      vm_brand: 'oracle_cloud',
      processor_brand: 'ampere',
      processor_model: 'Ampere AmpereOne',
    });

    const brand = (files: Record<string, string>) => detectSpecs(host(fakeRoot(files))).vm_brand;
    expect(brand({ 'sys/class/dmi/id/product_name': 'Google Compute Engine\n' })).toBe('gcp');
    expect(brand({ 'sys/class/dmi/id/sys_vendor': 'VMware, Inc.\n' })).toBe('vmware');
    expect(brand({ 'sys/class/dmi/id/sys_vendor': 'Dell Inc.\n' })).toBe('dell');
    expect(brand({ 'sys/class/dmi/id/sys_vendor': 'QEMU\n', 'proc/cpuinfo': 'flags : fpu hypervisor\n' })).toBe(
      'other',
    );
    expect(
      brand({ 'sys/class/dmi/id/sys_vendor': 'Supermicro\n', 'proc/cpuinfo': 'processor : 0\nflags : fpu sse\n' }),
    ).toBe('bare_metal');
  });

  it('a host whose cgroup allows 0.5 CPU registers 2 vCPUs and 0.5 effective CPUs (captured cgroup v1 tree)', () => {
    const specs = detectSpecs(host(fixturePath('cgroup-v1', 'root')));
    expect(registerCheck.Check(specs), JSON.stringify([...registerCheck.Errors(specs)])).toBe(true);
    expect(specs).toMatchObject({ vcpus: 2, effective_cpus: 0.5 });
  });

  it('unknown CPU text gives unknown, not a guess', () => {
    expect(detectCpu(undefined)).toEqual({ brand: 'unknown', model: '' });
    expect(detectCpu('processor : 0\n')).toEqual({ brand: 'unknown', model: '' });
  });

  it('primary address: the default route’s interface, else any external one', () => {
    const route =
      'Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\n' +
      'docker0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\n' +
      'ens5\t00000000\t0100000A\t0003\t0\t0\t0\t00000000\n';
    const interfaces = {
      lo: [iface('127.0.0.1', 'IPv4', true)],
      docker0: [iface('172.17.0.1', 'IPv4')],
      ens5: [iface('fe80::1', 'IPv6'), iface('10.0.0.12', 'IPv4')],
    };
    expect(primaryAddress(route, interfaces)).toBe('10.0.0.12');
    expect(primaryAddress(undefined, interfaces)).toBe('172.17.0.1');
    expect(primaryAddress(undefined, { lo: interfaces.lo })).toBeNull();
  });

  it('the specs hash changes when a spec changes (the daemon registers again)', () => {
    const root = fixturePath('debian-vm', 'root');
    const a = specsHash(detectSpecs(host(root)));
    expect(specsHash(detectSpecs(host(root)))).toBe(a);
    expect(specsHash(detectSpecs(host(root, { cpuCount: () => 4 })))).not.toBe(a);
  });
});
