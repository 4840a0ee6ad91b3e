import { randomUUID } from 'node:crypto';
import { type Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyRequest } from 'fastify';
import type { Db } from '../../db/client.ts';
import { isForeignKeyViolation } from '../../db/errors.ts';
import { ApiError, fieldErrors, notFound } from '../../http/errors.ts';
import { ContentCheck, checkingStream } from './content-check.ts';
import { insertCollectedData } from './data.queries.ts';
import { commitFile, deleteStoredFile, discardFile, writeTempFile } from './file-store.ts';

export interface UploadOptions {
  dataDir: string;
  tenantId: string;
  maxBytes: number;
  /** Lower-case extensions without the dot; undefined accepts any name. */
  allowedExtensions?: readonly string[];
  /**
   * Refuse a file whose content does not match its extension (content-check.ts). Not for the agents' upload: it
   * sniffs what it gets (a gzipped collection may be named .json) and says itself what it cannot read.
   */
  checkContent?: boolean;
}

export interface ReceivedUpload {
  tempPath: string;
  fileName: string;
  size: number;
  description: string;
}

const MAX_NAME = 255;
const MAX_DESCRIPTION = 200;
// Control characters and the bidirectional overrides that can make "exe.csv" display as "vsc.exe".
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point: they are stripped
const UNSAFE_CHARS = /[\u0000-\u001f\u007f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** The client's file name reduced to a display name: no directories, no control characters, ≤255 characters. */
export function sanitizeFileName(raw: string | undefined): string {
  const base = (raw ?? '').split(/[/\\]/).pop() ?? '';
  const clean = base.replace(UNSAFE_CHARS, '').trim();
  if (clean === '' || clean === '.' || clean === '..') return 'upload';
  const chars = Array.from(clean);
  if (chars.length <= MAX_NAME) return clean;
  const ext = extensionOf(clean);
  const keep = ext && ext.length < 16 ? `.${ext}` : '';
  return chars.slice(0, MAX_NAME - keep.length).join('') + keep;
}

/** Like Python's Path.suffix: "a.tar.gz" → "gz", ".bashrc" → "", "notes" → "". */
export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

function formatBytes(n: number): string {
  if (n % 1024 ** 2 === 0) return `${n / 1024 ** 2} MiB`;
  if (n % 1e6 === 0) return `${n / 1e6} MB`;
  if (n % 1024 === 0) return `${n / 1024} KiB`;
  if (n % 1e3 === 0) return `${n / 1e3} kB`;
  return `${n} bytes`;
}

const tooLarge = (maxBytes: number) =>
  new ApiError(413, {
    detail: `The file is larger than the upload limit of ${formatBytes(maxBytes)}.`,
    code: 'payload_too_large',
  });

const drain = (stream: Readable) =>
  pipeline(
    stream,
    new Writable({
      write(_chunk, _encoding, callback) {
        callback();
      },
    }),
  );

/**
 * Reads a multipart request's `file` part into a temporary file and its `description` field.
 * Anything wrong (no file, extension, size, description) throws after removing what was written.
 */
export async function receiveUpload(request: FastifyRequest, opts: UploadOptions): Promise<ReceivedUpload> {
  if (!request.isMultipart()) throw fieldErrors({ file: ['No file was submitted.'] });
  const errors: Record<string, string[]> = {};
  let temp: { tempPath: string; size: number } | undefined;
  let fileName = '';
  let description = '';
  try {
    for await (const part of request.parts()) {
      if (part.type === 'field') {
        if (part.fieldname === 'description' && typeof part.value === 'string') description = part.value;
        continue;
      }
      if (part.fieldname !== 'file' || temp || errors.file) {
        await drain(part.file);
        continue;
      }
      fileName = sanitizeFileName(part.filename);
      const ext = extensionOf(fileName);
      if (opts.allowedExtensions && !opts.allowedExtensions.includes(ext)) {
        const allowed = opts.allowedExtensions.join(', ');
        errors.file = [`File extension “${ext}” is not allowed. Allowed extensions are: ${allowed}.`];
        await drain(part.file);
        continue;
      }
      const check = opts.checkContent ? ContentCheck.forExtension(ext) : undefined;
      temp = await writeTempFile(opts.dataDir, opts.tenantId, part.file, check && checkingStream(check));
      if (part.file.truncated) throw tooLarge(opts.maxBytes);
      const mismatch = check?.finish();
      if (mismatch) errors.file = [mismatch];
    }
  } catch (err) {
    if (temp) await discardFile(temp.tempPath);
    const code = (err as { code?: unknown }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge(opts.maxBytes);
    if (code === 'FST_FILES_LIMIT') throw fieldErrors({ file: ['Send one file per request.'] });
    throw err;
  }
  if (Array.from(description).length > MAX_DESCRIPTION)
    errors.description = [`Ensure this field has no more than ${MAX_DESCRIPTION} characters.`];
  if (!temp && !errors.file) errors.file = ['No file was submitted.'];
  // A refused file may have stopped being written early: only what was received tells it was empty.
  if (temp?.size === 0 && !errors.file) errors.file = ['The submitted file is empty.'];
  if (!temp || Object.keys(errors).length > 0) {
    if (temp) await discardFile(temp.tempPath);
    throw fieldErrors(errors);
  }
  return { tempPath: temp.tempPath, size: temp.size, fileName, description };
}

/** Gives the received file its permanent name and records it; a collector deleted meanwhile → 404. */
export async function saveUpload(
  db: Db,
  dataDir: string,
  tenantId: string,
  collectorId: string,
  upload: ReceivedUpload,
) {
  const id = randomUUID();
  try {
    await commitFile(dataDir, tenantId, upload.tempPath, id);
  } catch (err) {
    await discardFile(upload.tempPath);
    throw err;
  }
  try {
    return await insertCollectedData(db, tenantId, {
      id,
      collectorId,
      description: upload.description,
      fileName: upload.fileName,
      fileSize: upload.size,
    });
  } catch (err) {
    await deleteStoredFile(dataDir, tenantId, id);
    if (isForeignKeyViolation(err)) throw notFound('Collector not found.');
    throw err;
  }
}
