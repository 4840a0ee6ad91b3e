import { fields, splitLines, toCount } from './text.ts';

/** /proc/meminfo as key → value in kB as written (`HugePages_*` are page counts, also as written). */
export type Meminfo = Readonly<Record<string, number>>;

/**
 * Parses /proc/meminfo (`Key:   value kB`). Malformed lines are skipped; returns undefined when no line is usable.
 * The object has no prototype, so a key such as `__proto__` in garbage input is just a key.
 */
export function parseMeminfo(text: string): Meminfo | undefined {
  const result: Record<string, number> = Object.create(null);
  let count = 0;
  for (const line of splitLines(text)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = line.slice(0, colon).trim();
    const value = toCount(fields(line.slice(colon + 1))[0]);
    if (key === '' || value === undefined) continue;
    result[key] = value;
    count++;
  }
  return count > 0 ? result : undefined;
}
