import { countAt, skipSpace, tokenEnd } from './text.ts';

/** /proc/meminfo as key → value in kB as written (`HugePages_*` are page counts, also as written). */
export type Meminfo = Readonly<Record<string, number>>;

/**
 * Parses /proc/meminfo (`Key:   value kB`). Malformed lines are skipped; returns undefined when no line is usable.
 * The object has no prototype, so a key such as `__proto__` in garbage input is just a key.
 */
export function parseMeminfo(text: string): Meminfo | undefined {
  const result: Record<string, number> = Object.create(null);
  let count = 0;
  // Line by line by index, with no array of lines or fields: this runs for every round of every agent.
  for (let at = 0; at < text.length; ) {
    const nl = text.indexOf('\n', at);
    const end = nl < 0 ? text.length : nl;
    const colon = text.indexOf(':', at);
    if (colon > at && colon < end) {
      const key = text.slice(at, colon).trim();
      const from = skipSpace(text, colon + 1, end);
      const value = countAt(text, from, tokenEnd(text, from, end));
      if (key !== '' && value !== undefined) {
        result[key] = value;
        count++;
      }
    }
    at = end + 1;
  }
  return count > 0 ? result : undefined;
}
