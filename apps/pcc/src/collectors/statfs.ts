import { readFileSync, statfsSync } from 'node:fs';
import { join } from 'node:path';
import type { Collector } from './collector.ts';

/** What statfs(2) says of a mount, in the fields the reference records. */
export interface FsStats {
  bsize: number;
  blocks: number;
  bfree: number;
  bavail: number;
}

// Filesystems that hold data on a device. Pseudo filesystems (proc, tmpfs, cgroup…) and read-only images (squashfs
// snaps, ISO) say nothing about a host's storage.
const SKIPPED_TYPES = new Set(['squashfs', 'iso9660', 'udf', 'overlay', 'nsfs', 'autofs', 'fuse.lxcfs']);

/** The mounts worth reporting: block-device filesystems, each mount point once, in /proc/mounts order. */
export function listMounts(mountsText: string): string[] {
  const seen = new Set<string>();
  const result: string[] = [];
  for (const line of mountsText.split('\n')) {
    const [source, target, type] = line.split(' ');
    if (!source?.startsWith('/') || !target || !type || SKIPPED_TYPES.has(type)) continue;
    const mountPoint = unescapeMount(target);
    if (seen.has(mountPoint)) continue;
    seen.add(mountPoint);
    result.push(mountPoint);
  }
  return result;
}

/**
 * `statfs[*]`: one JSON object per mounted filesystem, newline-separated, keys in the reference's order
 * (`mount_point`, `block_size`, `blocks_total`, `blocks_free`, `blocks_available`). A mount that cannot be
 * stat'ed (gone since /proc/mounts was read, no permission) is left out.
 */
export function statfsCollector(
  procRoot = '/proc',
  statfs: (path: string) => FsStats = (path) => statfsSync(path),
): Collector {
  const mountsFile = join(procRoot, 'mounts');
  return {
    subsystem: 'statfs[*]',
    read() {
      let out = '';
      for (const mountPoint of listMounts(readFileSync(mountsFile, 'utf8'))) {
        let s: FsStats;
        try {
          s = statfs(mountPoint);
        } catch {
          continue;
        }
        out += `${JSON.stringify({
          mount_point: mountPoint,
          block_size: s.bsize,
          blocks_total: s.blocks,
          blocks_free: s.bfree,
          blocks_available: s.bavail,
        })}\n`;
      }
      return out;
    },
  };
}

// /proc/mounts escapes space, tab, newline and backslash as octal.
function unescapeMount(text: string): string {
  return text.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
}
