import type { STORAGE_TYPES } from '@xat/contracts';
import type { RootReader } from './read.ts';

export type StorageType = (typeof STORAGE_TYPES)[number];

// Not storage of the host's own: loop images, RAM disks, compressed swap, optical drives, device-mapper and md
// (their members are counted already), network block devices.
const NOT_A_DISK = /^(loop|ram|zram|sr|fd|dm-|md|nbd|drbd|rbd)/;

/** Whole disks from /sys/block: total size in GiB and the type of the largest (nvme/ssd/hdd, or block for paravirtual). */
export function detectStorage(sys: RootReader): { gib: number | null; type: StorageType } {
  const disks: { name: string; bytes: number }[] = [];
  for (const name of sys.list('sys/block')) {
    if (NOT_A_DISK.test(name)) continue;
    const sectors = Number(sys.text(`sys/block/${name}/size`)?.trim());
    if (Number.isFinite(sectors) && sectors > 0) disks.push({ name, bytes: sectors * 512 });
  }
  if (!disks.length) return { gib: null, type: 'unknown' };
  const total = disks.reduce((sum, d) => sum + d.bytes, 0);
  const largest = disks.reduce((a, b) => (b.bytes > a.bytes ? b : a));
  return { gib: Math.round((total / 2 ** 30) * 100) / 100, type: diskType(sys, largest.name) };
}

function diskType(sys: RootReader, name: string): StorageType {
  if (name.startsWith('nvme')) return 'nvme';
  const rotational = sys.text(`sys/block/${name}/queue/rotational`)?.trim();
  // virtio/xen disks report whatever the hypervisor chose; what backs them is unknown to the guest.
  if (/^(vd|xvd)/.test(name)) return rotational === '0' ? 'ssd' : 'block';
  if (rotational === '0') return 'ssd';
  if (rotational === '1') return 'hdd';
  return 'unknown';
}
