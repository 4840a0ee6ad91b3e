import { appendFileSync, existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';

/** One batch the server refused for good (a 4xx other than 408/413/429), with why, so nothing is silently lost. */
export interface DeadLetter {
  time: string;
  batch_id: string;
  status: number;
  reason: string;
  samples: unknown[];
}

/** The dead-letter file's bound (its oldest batches go first): a host whose every batch is refused fills no disk. */
export const DEAD_LETTER_MAX_BYTES = 16 * 1024 * 1024;

/**
 * Appends a refused batch to the dead-letter file (NDJSON, one batch per line). Past `maxBytes` the oldest batches
 * are dropped until the file is down to three quarters of it (room for the next few without a rewrite each time), by
 * writing a new file and renaming it over the old one. Returns the samples dropped that way, for the agent to report.
 */
export function writeDeadLetter(
  file: string,
  batch: { batchId: string; lines: readonly string[] },
  status: number,
  reason: string,
  maxBytes = DEAD_LETTER_MAX_BYTES,
): number {
  const samples = `[${batch.lines.join(',')}]`;
  const head = JSON.stringify({ time: new Date().toISOString(), batch_id: batch.batchId, status, reason });
  const line = `${head.slice(0, -1)},"samples":${samples}}\n`;
  const size = existsSync(file) ? statSync(file).size : 0;
  if (size + Buffer.byteLength(line) <= maxBytes) {
    appendFileSync(file, line, { mode: 0o600 });
    return 0;
  }
  let room = Math.floor(maxBytes * 0.75);
  // One batch larger than that on its own is the one that goes; the file keeps what it has.
  if (Buffer.byteLength(line) > room) return batch.lines.length;
  const letters = size > 0 ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
  letters.push(line.slice(0, -1));
  let kept = letters.length;
  while (kept > 0 && room >= Buffer.byteLength(letters[kept - 1] ?? '') + 1) {
    room -= Buffer.byteLength(letters[kept - 1] ?? '') + 1;
    kept--;
  }
  // letters[kept…] are the newest that fit; the older ones go.
  const dropped = letters.slice(0, kept).reduce((sum, letter) => sum + samplesIn(letter), 0);
  const rest = letters.slice(kept);
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, rest.length ? `${rest.join('\n')}\n` : '', { mode: 0o600 });
  renameSync(temp, file);
  return dropped;
}

/** The samples of one dead letter (0 for a torn line). */
function samplesIn(letter: string): number {
  try {
    const entry = JSON.parse(letter) as Partial<DeadLetter>;
    return Array.isArray(entry.samples) ? entry.samples.length : 0;
  } catch {
    return 0;
  }
}

/** Batches and samples in the dead-letter file (for `pcc status`). */
export function countDeadLetters(file: string): { batches: number; samples: number } {
  if (!existsSync(file)) return { batches: 0, samples: 0 };
  let batches = 0;
  let samples = 0;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    batches++; // a torn last line still counts as a batch
    samples += samplesIn(line);
  }
  return { batches, samples };
}
