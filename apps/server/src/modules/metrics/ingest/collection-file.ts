import { setImmediate as nextTurn } from 'node:timers/promises';
import { promisify } from 'node:util';
import { constants, gunzip } from 'node:zlib';
import type { MetricSample } from '@xat/contracts';
import { COLLECTION_SLICE_CHARS, collectionSlices, lineSlices, type RawMeasurement } from '@xat/procfs';
import { ApiError, fieldError } from '../../../http/errors.ts';
import { isPortalCsvHeader, PortalCsvReader } from './portal-csv.ts';
import { chainPrepared, prepareRounds, type StoredRound } from './raw-rounds.ts';

const gunzipAsync = promisify(gunzip);

/**
 * A large file is read a slice at a time, and other requests run between slices: a 100 MB upload would otherwise hold
 * the event loop for seconds. About 1 MB of text (COLLECTION_SLICE_CHARS) or 200 rounds per slice.
 */
export const FILE_SLICE_ROUNDS = 200;

export interface ParsedFile {
  kind: 'collection' | 'portal-csv';
  samples: MetricSample[];
  /** Rounds (collection) or rows (CSV) that were usable. */
  records: number;
  /** Rounds or rows that could not be parsed, plus collection lines that were not a measurement. */
  skipped: number;
  outOfRange: number;
  /** What `skipped` counts, one line per reason. */
  problems: string[];
  /** First and last timestamp of the usable records. */
  start: number | undefined;
  end: number | undefined;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
const isGzip = (b: Buffer) => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
const isZip = (b: Buffer) => b.length >= 4 && b.readUInt32LE(0) === 0x04034b50;

/**
 * The file's text: gunzipped when it starts with the gzip magic, never beyond `maxBytes` (a bomb answers 413). A gzip
 * cut short (the agent killed while writing) gives what was decompressed so far, like `zcat` does.
 */
export async function decodeFile(content: Buffer, maxBytes: number): Promise<string> {
  if (isZip(content))
    throw fieldError('file', 'Zip archives are not read; upload the collection itself (gzip is fine).');
  if (!isGzip(content)) return content.toString('utf8');
  try {
    const text = await gunzipAsync(content, { maxOutputLength: maxBytes, finishFlush: constants.Z_SYNC_FLUSH });
    return text.toString('utf8');
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE')
      throw new ApiError(413, {
        detail: `The file decompresses to more than the upload limit of ${maxBytes} bytes.`,
        code: 'payload_too_large',
      });
    throw fieldError('file', `The file starts like gzip but cannot be decompressed (${(err as Error).message}).`);
  }
}

/**
 * A file's rounds chained into interval samples, `roundsPerSlice` rounds at a time in time order, each slice from the
 * newest round of the one before: the same samples as chaining them all at once. A file is self-contained (it may be
 * old): it neither chains from nor moves the collector's live state.
 */
export async function chainFileRounds(measurements: readonly RawMeasurement[], roundsPerSlice = FILE_SLICE_ROUNDS) {
  const byTimestamp = new Map<number, RawMeasurement[]>();
  for (const m of measurements) {
    const round = byTimestamp.get(m.timestamp);
    if (round) round.push(m);
    else byTimestamp.set(m.timestamp, [m]);
  }
  const stamps = [...byTimestamp.keys()].sort((a, b) => a - b);
  const step = Math.max(1, Math.floor(roundsPerSlice) || 1);
  const samples: MetricSample[] = [];
  const timestamps: number[] = [];
  let unparseable = 0;
  let previous: StoredRound | undefined;
  for (let i = 0; i < stamps.length; i += step) {
    const slice = stamps.slice(i, i + step).flatMap((t) => byTimestamp.get(t) ?? []);
    const prepared = prepareRounds(slice, () => true);
    const chained = chainPrepared(prepared, previous);
    for (const sample of chained.samples) samples.push(sample);
    for (const t of prepared.timestamps) timestamps.push(t);
    unparseable += prepared.unparseable;
    previous = chained.last ?? previous;
    await nextTurn();
  }
  return { samples, timestamps, unparseable };
}

/**
 * A pcc collection (NDJSON of {timestamp, subsystem, measurement}) or a portal CSV → samples, a slice at a time. A file
 * in neither format, or with no usable record at all, is a 400 naming what was expected.
 */
export async function parseCollectionFile(text: string, accept: (timestamp: number) => boolean): Promise<ParsedFile> {
  // The first line with something on it says which format the file is in.
  const firstLine =
    text
      .slice(0, 4096)
      .split('\n')
      .find((line) => line.trim() !== '') ?? '';
  if (isPortalCsvHeader(firstLine)) {
    const reader = new PortalCsvReader();
    for (const slice of lineSlices(text, COLLECTION_SLICE_CHARS)) {
      reader.add(slice);
      await nextTurn();
    }
    const { samples, rejected } = reader.finish();
    if (samples.length === 0) throw fieldError('file', 'The portal CSV has a header but no valid data row.');
    const kept = samples.filter((s) => accept(s.timestamp));
    return {
      kind: 'portal-csv',
      samples: kept,
      records: samples.length,
      skipped: rejected,
      outOfRange: samples.length - kept.length,
      problems: rejected
        ? [`${plural(rejected, 'row has', 'rows have')} a wrong column count or a value that is not a number.`]
        : [],
      start: samples[0]?.timestamp,
      end: samples[samples.length - 1]?.timestamp,
    };
  }
  if (!/^\s*\{/.test(firstLine))
    throw fieldError(
      'file',
      'Not a pcc collection (NDJSON lines {"timestamp","subsystem","measurement"}, optionally gzip) ' +
        'nor a portal CSV (header "timestamp,cpu_user,cpu_system,…").',
    );
  const measurements: RawMeasurement[] = [];
  let rejectedLines = 0;
  for (const slice of collectionSlices(text)) {
    for (const m of slice.measurements) measurements.push(m);
    rejectedLines += slice.rejectedLines;
    await nextTurn();
  }
  if (measurements.length === 0)
    throw fieldError(
      'file',
      `No line of the collection is a {"timestamp": <epoch seconds>, "subsystem", "measurement"} object (${rejectedLines} rejected).`,
    );
  const chained = await chainFileRounds(measurements);
  if (chained.timestamps.length === 0)
    throw fieldError('file', `None of the ${chained.unparseable} rounds holds a parsable /proc measurement.`);
  const all = chained.timestamps;
  const problems: string[] = [];
  if (rejectedLines)
    problems.push(
      `${plural(rejectedLines, 'line is not', 'lines are not')} a {"timestamp", "subsystem", "measurement"} object.`,
    );
  if (chained.unparseable)
    problems.push(`${plural(chained.unparseable, 'round holds', 'rounds hold')} no parsable /proc measurement.`);
  return {
    kind: 'collection',
    samples: chained.samples.filter((s) => accept(s.timestamp)),
    records: all.length,
    skipped: chained.unparseable + rejectedLines,
    outOfRange: all.filter((ts) => !accept(ts)).length,
    problems,
    start: all[0],
    end: all[all.length - 1],
  };
}
