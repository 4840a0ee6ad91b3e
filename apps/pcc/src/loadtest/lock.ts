import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Host-wide, whatever the data dir: two load tests (or benchmark suites) on one host would each measure half a machine. */
export const loadTestLockFile = () => join(tmpdir(), 'pcc-loadtest.lock');

/**
 * A host-wide lock file holding the owner's pid: a second load test would halve both results, so it refuses. A lock
 * left by a process that no longer exists (killed, crashed) is taken over.
 */
export function acquireLock(file: string): { release(): void } | { heldBy: number } {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o644);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return { release: () => rmSync(file, { force: true }) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(readText(file).trim());
      if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) return { heldBy: pid };
      rmSync(file, { force: true });
    }
  }
  return { heldBy: 0 };
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
