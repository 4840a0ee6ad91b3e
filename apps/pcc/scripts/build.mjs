// Bundles the agent into one file, dist/pcc.mjs, which the server serves at /downloads/pcc.mjs and install.sh installs.
import { chmodSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const outfile = process.argv[2] ?? `${root}dist/pcc.mjs`;

await build({
  entryPoints: [`${root}src/main.ts`],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minify: false,
  legalComments: 'none',
  // ESM output: CommonJS dependencies bundled in still call require().
  banner: {
    js: "import { createRequire as __pccCreateRequire } from 'node:module';\nconst require = __pccCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
chmodSync(outfile, 0o755);
console.log(`built ${outfile}`);
