#!/usr/bin/env node
// Runs the compiled server and CLI (dist/xat.mjs), compiling it first when it is missing or older than its sources:
// a fresh clone needs no build step, and an install that ships only the build runs it as it is.
import { ensureBuilt } from '../scripts/ensure-built.mjs';

if (!ensureBuilt('server')) process.exit(1);
await import('../dist/xat.mjs');
