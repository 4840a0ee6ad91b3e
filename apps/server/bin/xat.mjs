#!/usr/bin/env node
// Runs the compiled server and CLI (dist/xat.mjs), compiling it first when it is missing or older than its sources:
// a fresh clone needs no build step, and an install that ships only the build runs it as it is.
import { ensureBuilt } from '../scripts/ensure-built.mjs';

// `npm start` and `npx xat` run us under `sh -c`: npm passes SIGINT/SIGTERM to that shell, which dies without passing
// it on, and we would be left running (and listening) with no parent. So under npm, losing the parent is a SIGTERM.
if (process.env.npm_command || process.env.npm_lifecycle_event) {
  const parent = process.ppid;
  const watch = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(watch);
    process.kill(process.pid, 'SIGTERM');
  }, 500).unref();
}

if (!ensureBuilt('server')) process.exit(1);
await import('../dist/xat.mjs');
