import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, type ReadStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { UUID } from '../../lib/uuid.ts';

// Uploaded files live at DATA_DIR/uploads/<tenant id>/<data id>: names we made, never the client's,
// so no client input reaches a path.

function tenantDir(dataDir: string, tenantId: string): string {
  if (!UUID.test(tenantId)) throw new Error(`not a tenant id: ${tenantId}`);
  return join(dataDir, 'uploads', tenantId.toLowerCase());
}

export function storedFilePath(dataDir: string, tenantId: string, id: string): string {
  if (!UUID.test(id)) throw new Error(`not a data id: ${id}`);
  return join(tenantDir(dataDir, tenantId), id.toLowerCase());
}

/**
 * Writes the stream, through `through` when given, to a temporary file in the tenant's directory (same file system,
 * so it can be renamed).
 */
export async function writeTempFile(
  dataDir: string,
  tenantId: string,
  source: Readable,
  through?: Transform,
): Promise<{ tempPath: string; size: number }> {
  const dir = tenantDir(dataDir, tenantId);
  await mkdir(dir, { recursive: true });
  const tempPath = join(dir, `.upload-${randomUUID()}.part`);
  const sink = createWriteStream(tempPath, { flags: 'wx', mode: 0o600 });
  try {
    await (through ? pipeline(source, through, sink) : pipeline(source, sink));
    return { tempPath, size: (await stat(tempPath)).size };
  } catch (err) {
    await discardFile(tempPath);
    throw err;
  }
}

/** Moves a finished temporary file to its permanent name. */
export async function commitFile(dataDir: string, tenantId: string, tempPath: string, id: string): Promise<void> {
  await rename(tempPath, storedFilePath(dataDir, tenantId, id));
}

export async function discardFile(path: string): Promise<void> {
  await rm(path, { force: true });
}

export async function deleteStoredFile(dataDir: string, tenantId: string, id: string): Promise<void> {
  await discardFile(storedFilePath(dataDir, tenantId, id));
}

/** The stored file as a stream with its size, or undefined when it is missing. */
export async function openStoredFile(
  dataDir: string,
  tenantId: string,
  id: string,
): Promise<{ stream: ReadStream; size: number } | undefined> {
  const path = storedFilePath(dataDir, tenantId, id);
  try {
    const { size } = await stat(path);
    return { stream: createReadStream(path), size };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
