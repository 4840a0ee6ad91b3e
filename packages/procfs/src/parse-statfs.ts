import { numberField, parseJsonObject, splitLines } from './text.ts';

/** One mounted filesystem from a `statfs[*]` measurement (block counts in units of blockSize). */
export interface StatfsEntry {
  mountPoint: string;
  blockSize: number;
  blocksTotal: number;
  blocksFree: number;
  blocksAvailable: number;
}

/**
 * Parses a `statfs[*]` measurement: one JSON object per line. Lines that are not JSON or lack a field are skipped;
 * returns undefined when no line is usable.
 */
export function parseStatfs(text: string): StatfsEntry[] | undefined {
  const result: StatfsEntry[] = [];
  for (const line of splitLines(text)) {
    const object = parseJsonObject(line);
    if (!object) continue;
    const mountPoint = object.mount_point;
    const blockSize = numberField(object, 'block_size');
    const blocksTotal = numberField(object, 'blocks_total');
    const blocksFree = numberField(object, 'blocks_free');
    const blocksAvailable = numberField(object, 'blocks_available');
    if (
      typeof mountPoint !== 'string' ||
      blockSize === undefined ||
      blocksTotal === undefined ||
      blocksFree === undefined ||
      blocksAvailable === undefined
    ) {
      continue;
    }
    result.push({ mountPoint, blockSize, blocksTotal, blocksFree, blocksAvailable });
  }
  return result.length > 0 ? result : undefined;
}
