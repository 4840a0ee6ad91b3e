#!/usr/bin/env node
// Runs the compiled server and CLI (dist/xat.mjs), compiling it first when it is missing or older than its sources:
// a fresh clone needs no build step, and an install that ships only the build runs it as it is.
import module from 'node:module';
import v8 from 'node:v8';
import { ensureBuilt } from '../scripts/ensure-built.mjs';

// Node 22.1+: compiled code of the modules is cached on disk, so later starts skip most of the parsing.
module.enableCompileCache?.();
// The embedded database (PGlite) is PostgreSQL in WebAssembly: at V8's default, its start-up code is hot enough to be
// optimized, which cost ~0.8 s of CPU per start and ~75 MB of idle RSS for code that runs once. 100x the budget
// (read when the module is instantiated, so setting it here works): code hot under real load is still optimized.
v8.setFlagsFromString('--wasm-tiering-budget=180000000');

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
