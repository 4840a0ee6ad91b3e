import { readFile } from 'node:fs/promises';
import type { Db } from '../../../db/client.ts';
import { ApiError, throttled } from '../../../http/errors.ts';
import { TurnQueue } from '../../../http/turn-queue.ts';
import { touchCollector } from '../../collectors/collectors.queries.ts';
import { type CollectedDataRow, deleteCollectedData, updateCollectedDataSummary } from '../../data/data.queries.ts';
import { deleteStoredFile, discardFile } from '../../data/file-store.ts';
import { type ReceivedUpload, saveUpload } from '../../data/upload.ts';
import { deleteRecordingWithSeries } from '../../recordings/recording-series.ts';
import { insertUploadRecording } from '../../recordings/upload-recording.ts';
import { decodeFile, type ParsedFile, parseCollectionFile } from './collection-file.ts';
import { recordingRange, storeSamples } from './ingest.service.ts';
import { isStorable } from './sample-screen.ts';

export interface FileOutcome {
  row: CollectedDataRow;
  /** The recording the file's series make; undefined when none of its samples could be stored. */
  recordingId: string | undefined;
  written: number;
  skipped: number;
  outOfRange: number;
  /** Why anything was not stored, one line per reason. */
  messages: string[];
}

/**
 * Files read at once in this process: a 100 MB collection takes several times its size in memory while it becomes
 * samples, so two at a time, one per tenant; the others wait their turn (the file on disk), up to 64 (then 429).
 */
export const FILE_TURNS = new TurnQueue(2, 1, 64);

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** Reads the file as a collection; for `keepAnyFile`, a file that is none gives its reason instead of a 400. */
async function parseUpload(upload: ReceivedUpload, maxBytes: number, keepAnyFile: boolean) {
  try {
    const text = await decodeFile(await readFile(upload.tempPath), maxBytes);
    return { parsed: await parseCollectionFile(text, recordingRange().contains) };
  } catch (err) {
    const reason = err instanceof ApiError ? (err.body.file ?? err.body.detail) : undefined;
    if (!keepAnyFile || reason === undefined) throw err;
    const text = Array.isArray(reason) ? reason.join(' ') : String(reason);
    return { notCollection: `Kept as a file, no series: ${text}` };
  }
}

/**
 * An uploaded file: parsed first (for the agents, an unusable file is refused and not kept; with `keepAnyFile`, the
 * people's upload, any file is kept and `messages` says why it gave no series), then kept as collected data. Its
 * series are a recording (source upload), kept whatever their age, with their own timestamps: the recording is made
 * before the samples are stored (maintenance then sees them inside it). If storing the series fails, the file and
 * the recording go too, so the agent's retry does not leave a twin behind. All of it in the tenant's turn (FILE_TURNS).
 */
export async function ingestCollectionFile(
  db: Db,
  opts: { dataDir: string; maxBytes: number; keepAnyFile?: boolean },
  tenantId: string,
  collectorId: string,
  upload: ReceivedUpload,
): Promise<FileOutcome> {
  let started = false;
  try {
    return await FILE_TURNS.run(
      tenantId,
      () => {
        started = true;
        return readAndStore(db, opts, tenantId, collectorId, upload);
      },
      () => throttled(5, 'Other large files are being read just now. Send this one again after Retry-After.'),
    );
  } finally {
    if (!started) await discardFile(upload.tempPath);
  }
}

async function readAndStore(
  db: Db,
  opts: { dataDir: string; maxBytes: number; keepAnyFile?: boolean },
  tenantId: string,
  collectorId: string,
  upload: ReceivedUpload,
): Promise<FileOutcome> {
  let read: Awaited<ReturnType<typeof parseUpload>>;
  try {
    read = await parseUpload(upload, opts.maxBytes, opts.keepAnyFile ?? false);
  } catch (err) {
    await discardFile(upload.tempPath);
    throw err;
  }
  const row = await saveUpload(db, opts.dataDir, tenantId, collectorId, upload);
  if (!read.parsed)
    return { row, recordingId: undefined, written: 0, skipped: 0, outOfRange: 0, messages: [read.notCollection] };
  const parsed: ParsedFile = read.parsed;
  const samples = parsed.samples.filter(isStorable);
  let recordingId: string | undefined;
  let written: number;
  let duplicates: number;
  try {
    recordingId = await insertUploadRecording(db, tenantId, {
      collectorId,
      dataId: row.id,
      name: upload.description.trim() || upload.fileName,
      samples,
    });
    ({ written, duplicates } = await storeSamples(db, tenantId, collectorId, samples));
    await updateCollectedDataSummary(db, tenantId, row.id, {
      rowCount: parsed.records,
      dataStart: parsed.start === undefined ? null : new Date(parsed.start * 1000),
      dataEnd: parsed.end === undefined ? null : new Date(parsed.end * 1000),
    });
  } catch (err) {
    if (recordingId) await deleteRecordingWithSeries(db, tenantId, recordingId).catch(() => undefined);
    await deleteCollectedData(db, tenantId, row.id).catch(() => undefined);
    await deleteStoredFile(opts.dataDir, tenantId, row.id).catch(() => undefined);
    throw err;
  }
  await touchCollector(db, tenantId, collectorId);
  const beyondBounds = parsed.samples.length - samples.length;
  const messages = [...parsed.problems];
  if (beyondBounds > 0)
    messages.push(`${plural(beyondBounds, 'interval comes', 'intervals come')} out with a value beyond its bounds.`);
  if (parsed.outOfRange > 0)
    messages.push(
      `${plural(parsed.outOfRange, 'round or row is', 'rounds or rows are')} outside the accepted time range ` +
        `(${recordingRange().describe()}).`,
    );
  if (duplicates > 0)
    messages.push(
      `${plural(duplicates, 'sample was', 'samples were')} already stored for this server at the same time ` +
        '(kept as they were; the recording holds them).',
    );
  if (!recordingId) messages.push('No sample of the file could be stored: no recording was made.');
  return { row, recordingId, written, skipped: parsed.skipped + beyondBounds, outOfRange: parsed.outOfRange, messages };
}
