/** Test support for runSuite: a work dir of the test file's own, and options for a machine shared with other tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import type { SuiteOptions } from '../bench/suite.ts';

/**
 * A temp dir removed after the file's tests (after its own afterAll hooks), and TMPDIR pointed at it: the suite's
 * lock is host-wide, and other test files' load tests must not refuse this file's runs.
 */
export function suiteWorkDir(prefix: string): string {
  const work = mkdtempSync(join(tmpdir(), prefix));
  process.env.TMPDIR = work;
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  return work;
}

/** Forced, no quiet wait, one run of short steps and a small disk file in `diskDir`, unless `more` says otherwise. */
export const sharedMachineOptions = (
  diskDir: string,
  more: Partial<SuiteOptions> & Pick<SuiteOptions, 'benchmarks'>,
): SuiteOptions => ({
  runs: 1,
  stepSeconds: 0.5,
  diskSizeMb: 8,
  diskDir,
  force: true,
  quietWaitSeconds: 0,
  ...more,
});
