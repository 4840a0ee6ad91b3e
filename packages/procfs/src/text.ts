/** Small helpers shared by the line parsers. */

const DIGITS = /^\d+$/;

/** A kernel counter token: unsigned decimal digits only, else undefined (no `-1`, `1e3`, `0x10`, `12abc`). */
export function toCount(token: string | undefined): number | undefined {
  return token !== undefined && DIGITS.test(token) ? Number(token) : undefined;
}

/** Lines of a /proc file: `\n` or `\r\n` separated, blank lines dropped. */
export function splitLines(text: string): string[] {
  return text.split('\n').filter((line) => line.trim() !== '');
}

/** Whitespace-separated fields, like Go's strings.Fields. */
export function fields(line: string): string[] {
  const trimmed = line.trim();
  return trimmed === '' ? [] : trimmed.split(/\s+/);
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
