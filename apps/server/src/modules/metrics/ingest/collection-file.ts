import { promisify } from 'node:util';
import { constants, gunzip } from 'node:zlib';
import type { MetricSample } from '@xat/contracts';
import { parseCollection } from '@xat/procfs';
import { ApiError, fieldError } from '../../../http/errors.ts';
import { isPortalCsvHeader, parsePortalCsv } from './portal-csv.ts';
import { chainRounds } from './raw-rounds.ts';

const gunzipAsync = promisify(gunzip);

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
 * A pcc collection (NDJSON of {timestamp, subsystem, measurement}) or a portal CSV → samples. A file in neither format,
 * or with no usable record at all, is a 400 naming what was expected.
 */
export function parseCollectionFile(text: string, accept: (timestamp: number) => boolean): ParsedFile {
  const firstLine = text.slice(0, 4096).split('\n', 1)[0] ?? '';
  if (isPortalCsvHeader(firstLine)) {
    const { samples, rejected } = parsePortalCsv(text);
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
  const { measurements, rejectedLines } = parseCollection(text);
  if (measurements.length === 0)
    throw fieldError(
      'file',
      `No line of the collection is a {"timestamp": <epoch seconds>, "subsystem", "measurement"} object (${rejectedLines} rejected).`,
    );
  // A file is self-contained (it may be old): it neither chains from nor moves the collector's live state.
  const chained = chainRounds(measurements, undefined, () => true);
  if (chained.accepted === 0)
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
    records: chained.accepted,
    skipped: chained.unparseable + rejectedLines,
    outOfRange: all.filter((ts) => !accept(ts)).length,
    problems,
    start: all[0],
    end: all[all.length - 1],
  };
}
