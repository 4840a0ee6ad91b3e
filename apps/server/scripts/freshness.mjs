// Is a build output older than its sources? Plain mtimes, so a check costs a few milliseconds and needs no build tool.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Never inputs of a build: tests, dependencies and outputs. */
const SKIP_DIR = new Set(['node_modules', 'dist', 'test', 'coverage']);
const SKIP_FILE = /\.(test|spec|bench)\.[cm]?[jt]sx?$/;

/** The newest modification time (ms) among `paths` (files, or directories walked recursively); 0 when none exist. */
export function newestMtime(paths) {
  let newest = 0;
  const visit = (path) => {
    let stat;
    try {
      stat = statSync(path);
    } catch {
      return; // an optional input (a public/ folder) that is absent
    }
    if (!stat.isDirectory()) {
      newest = Math.max(newest, stat.mtimeMs);
      return;
    }
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      if (entry.isDirectory() ? SKIP_DIR.has(entry.name) : SKIP_FILE.test(entry.name)) continue;
      visit(join(path, entry.name));
    }
  };
  for (const path of paths) visit(path);
  return newest;
}

/** The output's modification time (ms), or undefined when it does not exist. */
export function outputMtime(output) {
  try {
    return statSync(output).mtimeMs;
  } catch {
    return undefined;
  }
}

/**
 * Why `output` must be rebuilt from `inputs` ('missing', 'stale'), or undefined when it is up to date.
 * With no inputs present (an image that ships only the build), the output is what there is.
 */
export function staleness(output, inputs) {
  const built = outputMtime(output);
  const sources = newestMtime(inputs);
  if (built === undefined) return 'missing';
  return sources > built ? 'stale' : undefined;
}
