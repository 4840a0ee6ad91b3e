import { countAt, eachLine, skipSpace, tokenEnd } from './text.ts';

/** /proc/meminfo as key → value in kB as written (`HugePages_*` are page counts, also as written). */
export type Meminfo = Readonly<Record<string, number>>;

/**
 * Parses /proc/meminfo (`Key:   value kB`). Malformed lines are skipped; returns undefined when no line is usable.
 * The object has no prototype, so a key such as `__proto__` in garbage input is just a key.
 */
export function parseMeminfo(text: string): Meminfo | undefined {
  const result: Record<string, number> = Object.create(null);
  let count = 0;
  eachLine(text, (line, end) => {
    const colon = text.indexOf(':', line);
    if (colon <= line || colon >= end) return;
    const key = text.slice(line, colon).trim();
    const from = skipSpace(text, colon + 1, end);
    const value = countAt(text, from, tokenEnd(text, from, end));
    if (key === '' || value === undefined) return;
    result[key] = value;
    count++;
  });
  return count > 0 ? result : undefined;
}
