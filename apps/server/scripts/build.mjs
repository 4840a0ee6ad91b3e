// Compiles the server and the `xat` CLI (src/cli.ts and everything it imports: the workspace packages and the npm
// dependencies) into dist/xat.mjs, which bin/xat.mjs runs. One file to read instead of ~2000 modules to resolve,
// read and link: a start spends half the CPU time it did with the dependencies loaded from node_modules
// (BENCHMARKS.md). Only the dependencies below stay external, loaded from node_modules as usual.
import { mkdirSync, readFileSync, renameSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, TARGETS } from './targets.mjs';

const OUTFILE = TARGETS.server.output;

/** Dependencies that find files beside their own code, or are loaded only when needed. */
const EXTERNAL = new Set([
  '@electric-sql/pglite', // its WebAssembly and data files
  '@node-rs/argon2', // a native addon
  'fs-native-extensions', // a native addon
  'pino', // its transports run in worker threads, from files of their own
  'pino-pretty',
  'thread-stream',
  '@fastify/swagger', // reads its package.json
  '@fastify/swagger-ui', // serves its static files
  'ioredis', // trims its error stacks by its own directory
  'pg-native', // optional, never installed: pg requires it only when asked to
  '@zxcvbn-ts/core', // imported on the first password set, with its dictionaries
  '@zxcvbn-ts/language-common',
]);

const packageOf = (specifier) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

const externalDependencies = {
  name: 'external-dependencies',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith('node:') || EXTERNAL.has(packageOf(args.path))
        ? { path: args.path, external: true }
        : undefined,
    );
  },
};

/** What a bundled dependency must not use: its own location, which in the bundle is dist/ (add it to EXTERNAL). */
const OWN_LOCATION = /\b(__dirname|__filename|require\.resolve|import\.meta\.url)\b/;

function checkBundledDependencies(metafile) {
  const found = new Set();
  for (const input of Object.keys(metafile.inputs)) {
    const at = input.lastIndexOf('node_modules/');
    if (at < 0) continue;
    if (OWN_LOCATION.test(readFileSync(`${ROOT}${input.replace(/^(\.\.\/)+/, '')}`, 'utf8')))
      found.add(packageOf(input.slice(at + 'node_modules/'.length)));
  }
  if (found.size > 0)
    throw new Error(`bundled dependencies locate files beside their code: ${[...found].join(', ')} (add to EXTERNAL)`);
}

/**
 * `import.meta.url` keeps meaning the source file's URL, as when the sources run directly: the server finds its
 * migrations, the dashboard build and the agent bundle relative to its source files (`new URL('../../drizzle', …)`).
 */
const sourceFileUrls = {
  name: 'source-file-urls',
  setup(build) {
    build.onLoad({ filter: /\.tsx?$/ }, (args) => {
      if (args.path.includes('/node_modules/')) return undefined;
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      const fromBundle = relative(dirname(OUTFILE), args.path).split('\\').join('/');
      return {
        contents: text.replaceAll('import.meta.url', `new URL(${JSON.stringify(fromBundle)}, import.meta.url).href`),
        loader: args.path.endsWith('x') ? 'tsx' : 'ts',
      };
    });
  },
};

/** Builds dist/xat.mjs (and its source map); readers never see a half-written file. */
export async function buildServer() {
  const { build } = await import('esbuild');
  const started = Date.now();
  const result = await build({
    entryPoints: [`${ROOT}apps/server/src/cli.ts`],
    outfile: OUTFILE,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Error and plugin names stay readable in logs.
    keepNames: true,
    sourcemap: 'linked',
    legalComments: 'none',
    // CommonJS dependencies bundled into an ES module still call require() (Node's built-ins, the externals).
    banner: {
      js: "import { createRequire as __xatCreateRequire } from 'node:module';\nconst require = __xatCreateRequire(import.meta.url);",
    },
    plugins: [externalDependencies, sourceFileUrls],
    metafile: true,
    write: false,
    logLevel: 'warning',
  });
  checkBundledDependencies(result.metafile);
  // Several processes may build at once (tests start many `xat`): each writes its own file and renames it into place.
  mkdirSync(dirname(OUTFILE), { recursive: true });
  const byPath = new Map(result.outputFiles.map((f) => [f.path, f]));
  const ordered = [...byPath.keys()].sort((a, b) => Number(a === OUTFILE) - Number(b === OUTFILE));
  for (const path of ordered) {
    const temporary = `${path}.${process.pid}.tmp`;
    writeFileSync(temporary, byPath.get(path).contents);
    renameSync(temporary, path);
  }
  // Stamped with the time the build began: a source saved while it ran is newer, so the next start rebuilds.
  utimesSync(OUTFILE, started / 1000, started / 1000);
  return OUTFILE;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const file = await buildServer();
  console.log(`built ${file}`);
}
