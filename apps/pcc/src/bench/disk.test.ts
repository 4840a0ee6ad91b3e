/**
 * The disk benchmark on this machine's disk: direct I/O really bypasses the page cache (random reads well below the
 * same reads of the same file from the cache, measured here), fio and the built-in engine agree in kind, and the test
 * file is removed after a run, after an error and after a cancel.
 */

import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readdirSync, readSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedMachineOptions, suiteWorkDir } from '../testing/bench-suite.ts';
import { fioVersion } from './disk-fio.ts';
import { CancelledError, runSuite, type SuiteOptions } from './suite.ts';

// Under the repository's disk (the system temp dir is on it here; a tmpfs would have no cache to bypass).
const work = suiteWorkDir('pcc-bench-disk-');
const fresh = () => mkdtempSync(join(work, 'dir-'));
const fio = await fioVersion();

const options = (dir: string, more: Partial<SuiteOptions> = {}): SuiteOptions =>
  sharedMachineOptions(dir, { benchmarks: ['disk'], diskSizeMb: 32, diskEngine: 'builtin', ...more });

/** 4 KiB random reads of a file that is in the page cache (read whole just before), per second, for `ms`. */
function cachedRandomReadIops(path: string, bytes: number, ms: number): number {
  const fd = openSync(path, 'r');
  try {
    const big = Buffer.alloc(1 << 20);
    for (let at = 0; at < bytes; at += big.length) readSync(fd, big, 0, big.length, at);
    const buf = Buffer.alloc(4096);
    const blocks = bytes / 4096;
    let ops = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < ms) {
      readSync(fd, buf, 0, 4096, Math.floor(Math.random() * blocks) * 4096);
      ops++;
    }
    return ops / ((performance.now() - t0) / 1000);
  } finally {
    closeSync(fd);
  }
}

describe('disk benchmark', () => {
  for (const engine of ['builtin', 'fio'] as const) {
    it.skipIf(engine === 'fio' && !fio)(
      `${engine}: direct random reads well below page-cache reads of the same file; every figure there; file removed${engine === 'fio' && !fio ? ' — skipped: fio is not installed' : ''}`,
      async () => {
        const dir = fresh();
        const result = await runSuite(options(dir, { diskEngine: engine }));
        const [disk] = result.benchmarks;
        expect(disk?.error).toBeUndefined();
        expect(disk?.engine).toMatch(engine === 'fio' ? /^fio-/ : /^builtin \(O_DIRECT/);
        const m = (key: string) => disk?.metrics[`disk.${key}`]?.median ?? Number.NaN;
        for (const key of ['seq_read_mbps', 'seq_write_mbps', 'rand_read_iops', 'rand_write_iops'])
          expect(m(key), key).toBeGreaterThan(0);
        for (const side of ['read', 'write']) {
          expect(m(`rand_${side}_p50_ms`)).toBeGreaterThan(0);
          expect(m(`rand_${side}_p99_ms`)).toBeGreaterThanOrEqual(m(`rand_${side}_p50_ms`));
        }
        expect(readdirSync(dir)).toEqual([]);

        // The same reads of a file of the same size from the page cache.
        const cachedFile = join(dir, 'cached.bin');
        writeFileSync(cachedFile, randomBytes(32 * 2 ** 20));
        const cached = cachedRandomReadIops(cachedFile, 32 * 2 ** 20, 500);
        rmSync(cachedFile);
        const ratio = m('rand_read_iops') / cached;
        console.log(
          `${engine}: 4 KiB random reads ${m('rand_read_iops')} IOPS direct (p50 ${m('rand_read_p50_ms')} ms), ${Math.round(cached)} IOPS from the page cache: ${ratio.toFixed(3)}×; sequential read ${m('seq_read_mbps')} MB/s, write ${m('seq_write_mbps')} MB/s`,
        );
        expect(ratio).toBeLessThan(0.5);
      },
      60_000,
    );
  }

  it('a directory that is not there: the benchmark says so, nothing is written', async () => {
    const dir = join(fresh(), 'missing');
    const result = await runSuite(options(dir));
    expect(result.benchmarks[0]?.error).toMatch(/does not exist or is not a directory/);
    expect(result.validity).toBe('invalid');
  });

  it('an error mid-run (the file truncated under it): reported as the benchmark’s error, the file removed', async () => {
    const dir = fresh();
    let stop = false;
    // Truncates whatever test file appears, again and again, until the run ends.
    const vandal = (async () => {
      while (!stop) {
        for (const name of readdirSync(dir))
          try {
            truncateSync(join(dir, name), 0);
          } catch {
            // gone meanwhile
          }
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    try {
      const result = await runSuite(options(dir, { runs: 2 }));
      expect(result.benchmarks[0]?.error).toMatch(/changed under the benchmark/);
    } finally {
      stop = true;
      await vandal;
    }
    expect(readdirSync(dir)).toEqual([]);
  }, 60_000);

  for (const engine of ['builtin', 'fio'] as const)
    it.skipIf(engine === 'fio' && !fio)(
      `${engine}: a cancel mid-run: CancelledError within a few seconds, the file removed${engine === 'fio' && !fio ? ' — skipped: fio is not installed' : ''}`,
      async () => {
        const dir = fresh();
        const abort = new AbortController();
        let abortedAt = 0;
        const run = runSuite(
          options(dir, {
            stepSeconds: 20,
            runs: 3,
            diskEngine: engine,
            signal: abort.signal,
            onProgress: (p) => {
              // Half a second into the first measured step (sequential write), the file filled and open.
              if (/sequential write|fio seq-write/.test(p.message) && !abortedAt)
                setTimeout(() => {
                  abortedAt = performance.now();
                  abort.abort();
                }, 500);
            },
          }),
        );
        await expect(run).rejects.toBeInstanceOf(CancelledError);
        expect(abortedAt).toBeGreaterThan(0);
        const seconds = (performance.now() - abortedAt) / 1000;
        expect(seconds).toBeLessThan(3);
        expect(readdirSync(dir)).toEqual([]);
      },
      60_000,
    );
});
