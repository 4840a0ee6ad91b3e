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

/** Narrows an unknown value (e.g. one element of a trickle request) to a measurement, or undefined. */
export function toMeasurement(value: unknown): RawMeasurement | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { timestamp, subsystem, measurement } = value as Record<string, unknown>;
  if (typeof timestamp !== 'number' || !Number.isSafeInteger(timestamp)) return undefined;
  if (typeof subsystem !== 'string' || typeof measurement !== 'string') return undefined;
  return { timestamp, subsystem, measurement };
}
