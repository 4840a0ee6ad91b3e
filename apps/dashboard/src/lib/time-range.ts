/** Time ranges of the charts: presets (1H … 30D, All) or a custom span, kept in the URL so a view can be shared. */

export const PRESETS = ['1h', '6h', '24h', '7d', '30d', 'all'] as const;
export type Preset = (typeof PRESETS)[number];

export type TimeRange = { kind: 'preset'; preset: Preset } | { kind: 'custom'; from: number; to: number };

export const DEFAULT_RANGE: TimeRange = { kind: 'preset', preset: '24h' };

const PRESET_SECONDS: Record<Exclude<Preset, 'all'>, number> = {
  '1h': 3600,
  '6h': 6 * 3600,
  '24h': 24 * 3600,
  '7d': 7 * 86400,
  '30d': 30 * 86400,
};

export const presetLabel = (p: Preset): string => (p === 'all' ? 'All' : p.toUpperCase());

const isPreset = (v: string | null): v is Preset => v !== null && (PRESETS as readonly string[]).includes(v);

/** Epoch seconds from "1732540800" or an ISO-8601 date; undefined when neither. */
export function parseInstant(text: string | null): number | undefined {
  if (!text) return undefined;
  if (/^\d{9,11}$/.test(text)) return Number(text);
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

/** The range in a URL's query (`?range=6h` or `?from=…&to=…`); anything unreadable gives the default. */
export function parseRange(params: URLSearchParams): TimeRange {
  const from = parseInstant(params.get('from'));
  const to = parseInstant(params.get('to'));
  if (from !== undefined && to !== undefined && from < to) return { kind: 'custom', from, to };
  const preset = params.get('range');
  return isPreset(preset) ? { kind: 'preset', preset } : DEFAULT_RANGE;
}

const iso = (epochSeconds: number) => new Date(epochSeconds * 1000).toISOString().replace('.000Z', 'Z');

/** The query parameters that describe a range (the others are cleared with undefined). */
export function rangeToParams(range: TimeRange): Record<'range' | 'from' | 'to', string | undefined> {
  if (range.kind === 'custom') return { range: undefined, from: iso(range.from), to: iso(range.to) };
  return { range: range.preset, from: undefined, to: undefined };
}

/** How far back `All` reaches when nothing better is known: the default retention of hourly rollups. */
export const ALL_FALLBACK_SECONDS = 2 * 365 * 86400;

/**
 * The span to ask the API for, in epoch seconds. `All` runs from `since` (the oldest data known of, e.g. when the
 * server was added) to now: the API reads a missing `from` as "the last hour".
 */
export function resolveRange(
  range: TimeRange,
  now: number = Date.now() / 1000,
  since?: number,
): { from: number; to: number } {
  if (range.kind === 'custom') return { from: range.from, to: range.to };
  const to = Math.floor(now);
  if (range.preset === 'all') return { from: Math.min(to - 3600, Math.floor(since ?? to - ALL_FALLBACK_SECONDS)), to };
  return { from: to - PRESET_SECONDS[range.preset], to };
}

/** Only ranges that end "now" can follow new data. */
export const canGoLive = (range: TimeRange) => range.kind === 'preset';

export const sameRange = (a: TimeRange, b: TimeRange) =>
  a.kind === 'preset'
    ? b.kind === 'preset' && a.preset === b.preset
    : b.kind === 'custom' && a.from === b.from && a.to === b.to;

export function describeRange(range: TimeRange): string {
  if (range.kind === 'custom') {
    const f = (s: number) => toLocalInput(s).replace('T', ' ');
    return `${f(range.from)} – ${f(range.to)}`;
  }
  return range.preset === 'all'
    ? 'All data'
    : `Last ${presetLabel(range.preset).replace('H', ' h').replace('D', ' days')}`;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Epoch seconds → the value of an `<input type="datetime-local">` (local time, minutes). */
export function toLocalInput(epochSeconds: number): string {
  const d = new Date(epochSeconds * 1000);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A datetime-local value → epoch seconds, read as local time. */
export function fromLocalInput(value: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map((v) => Number(v ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const date = new Date(y, mo - 1, d, h, mi, s);
  if (date.getMonth() !== mo - 1 || date.getDate() !== d) return undefined;
  return Number.isNaN(date.getTime()) ? undefined : Math.floor(date.getTime() / 1000);
}

/** A custom range from two form fields, or the reason it is not one (in words, for the form). */
export function customRange(fromValue: string, toValue: string): TimeRange | { error: string } {
  const from = fromLocalInput(fromValue);
  const to = fromLocalInput(toValue);
  if (from === undefined) return { error: 'Enter the start date and time.' };
  if (to === undefined) return { error: 'Enter the end date and time.' };
  if (from >= to) return { error: 'The start must be before the end.' };
  return { kind: 'custom', from, to };
}
