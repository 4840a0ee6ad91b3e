// Compiles the server and the `xat` CLI (src/cli.ts and everything it imports, the workspace packages included)
// into dist/xat.mjs, which bin/xat.mjs runs. npm dependencies stay external: Node loads them from node_modules.
import { mkdirSync, readFileSync, renameSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, TARGETS } from './targets.mjs';

const OUTFILE = TARGETS.server.output;

/** Bundles every import of our own (relative, or a workspace package `@xat/…`, whose exports are .ts sources). */
const externalDependencies = {
  name: 'external-dependencies',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith('@xat/') ? undefined : { path: args.path, external: true },
    );
  },
};

/**
 * `import.meta.url` keeps meaning the source file's URL, as when the sources run directly: the server finds its
 * migrations, the dashboard build and the agent bundle relative to its source files (`new URL('../../drizzle', …)`).
 */
const sourceFileUrls = {
  name: 'source-file-urls',
  setup(build) {
    build.onLoad({ filter: /\.tsx?$/ }, (args) => {
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
    plugins: [externalDependencies, sourceFileUrls],
    write: false,
    logLevel: 'warning',
  });
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
