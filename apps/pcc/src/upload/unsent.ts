/**
 * A result the server did not take, kept as a JSON file: a load test or a benchmark run took minutes to measure.
 * In the data dir, else the temp dir (the default /var/lib/pcc is not writable for everyone); the reason and the
 * place go to stderr.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface UnsentIo {
  dataDir: string;
  err: (text: string) => void;
}

/** `<prefix>-<started_at, file-name safe>.json`, e.g. `bench-2025-05-01T14-03-00-000Z.json`. */
export const unsentFileName = (prefix: string, startedAt: string) =>
  `${prefix}-${startedAt.replace(/[:.]/g, '-')}.json`;

/** Writes `value` where it can, says why and where; the file's path, or undefined when nowhere was writable. */
export function saveUnsent(io: UnsentIo, name: string, value: unknown, why: string): string | undefined {
  for (const dir of [io.dataDir, tmpdir()]) {
    try {
      mkdirSync(dir, { recursive: true });
      const file = join(dir, name);
      writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
      io.err(`${why}\nThe result is saved in ${file}.\n`);
      return file;
    } catch {
      // try the next place
    }
  }
  io.err(`${why}\n`);
  return undefined;
}
