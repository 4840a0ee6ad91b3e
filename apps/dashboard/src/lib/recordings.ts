/** How the recording pages speak of a recording: its source, its window, its sort order and the compare choice. */
import {
  type FieldStats,
  MAX_COMPARED_RECORDINGS,
  RECORDING_ORDERINGS,
  RECORDING_SOURCES,
  RECORDING_STAT_FIELDS,
  type Recording,
  type RecordingSource,
  type RecordingStatField,
} from '@xat/contracts';
import { fieldLabel, type Unit, unitOf } from './fields.ts';
import { formatDate, formatDateTime, formatDuration, formatNumber, formatSpan } from './format.ts';

export const SOURCE_LABEL: Record<RecordingSource, string> = {
  upload: 'Upload',
  trickle: 'Trickle session',
  live: 'Live window',
};

export const isRecordingSource = (v: string | null): v is RecordingSource =>
  v !== null && (RECORDING_SOURCES as readonly string[]).includes(v);

/** A trickle session that still receives rounds: the one kind that is "active" and can be completed. */
export const isActiveSession = (r: Pick<Recording, 'source' | 'status'>): boolean =>
  r.source === 'trickle' && r.status === 'active';

const epoch = (iso: string | null): number | undefined => {
  const t = iso ? Date.parse(iso) : Number.NaN;
  return Number.isNaN(t) ? undefined : t / 1000;
};

/** The recording's window in epoch seconds, when it has one (a recording with no sample yet has none). */
export function recordingWindow(
  r: Pick<Recording, 'started_at' | 'ended_at'>,
): { from: number; to: number } | undefined {
  const from = epoch(r.started_at);
  const to = epoch(r.ended_at) ?? from;
  return from === undefined || to === undefined ? undefined : { from, to };
}

/** "2026-01-14 10:02 to 10:32" (the date once when both ends fall on one day); "no samples yet" without a window. */
export function formatWindow(r: Pick<Recording, 'started_at' | 'ended_at'>): string {
  const w = recordingWindow(r);
  return w ? formatSpan(w.from, w.to) : 'no samples yet';
}

/** "every 10 s" from the typical interval; a dash when unknown. */
export const formatInterval = (seconds: number | null): string =>
  seconds === null || !Number.isFinite(seconds) || seconds <= 0 ? '—' : `every ${formatDuration(seconds)}`;

export const formatSamples = (n: number): string => `${formatNumber(n, 0)} ${n === 1 ? 'sample' : 'samples'}`;

export const formatRecordingDuration = (r: Pick<Recording, 'duration_seconds'>): string =>
  formatDuration(r.duration_seconds);

/** How one recording is named in a legend: its name, its server and the day it started. */
export function recordingLegend(r: Pick<Recording, 'name' | 'collector_name' | 'started_at'>): string {
  const from = epoch(r.started_at);
  return [r.name, r.collector_name, from === undefined ? undefined : formatDate(from)].filter(Boolean).join(' · ');
}

/** The start of a recording for a table cell: date and time. */
export const formatStart = (r: Pick<Recording, 'started_at'>): string => {
  const from = epoch(r.started_at);
  return from === undefined ? '—' : formatDateTime(from);
};

export type RecordingOrderingKey = Exclude<(typeof RECORDING_ORDERINGS)[number], `-${string}`>;
export interface RecordingOrdering {
  key: RecordingOrderingKey;
  descending: boolean;
}

/** Newest first, as the server sorts without an ordering. */
export const DEFAULT_RECORDING_ORDERING: RecordingOrdering = { key: 'started_at', descending: true };

/** `-sample_count` → sample count, descending; anything the server does not sort by gives the default. */
export function parseRecordingOrdering(value: string | null): RecordingOrdering {
  if (!value || !(RECORDING_ORDERINGS as readonly string[]).includes(value)) return DEFAULT_RECORDING_ORDERING;
  return { key: value.replace(/^-/, '') as RecordingOrderingKey, descending: value.startsWith('-') };
}

export const recordingOrderingParam = (o: RecordingOrdering): string => `${o.descending ? '-' : ''}${o.key}`;

/** A click on a column: the same column flips; names start A–Z, dates and counts start with the newest/largest. */
export function nextRecordingOrdering(current: RecordingOrdering, key: RecordingOrderingKey): RecordingOrdering {
  if (current.key === key) return { key, descending: !current.descending };
  return { key, descending: key !== 'name' };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `?ids=a,b,…` → the distinct well-formed ids in their order, at most MAX_COMPARED_RECORDINGS. */
export function parseRecordingIds(param: string | null): string[] {
  const ids = (param ?? '').split(',').map((s) => s.trim().toLowerCase());
  return [...new Set(ids.filter((s) => UUID.test(s)))].slice(0, MAX_COMPARED_RECORDINGS);
}

/** Ticks or unticks a recording for the compare; past the maximum a new tick is refused (the list stays). */
export function toggleChosen(chosen: readonly string[], id: string): string[] {
  if (chosen.includes(id)) return chosen.filter((x) => x !== id);
  return chosen.length >= MAX_COMPARED_RECORDINGS ? [...chosen] : [...chosen, id];
}

/** What the compare page says instead of a chart when the choice cannot be compared; undefined when it can. */
export function compareProblem(ids: readonly string[]): string | undefined {
  if (ids.length === 0) return 'No recordings chosen yet: tick two to ten in the list, then Compare.';
  if (ids.length === 1) return 'Only one recording chosen: a comparison needs at least two.';
  return undefined;
}

/** The metrics a compare can overlay: the summary's fields (the compare answers their statistics). */
export const COMPARE_FIELDS: readonly RecordingStatField[] = RECORDING_STAT_FIELDS;
export const isCompareField = (v: string | null): v is RecordingStatField =>
  v !== null && (RECORDING_STAT_FIELDS as readonly string[]).includes(v);

export interface StatRow {
  field: string;
  label: string;
  unit: Unit;
  stats: FieldStats;
}

/** The summary's statistics in reading order (CPU, memory, disk, network), then any field the server added. */
export function statRows(stats: Readonly<Record<string, FieldStats>>): StatRow[] {
  const known = RECORDING_STAT_FIELDS as readonly string[];
  const fields = [...known.filter((f) => f in stats), ...Object.keys(stats).filter((f) => !known.includes(f))];
  return fields.flatMap((field) => {
    const s = stats[field];
    return s ? [{ field, label: fieldLabel(field), unit: unitOf(field), stats: s }] : [];
  });
}
