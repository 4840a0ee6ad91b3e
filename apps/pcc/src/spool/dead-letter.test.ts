import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirs } from '../testing/temp-dirs.ts';
import { countDeadLetters, writeDeadLetter } from './dead-letter.ts';

const freshDir = tempDirs('pcc-dead-');
function deadLetterFile(): string {
  const dir = freshDir();
  return join(dir, 'dead-letter.ndjson');
}

/** A batch of `n` samples of ≈ 100 bytes each. */
const batch = (id: number, n = 5) => ({
  batchId: `batch-${id}`,
  lines: Array.from({ length: n }, (_, i) => JSON.stringify({ timestamp: id * 100 + i, pad: 'x'.repeat(70) })),
});
const batchIds = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { batch_id: string }).batch_id);

describe('dead-letter file', () => {
  it('appends each refused batch with its reason while under the bound', () => {
    const file = deadLetterFile();
    expect(writeDeadLetter(file, batch(1), 400, 'bad sample', 10_000)).toBe(0);
    expect(writeDeadLetter(file, batch(2), 422, 'worse', 10_000)).toBe(0);
    expect(countDeadLetters(file)).toEqual({ batches: 2, samples: 10 });
    expect(JSON.parse(readFileSync(file, 'utf8').split('\n')[1] ?? '')).toMatchObject({
      batch_id: 'batch-2',
      status: 422,
      reason: 'worse',
    });
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('stays within its bound however many batches are refused: the oldest go, and their samples are counted', () => {
    const file = deadLetterFile();
    const bound = 4_000; // ≈ 6 batches of 5 samples
    let dropped = 0;
    for (let id = 1; id <= 40; id++) {
      dropped += writeDeadLetter(file, batch(id), 400, 'refused', bound);
      expect(statSync(file).size).toBeLessThanOrEqual(bound);
    }
    const kept = countDeadLetters(file);
    expect(kept.samples + dropped).toBe(40 * 5);
    expect(dropped).toBeGreaterThan(0);
    const ids = batchIds(file);
    expect(ids.at(-1)).toBe('batch-40');
    // The newest, in order, with nothing torn.
    expect(ids).toEqual(Array.from({ length: ids.length }, (_, i) => `batch-${41 - ids.length + i}`));
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('drops a batch that alone is larger than the bound, and says so, keeping the others', () => {
    const file = deadLetterFile();
    writeDeadLetter(file, batch(1), 400, 'refused', 4_000);
    expect(writeDeadLetter(file, batch(2, 100), 400, 'refused', 4_000)).toBe(100);
    expect(batchIds(file)).toEqual(['batch-1']);
  });
});
