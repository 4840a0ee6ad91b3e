import { closeSync, ftruncateSync, openSync, readFileSync, rmdirSync, statSync, writeSync } from 'node:fs';
import { tryLock, unlock } from 'fs-native-extensions';

/**
 * One process at a time on a data directory: an exclusive lock held by the kernel on an open file (Linux: an
 * open-file-description fcntl lock), not a timestamp that must be refreshed. A live process keeps it however long it
 * is paused (SIGSTOP, a frozen VM); when the process dies, however it dies (kill -9 too), the kernel releases it at
 * once, so a restart never waits or guesses.
 */
export interface DirLock {
  release(): void;
}

/** Takes the lock on `file` (created if missing) and records our pid in it; undefined when another process holds it. */
export function tryLockFile(file: string): DirLock | undefined {
  // Earlier builds locked with a directory of this name (proper-lockfile's mkdir); one left by a crash is empty.
  if (statSync(file, { throwIfNoEntry: false })?.isDirectory()) rmdirSync(file);
  const fd = openSync(file, 'a+', 0o600);
  let locked = false;
  try {
    locked = tryLock(fd);
  } finally {
    if (!locked) closeSync(fd);
  }
  if (!locked) return undefined;
  // For the message another process shows (the lock itself is the kernel's, not this number).
  ftruncateSync(fd, 0);
  writeSync(fd, `${process.pid}\n`);
  let held = true;
  return {
    release() {
      if (!held) return;
      held = false;
      unlock(fd);
      closeSync(fd);
    },
  };
}

/** Who holds `file`, for a person to act on: "pid 1234", "pid 1234, paused (SIGSTOP)", or undefined if unknown. */
export function describeHolder(file: string): string | undefined {
  let pid: number;
  try {
    pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    // /proc/<pid>/stat: "pid (comm) state …"; the command may hold spaces and parentheses, the state follows the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    if (state === 'T' || state === 't')
      return `pid ${pid}, paused (SIGSTOP or Ctrl-Z: resume it with kill -CONT ${pid})`;
  } catch {
    // No /proc (macOS) or the process is gone: the pid alone.
  }
  return `pid ${pid}`;
}
