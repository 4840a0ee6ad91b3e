#!/usr/bin/env node
// Runs the TypeScript sources directly (tsx), for development and tests; installs use the bundle dist/pcc.mjs.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
