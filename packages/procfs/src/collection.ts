import { parseJsonObject } from './text.ts';

/** One line of a pcc collection file or trickle payload (REFERENCE 1.1). */
export interface RawMeasurement {
  timestamp: number;
  subsystem: string;
  measurement: string;
}

export interface ParsedCollection {
  measurements: RawMeasurement[];
  /** Non-blank lines that were not a `{timestamp, subsystem, measurement}` object (truncated last line, garbage). */
  rejectedLines: number;
}

/** Splits a pcc NDJSON collection into measurements in file order; bad lines are counted and skipped, never thrown. */
export function parseCollection(ndjson: string): ParsedCollection {
  const measurements: RawMeasurement[] = [];
  let rejectedLines = 0;
  for (const line of ndjson.split('\n')) {
    if (line.trim() === '') continue;
    const measurement = toMeasurement(parseJsonObject(line));
    if (measurement) measurements.push(measurement);
    else rejectedLines++;
  }
  return { measurements, rejectedLines };
}

/** The text cut into slices of whole lines, each about `sliceChars` long (the last line's newline stays with it). */
export function* lineSlices(text: string, sliceChars: number): Generator<string> {
  const step = Math.max(1, Math.floor(sliceChars) || 1);
  for (let at = 0; at < text.length; ) {
    const cut = text.indexOf('\n', Math.min(at + step, text.length) - 1);
    const end = cut === -1 ? text.length : cut + 1;
    yield text.slice(at, end);
    at = end;
  }
}

/** About 1 MB of text: tens of milliseconds of parsing here, a slice a server may spend before it lets others run. */
export const COLLECTION_SLICE_CHARS = 1 << 20;

/**
 * The collection parsed a slice of whole lines at a time, in file order: for a caller that lets other work run between
 * slices of a large file. Together the slices are parseCollection's result.
 */
export function* collectionSlices(ndjson: string, sliceChars = COLLECTION_SLICE_CHARS): Generator<ParsedCollection> {
  for (const slice of lineSlices(ndjson, sliceChars)) yield parseCollection(slice);
}

/** Narrows an unknown value (e.g. one element of a trickle request) to a measurement, or undefined. */
export function toMeasurement(value: unknown): RawMeasurement | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { timestamp, subsystem, measurement } = value as Record<string, unknown>;
  if (typeof timestamp !== 'number' || !Number.isSafeInteger(timestamp)) return undefined;
  if (typeof subsystem !== 'string' || typeof measurement !== 'string') return undefined;
  return { timestamp, subsystem, measurement };
}
