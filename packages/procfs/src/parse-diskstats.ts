import { countAt, eachLine, skipSpace, tokenEnd } from './text.ts';

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
  const stats = new Array<number>(STATS.length);
  eachLine(text, (line, end) => {
    let i = skipSpace(text, line, end);
    let j = tokenEnd(text, i, end);
    const major = countAt(text, i, j);
    i = skipSpace(text, j, end);
    j = tokenEnd(text, i, end);
    const minor = countAt(text, i, j);
    i = skipSpace(text, j, end);
    j = tokenEnd(text, i, end);
    if (major === undefined || minor === undefined || i === j) return;
    const name = text.slice(i, j);
    stats.fill(0);
    let read = 0;
    for (; read < STATS.length; read++) {
      i = skipSpace(text, j, end);
      j = tokenEnd(text, i, end);
      const value = countAt(text, i, j);
      if (value === undefined) break;
      stats[read] = value;
    }
    const fieldCount = 3 + read;
    if (fieldCount < MIN_FIELDS) return;
    // One literal, not 17 keyed stores: every DiskStat then shares one shape.
    result.push({
      major,
      minor,
      name,
      readIos: stats[0] ?? 0,
      readMerges: stats[1] ?? 0,
      readSectors: stats[2] ?? 0,
      readTicks: stats[3] ?? 0,
      writeIos: stats[4] ?? 0,
      writeMerges: stats[5] ?? 0,
      writeSectors: stats[6] ?? 0,
      writeTicks: stats[7] ?? 0,
      iosInProgress: stats[8] ?? 0,
      ioTicks: stats[9] ?? 0,
      weightedIoTicks: stats[10] ?? 0,
      discardIos: stats[11] ?? 0,
      discardMerges: stats[12] ?? 0,
      discardSectors: stats[13] ?? 0,
      discardTicks: stats[14] ?? 0,
      flushIos: stats[15] ?? 0,
      flushTicks: stats[16] ?? 0,
      fieldCount,
    });
  });
  return result.length > 0 ? result : undefined;
}
