import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import type { MetricSeries } from '@xat/contracts';
import { collectionSlices, type RawMeasurement } from '@xat/procfs';
import { strToU8, Zip, ZipDeflate } from 'fflate';
import type { Db } from '../../../db/client.ts';
import { storedFilePath } from '../../data/file-store.ts';
import { listCollectedDataForRange } from './metrics-query.queries.ts';
import type { Range } from './time-range.ts';

const gunzipAsync = promisify(gunzip);
const ROWS_PER_CHUNK = 2000;

const isoSeconds = (t: number) => new Date(t * 1000).toISOString().replace('.000Z', 'Z');

/** CSV of a series: `timestamp,<fields…>`, ISO-8601 UTC timestamps, empty cells for gaps; yielded in chunks. */
export function* csvChunks(series: MetricSeries, fields: readonly string[]): Generator<string> {
  yield `timestamp,${fields.join(',')}\n`;
  const columns = fields.map((f) => series.series[f] ?? []);
  let chunk = '';
  for (let i = 0; i < series.timestamps.length; i++) {
    chunk += isoSeconds(series.timestamps[i] ?? 0);
    for (const column of columns) {
      const v = column[i];
      chunk += v === null || v === undefined ? ',' : `,${v}`;
    }
    chunk += '\n';
    if ((i + 1) % ROWS_PER_CHUNK === 0) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

/** A file name safe in any header: the collector's name reduced to [A-Za-z0-9._-], then the range. */
export function exportFileName(collectorName: string, range: Range, extension: string): string {
  const name = collectorName.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '') || 'collector';
  const stamp = (t: number) => isoSeconds(t).replace(/[-:]/g, '');
  return `${name}-${stamp(range.from)}-${stamp(range.to)}.${extension}`;
}

async function readCollection(path: string): Promise<string | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = await gunzipAsync(bytes);
    } catch {
      return undefined; // a damaged archive holds no rounds we can use
    }
  }
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) return undefined; // a zip: not a raw collection
  return bytes.toString('utf8');
}

/**
 * The raw rounds in [from, to] from the collector's uploaded collections (NDJSON, optionally gzip; other uploads,
 * such as portal CSVs, hold none). Files are concatenated in the order of their first round in range; a
 * (timestamp, subsystem) already taken from an earlier file is skipped, so overlapping uploads count once. Inside a
 * file the order is kept, so one upload gives exactly what pcprocess gives on it.
 */
export async function readRawRounds(
  db: Db,
  dataDir: string,
  tenantId: string,
  collectorId: string,
  range: Range,
): Promise<RawMeasurement[]> {
  const files: RawMeasurement[][] = [];
  for (const { id } of await listCollectedDataForRange(db, tenantId, collectorId, range)) {
    const text = await readCollection(storedFilePath(dataDir, tenantId, id));
    if (text === undefined) continue;
    // A slice of the file at a time, letting other requests run between slices.
    const inRange: RawMeasurement[] = [];
    for (const slice of collectionSlices(text)) {
      for (const m of slice.measurements) if (m.timestamp >= range.from && m.timestamp <= range.to) inRange.push(m);
      await nextTurn();
    }
    if (inRange.length) files.push(inRange);
  }
  const firstOf = (f: RawMeasurement[]) => f.reduce((min, m) => Math.min(min, m.timestamp), Number.POSITIVE_INFINITY);
  files.sort((a, b) => firstOf(a) - firstOf(b));
  const taken = new Set<string>();
  const rounds: RawMeasurement[] = [];
  for (const file of files) {
    const keys = new Set<string>();
    for (const m of file) {
      const key = `${m.timestamp}\u0000${m.subsystem}`;
      if (taken.has(key)) continue;
      keys.add(key);
      rounds.push(m);
    }
    for (const key of keys) taken.add(key);
  }
  return rounds;
}

/** A zip of the files (path → content), produced one file at a time as the stream is read. */
export function zipStream(files: ReadonlyMap<string, string>): Readable {
  async function* chunks(): AsyncGenerator<Uint8Array> {
    const ready: Uint8Array[] = [];
    let failure: Error | null = null;
    const zip = new Zip((err, chunk) => {
      if (err) failure = err;
      else ready.push(chunk);
    });
    for (const [path, content] of files) {
      const entry = new ZipDeflate(path, { level: 6 });
      zip.add(entry);
      entry.push(strToU8(content), true);
      if (failure) throw failure;
      yield* ready.splice(0);
    }
    zip.end();
    if (failure) throw failure;
    yield* ready.splice(0);
  }
  return Readable.from(chunks());
}
