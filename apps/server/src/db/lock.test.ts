import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeHolder, tryLockFile } from './lock.ts';

const dir = mkdtempSync(join(tmpdir(), 'xat-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('data directory lock', () => {
  it('is held by one opener at a time, names its holder, and is free again once released', () => {
    const file = join(dir, 'a.lock');
    const first = tryLockFile(file);
    expect(first).toBeDefined();
    // A second open file, even in the same process, is refused: the lock belongs to the open file, not the process.
    expect(tryLockFile(file)).toBeUndefined();
    expect(readFileSync(file, 'utf8').trim()).toBe(String(process.pid));
    expect(describeHolder(file)).toBe(`pid ${process.pid}`);
    first?.release();
    const again = tryLockFile(file);
    expect(again).toBeDefined();
    again?.release();
  });

  it('replaces the empty lock directory an earlier build may have left behind', () => {
    const file = join(dir, 'old.lock');
    mkdirSync(file);
    const lock = tryLockFile(file);
    expect(lock).toBeDefined();
    lock?.release();
  });
});
