import { appendFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirs } from '../testing/temp-dirs.ts';
import { Spool } from './spool.ts';

const freshDir = tempDirs('pcc-spool-');
const sample = (t: number) => ({ timestamp: t, host: { cpu_busy: t % 100 }, pad: 'x'.repeat(150) });
const timestamps = (lines: string[]) => lines.map((l) => (JSON.parse(l) as { timestamp: number }).timestamp);

describe('Spool', () => {
  it('hands out samples in order and forgets them once resolved', () => {
    const spool = new Spool({ dir: freshDir(), sync: false });
    for (let t = 1; t <= 5; t++) spool.append(sample(t));
    expect(spool.pending).toBe(5);
    const batch = spool.nextBatch(10);
    expect(batch?.seqs).toEqual([1, 2, 3, 4, 5]);
    expect(timestamps(batch?.lines ?? [])).toEqual([1, 2, 3, 4, 5]);
    spool.resolve(batch?.seqs ?? []);
    expect(spool.pending).toBe(0);
    expect(spool.nextBatch(10)).toBeUndefined();
  });

  it('after a backlog, sends the newest first, then backfills from the oldest', () => {
    const spool = new Spool({ dir: freshDir(), sync: false });
    for (let t = 1; t <= 12; t++) spool.append(sample(t));
    const order: number[][] = [];
    for (let b = spool.nextBatch(4); b; b = spool.nextBatch(4)) {
      order.push(timestamps(b.lines));
      spool.resolve(b.seqs);
      if (order.length === 1) spool.append(sample(13)); // arrives during the backfill: goes before the rest
    }
    expect(order).toEqual([[9, 10, 11, 12], [13], [1, 2, 3, 4], [5, 6, 7, 8]]);
  });

  it('survives a restart: same identity, same pending samples, seqs continue', () => {
    const dir = freshDir();
    const first = new Spool({ dir, sync: false });
    for (let t = 1; t <= 6; t++) first.append(sample(t));
    first.resolve([1, 2, 3]);
    first.close();
    const second = new Spool({ dir, sync: false });
    expect(second.instance).toBe(first.instance);
    expect(second.pending).toBe(3);
    expect(second.append(sample(7))).toBe(7);
    expect(timestamps(second.nextBatch(10)?.lines ?? [])).toEqual([4, 5, 6, 7]);
  });

  it('cuts off a line torn by a crash and keeps appending cleanly', () => {
    const dir = freshDir();
    const spool = new Spool({ dir, sync: false });
    spool.append(sample(1));
    spool.close();
    const segment = readdirSync(dir).find((n) => n.endsWith('.ndjson')) as string;
    appendFileSync(join(dir, segment), '{"timestamp":2,"host":{"cpu_bu');
    const reopened = new Spool({ dir, sync: false });
    expect(reopened.pending).toBe(1);
    reopened.append(sample(3));
    expect(timestamps(reopened.nextBatch(10)?.lines ?? [])).toEqual([1, 3]);
  });

  it('stays under its size bound, dropping the oldest unsent samples and counting them', () => {
    const dir = freshDir();
    const spool = new Spool({ dir, sync: false, maxBytes: 20_000, segmentBytes: 4_000 });
    for (let t = 1; t <= 300; t++) spool.append(sample(t));
    expect(spool.bytes).toBeLessThanOrEqual(20_000);
    expect(spool.dropped).toBeGreaterThan(0);
    expect(spool.pending + spool.dropped).toBe(300);
    // What is left is the newest stretch, without holes.
    const left: number[] = [];
    for (let b = spool.nextBatch(1000); b; b = spool.nextBatch(1000)) {
      left.push(...timestamps(b.lines));
      spool.resolve(b.seqs, spool.dropped);
    }
    expect(left.sort((a, b) => a - b)).toEqual(Array.from({ length: left.length }, (_, i) => 301 - left.length + i));
    expect(spool.dropped).toBe(0);
  });

  it('deletes segments once every sample in them is resolved', () => {
    const dir = freshDir();
    const spool = new Spool({ dir, sync: false, maxBytes: 1e6, segmentBytes: 1_000 });
    for (let t = 1; t <= 40; t++) spool.append(sample(t));
    expect(readdirSync(dir).filter((n) => n.endsWith('.ndjson')).length).toBeGreaterThan(3);
    for (let b = spool.nextBatch(7); b; b = spool.nextBatch(7)) spool.resolve(b.seqs);
    expect(readdirSync(dir).filter((n) => n.endsWith('.ndjson')).length).toBe(1);
    expect(spool.pending).toBe(0);
  });

  it('inspects read-only without creating anything', () => {
    const dir = join(freshDir(), 'absent');
    const spool = new Spool({ dir, readOnly: true });
    expect(spool.pending).toBe(0);
    expect(() => readdirSync(dir)).toThrow();
  });
});
