import type { MetricStep } from '@xat/contracts';

export type Resolution = 'raw' | '1m' | '1h';
export const RESOLUTION_SECONDS: Record<Resolution, number> = { raw: 0, '1m': 60, '1h': 3600 };
/** `step=auto` picks the coarsest resolution that still gives at least this many points over the range. */
export const AUTO_MIN_POINTS = 500;
const DAY = 86_400;
const DEFAULT_SPAN = 3600;

export interface Retention {
  raw: number;
  '1m': number;
  '1h': number;
}

export interface Range {
  from: number;
  to: number;
}

const EPOCH = /^-?\d+(\.\d+)?$/;
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/** Epoch seconds or ISO-8601 → epoch seconds (whole); an ISO time without an offset is UTC. Impossible dates fail. */
export function parseInstant(text: string): number | undefined {
  const value = text.trim();
  if (EPOCH.test(value)) {
    const n = Math.floor(Number(value));
    return Number.isSafeInteger(n) ? n : undefined;
  }
  const m = ISO.exec(value);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6]].map((v) => Number(v ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 59)
    return undefined;
  const offset = (m[8] ?? 'Z').toUpperCase();
  const zone =
    offset === 'Z' ? 0 : (offset[0] === '-' ? -1 : 1) * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(-2)));
  return Date.UTC(year, month - 1, day, hour, minute, second) / 1000 - zone * 60;
}

/** The requested range (default: the hour before `to`, `to` defaulting to now), or the errors naming from/to. */
export function parseRange(
  query: { from?: string | undefined; to?: string | undefined },
  now: number,
  errors: Record<string, string[]>,
): Range | undefined {
  const bad = (name: 'from' | 'to') => {
    errors[name] = ['Enter epoch seconds or an ISO-8601 date-time.'];
    return undefined;
  };
  const to = query.to === undefined || query.to === '' ? Math.floor(now) : (parseInstant(query.to) ?? bad('to'));
  const from =
    query.from === undefined || query.from === ''
      ? to === undefined
        ? undefined
        : to - DEFAULT_SPAN
      : (parseInstant(query.from) ?? bad('from'));
  if (from === undefined || to === undefined) return undefined;
  if (from >= to) {
    errors.from = ['Must be before "to".'];
    return undefined;
  }
  return { from, to };
}

/** The oldest instant the tenant keeps at this resolution. */
export const retentionStart = (retention: Retention, resolution: Resolution, now: number) =>
  Math.floor(now) - retention[resolution] * DAY;

/** The coarsest resolution giving ≥ AUTO_MIN_POINTS over the range: raw below 500 minutes, 1h from 500 hours. */
export function resolutionForSpan(range: Range): Resolution {
  const span = range.to - range.from;
  return span / 3600 >= AUTO_MIN_POINTS ? '1h' : span / 60 >= AUTO_MIN_POINTS ? '1m' : 'raw';
}

const ORDER: Resolution[] = ['raw', '1m', '1h'];

/**
 * `auto`: the resolution for the span (resolutionForSpan); if the tenant no longer keeps that resolution as far back
 * as `from`, the finest one that does.
 */
export function chooseResolution(step: MetricStep, range: Range, retention: Retention, now: number): Resolution {
  if (step !== 'auto') return step;
  let i = ORDER.indexOf(resolutionForSpan(range));
  while (i < 2 && range.from < retentionStart(retention, ORDER[i] ?? '1h', now)) i++;
  return ORDER[i] ?? '1h';
}

/** `from` moved up to what the tenant keeps at this resolution (past `to` when none of the range is kept). */
export function clipToRetention(range: Range, retention: Retention, resolution: Resolution, now: number): Range {
  return { from: Math.max(range.from, retentionStart(retention, resolution, now)), to: range.to };
}

/** A comma-separated list of names, trimmed, without blanks or repeats; names not in `known` are reported. */
export function parseNames<T extends string>(
  text: string | undefined,
  known: readonly T[],
  param: string,
  errors: Record<string, string[]>,
): T[] {
  if (text === undefined || text.trim() === '') return [...known];
  const names = [...new Set(text.split(',').map((s) => s.trim()))].filter(Boolean);
  const unknown = names.filter((n) => !(known as readonly string[]).includes(n));
  if (unknown.length) errors[param] = unknown.map((n) => `Unknown field "${n}".`);
  return names.filter((n): n is T => (known as readonly string[]).includes(n));
}
