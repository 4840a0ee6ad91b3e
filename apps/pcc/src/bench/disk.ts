/**
 * Disk: sequential read and write MB/s (10⁶ bytes a second, 1 MiB blocks) and 4 KiB random read and write IOPS with
 * their latency p50/p99, on a test file in the directory the user names, bypassing the page cache (direct I/O), at
 * queue depth 1. fio when installed, otherwise the built-in engine; both fill the file once before measuring. The
 * file is as large as the cap allows, leaving at least half of the free space; it is created fresh (never an
 * existing file) and always removed: after the last repeat, on an error and on a cancel.
 */
import { randomBytes } from 'node:crypto';
import { rmSync, statfsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { builtinRepeat, closeFile, createDirectFile, type OpenedFile } from './disk-builtin.ts';
import { fioFill, fioRepeat, fioVersion } from './disk-fio.ts';
import { type BenchEnv, type BenchmarkDef, type BenchmarkRun, BenchmarkUnavailable } from './types.ts';

const MIB = 2 ** 20;
/** Below this the random offsets would mostly hit the device's own cache. */
export const MIN_DISK_BYTES = 8 * MIB;

export type DiskEngine = 'auto' | 'fio' | 'builtin';

export interface DiskOptions {
  dir: string;
  sizeMb: number;
  engine: DiskEngine;
}

/** The test file's size: the cap, at most half the free space, in whole MiB. */
export function diskFileBytes(sizeMb: number, freeBytes: number): number {
  return Math.floor(Math.min(sizeMb * MIB, freeBytes / 2) / MIB) * MIB;
}

/** A name no one else uses, recognisable as ours if a crash ever left it. */
export const testFileName = () => `.pcc-bench-${process.pid}-${randomBytes(4).toString('hex')}.tmp`;

function checkDir(dir: string): number {
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    // reported below
  }
  if (!isDir)
    throw new BenchmarkUnavailable(`The disk benchmark's directory ${dir} does not exist or is not a directory.`);
  const fs = statfsSync(dir);
  return fs.bavail * fs.bsize;
}

export function diskBenchmark(o: DiskOptions): BenchmarkDef {
  return {
    name: 'disk',
    async prepare(env: BenchEnv): Promise<BenchmarkRun> {
      const dir = resolve(o.dir);
      const bytes = diskFileBytes(o.sizeMb, checkDir(dir));
      if (bytes < MIN_DISK_BYTES)
        throw new BenchmarkUnavailable(`Not enough free space in ${dir} for a test file of at least 8 MiB.`);
      const fio = o.engine === 'builtin' ? undefined : await fioVersion();
      if (o.engine === 'fio' && !fio)
        throw new BenchmarkUnavailable('fio was asked for but is not installed (or does not run).');
      const path = join(dir, testFileName());
      let file: OpenedFile | undefined;
      const close = async () => {
        closeFile(file);
        file = undefined;
        rmSync(path, { force: true });
      };
      env.say(`writing a ${bytes / MIB} MiB test file in ${dir}`);
      try {
        if (fio) await fioFill(env, path, bytes);
        else file = await createDirectFile(env, path, bytes);
      } catch (err) {
        await close();
        if ((err as NodeJS.ErrnoException).code === 'EINVAL')
          throw new BenchmarkUnavailable(
            `The filesystem of ${dir} does not take direct I/O (O_DIRECT): the page cache cannot be bypassed there.`,
          );
        throw err;
      }
      const opened = file;
      return {
        engine: fio
          ? `${fio} (direct, psync, depth 1), ${bytes / MIB} MiB file`
          : `builtin (O_DIRECT, depth 1), ${bytes / MIB} MiB file`,
        repeat: () => (opened ? builtinRepeat(env, opened) : fioRepeat(env, path, bytes)),
        close,
      };
    },
  };
}
