import { appendFileSync, existsSync, readFileSync } from 'node:fs';

/** One batch the server refused for good (a 4xx other than 408/413/429), with why, so nothing is silently lost. */
export interface DeadLetter {
  time: string;
  batch_id: string;
  status: number;
  reason: string;
  samples: unknown[];
}

/** Appends a refused batch to the dead-letter file (NDJSON, one batch per line). */
export function writeDeadLetter(
  file: string,
  batch: { batchId: string; lines: readonly string[] },
  status: number,
  reason: string,
): void {
  const samples = `[${batch.lines.join(',')}]`;
  const head = JSON.stringify({ time: new Date().toISOString(), batch_id: batch.batchId, status, reason });
  appendFileSync(file, `${head.slice(0, -1)},"samples":${samples}}\n`, { mode: 0o600 });
}

/** Batches and samples in the dead-letter file (for `pcc status`). */
export function countDeadLetters(file: string): { batches: number; samples: number } {
  if (!existsSync(file)) return { batches: 0, samples: 0 };
  let batches = 0;
  let samples = 0;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    batches++;
    try {
      const entry = JSON.parse(line) as Partial<DeadLetter>;
      samples += Array.isArray(entry.samples) ? entry.samples.length : 0;
    } catch {
      // a torn last line still counts as a batch
    }
  }
  return { batches, samples };
}
