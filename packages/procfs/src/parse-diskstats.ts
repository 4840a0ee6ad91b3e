import { fields, splitLines, toCount } from './text.ts';

/** One /proc/diskstats line (Documentation/admin-guide/iostats.rst); fields the kernel did not write are 0. */
export interface DiskStat {
  major: number;
  minor: number;
  name: string;
  readIos: number;
  readMerges: number;
  readSectors: number;
  readTicks: number;
  writeIos: number;
  writeMerges: number;
  writeSectors: number;
  writeTicks: number;
  iosInProgress: number;
  ioTicks: number;
  weightedIoTicks: number;
  discardIos: number;
  discardMerges: number;
  discardSectors: number;
  discardTicks: number;
  flushIos: number;
  flushTicks: number;
  /** Fields read, name included: 14 (kernel < 4.18), 18 (< 5.5) or 20. */
  fieldCount: number;
}

const STATS = [
  'readIos',
  'readMerges',
  'readSectors',
  'readTicks',
  'writeIos',
  'writeMerges',
  'writeSectors',
  'writeTicks',
  'iosInProgress',
  'ioTicks',
  'weightedIoTicks',
  'discardIos',
  'discardMerges',
  'discardSectors',
  'discardTicks',
  'flushIos',
  'flushTicks',
] as const;

/** The reference keeps a line when at least this many leading fields parse (`major minor name` + 11 counters). */
const MIN_FIELDS = 14;

/**
 * Parses /proc/diskstats into devices in file order. Like the reference's Sscanf, fields are read from the left until
 * one is not a number, and the line is kept when at least 14 were read; shorter (cut-off, garbage) lines are skipped.
 * Returns undefined when no line is usable.
 */
export function parseDiskstats(text: string): DiskStat[] | undefined {
  const result: DiskStat[] = [];
  for (const line of splitLines(text)) {
    const parts = fields(line);
    const major = toCount(parts[0]);
    const minor = toCount(parts[1]);
    const name = parts[2];
    if (major === undefined || minor === undefined || name === undefined) continue;
    const stats: number[] = [];
    for (const token of parts.slice(3, 3 + STATS.length)) {
      const value = toCount(token);
      if (value === undefined) break;
      stats.push(value);
    }
    const fieldCount = 3 + stats.length;
    if (fieldCount < MIN_FIELDS) continue;
    const at = (i: number) => stats[i] ?? 0;
    // One literal, not 17 keyed stores: every DiskStat then shares one shape.
    result.push({
      major,
      minor,
      name,
      readIos: at(0),
      readMerges: at(1),
      readSectors: at(2),
      readTicks: at(3),
      writeIos: at(4),
      writeMerges: at(5),
      writeSectors: at(6),
      writeTicks: at(7),
      iosInProgress: at(8),
      ioTicks: at(9),
      weightedIoTicks: at(10),
      discardIos: at(11),
      discardMerges: at(12),
      discardSectors: at(13),
      discardTicks: at(14),
      flushIos: at(15),
      flushTicks: at(16),
      fieldCount,
    });
  }
  return result.length > 0 ? result : undefined;
}
