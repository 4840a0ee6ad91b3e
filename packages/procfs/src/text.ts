/** Small helpers shared by the line parsers. */

/** A kernel counter token: unsigned decimal digits only, else undefined (no `-1`, `1e3`, `0x10`, `12abc`). */
export function toCount(token: string | undefined): number | undefined {
  return token === undefined ? undefined : countAt(token, 0, token.length);
}

/** Lines of a /proc file: `\n` or `\r\n` separated, blank lines dropped. */
export function splitLines(text: string): string[] {
  return text.split('\n').filter((line) => line.trim() !== '');
}

const UNICODE_SPACE = /\s/;
/** What the regex `\s` matches, with the ASCII cases first (a scan, not a regex: parsing is hot). */
const isSpace = (line: string, i: number, c: number) =>
  c === 32 || (c >= 9 && c <= 13) || (c > 127 && UNICODE_SPACE.test(line.charAt(i)));

/**
 * Calls `line(start, end)` for each `\n`-separated line of `text` by index, with no array of lines: the parsers of
 * every round read their text this way, token by token with skipSpace, tokenEnd and countAt.
 */
export function eachLine(text: string, line: (start: number, end: number) => void): void {
  for (let at = 0; at < text.length; ) {
    const nl = text.indexOf('\n', at);
    const end = nl < 0 ? text.length : nl;
    line(at, end);
    at = end + 1;
  }
}

/** The counter in `text` between `start` and `end` (a token), without cutting it out; undefined unless all digits. */
export function countAt(text: string, start: number, end: number): number | undefined {
  if (start >= end) return undefined;
  let value = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
    value = value * 10 + (c - 48);
  }
  // Up to 15 digits the running sum is exact; longer ones are rounded the way Number() rounds them.
  return end - start <= 15 ? value : Number(text.slice(start, end));
}

/** Index of the first non-space character of `text` at or after `i` (before `end`). */
export function skipSpace(text: string, i: number, end: number): number {
  while (i < end && isSpace(text, i, text.charCodeAt(i))) i++;
  return i;
}

/** Index just past the token starting at `i` (the first space at or after it, or `end`). */
export function tokenEnd(text: string, i: number, end: number): number {
  while (i < end && !isSpace(text, i, text.charCodeAt(i))) i++;
  return i;
}

/** Whitespace-separated fields, like Go's strings.Fields. */
export function fields(line: string): string[] {
  const out: string[] = [];
  for (let i = skipSpace(line, 0, line.length); i < line.length; ) {
    const end = tokenEnd(line, i, line.length);
    out.push(line.slice(i, end));
    i = skipSpace(line, end, line.length);
  }
  return out;
}

/** A plain object parsed from JSON, or undefined (never throws). */
export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** A finite number field of a parsed JSON object, or undefined. */
export function numberField(object: Record<string, unknown>, key: string): number | undefined {
  const value = object[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
