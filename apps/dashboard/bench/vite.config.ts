import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The chart render benchmark page (bench/dashboard.bench.ts builds it into a temporary folder).
const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: './',
  logLevel: 'warn',
  build: { emptyOutDir: true, rolldownOptions: { input: `${here}render.html` } },
});
