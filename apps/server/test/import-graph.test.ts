import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cruise, type ICruiseResult, type IForbiddenRuleType } from 'dependency-cruiser';
import { afterAll, describe, expect, it } from 'vitest';

// The import graph of the whole repository (every app and package, not only the server), as dependency-cruiser
// resolves it: `import type` counts, since a type-only cycle still means two files cannot be read one after the other.

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const SOURCES = ['apps', 'packages'];
const ONLY_SOURCES = '^(apps|packages)/[^/]+/src/';

const FILE_RULES: IForbiddenRuleType[] = [
  { name: 'no-cycle', severity: 'error', from: {}, to: { circular: true } },
  {
    name: 'no-module-imports-app',
    comment: 'app.ts imports every module; a module takes App and Deps from app-types.ts',
    severity: 'error',
    from: { path: '^apps/server/src/modules/' },
    to: { path: '^apps/server/src/app[.]ts$' },
  },
  {
    name: 'metrics-reads-forward',
    comment:
      'samples flow ingest/ -> storage/ -> query/: nothing imports a step before it, ingest and query not each other',
    severity: 'error',
    from: { path: '^apps/server/src/modules/metrics/(storage|query)/' },
    to: { path: '^apps/server/src/modules/metrics/(ingest|query)/', pathNot: '^apps/server/src/modules/metrics/$1/' },
  },
  {
    name: 'metrics-reads-forward',
    severity: 'error',
    from: { path: '^apps/server/src/modules/metrics/ingest/' },
    to: { path: '^apps/server/src/modules/metrics/query/' },
  },
];

/** Server modules importing each other through whatever files of theirs (auth ↔ users was one). */
const FOLDER_RULES: IForbiddenRuleType[] = [
  {
    name: 'no-module-folder-cycle',
    severity: 'error',
    scope: 'folder',
    from: { path: '^apps/server/src/modules/' },
    to: { path: '^apps/server/src/modules/', circular: true },
  },
];

/** Every broken rule under `baseDir`, one line each (a cycle with its path), for a readable failure. */
async function violations(baseDir: string, rules: IForbiddenRuleType[], exclude?: string): Promise<string[]> {
  const { output } = await cruise(
    SOURCES,
    {
      baseDir,
      validate: true,
      ruleSet: { forbidden: rules },
      tsPreCompilationDeps: true,
      includeOnly: ONLY_SOURCES,
      ...(exclude ? { exclude: { path: exclude } } : {}),
    },
    // The workspace packages resolve through their `exports` to their TypeScript sources.
    { exportsFields: ['exports'], conditionNames: ['import', 'types', 'default'] },
  );
  const result = output as ICruiseResult;
  const unresolved = result.modules.flatMap((m) =>
    m.dependencies.filter((d) => d.couldNotResolve && d.module.startsWith('.')).map((d) => `${m.source} → ${d.module}`),
  );
  if (unresolved.length) throw new Error(`imports dependency-cruiser could not resolve:\n${unresolved.join('\n')}`);
  return result.summary.violations.map(
    (v) => `${v.rule.name}: ${v.from} → ${v.to}${v.cycle ? ` (${v.cycle.map((c) => c.name).join(' → ')})` : ''}`,
  );
}

const fileViolations = (baseDir: string) => violations(baseDir, FILE_RULES);
// Left out of the folder graph: tests (one under db/ may well build the whole app), and http/, whose guards read
// users', collectors' and tenants' queries while every module answers with its errors (no file cycle, though).
const folderViolations = (baseDir: string) =>
  violations(baseDir, FOLDER_RULES, '[.]test[.]tsx?$|^apps/server/src/http/');

const fixtures: string[] = [];
afterAll(() => {
  for (const dir of fixtures) rmSync(dir, { recursive: true, force: true });
});

/** A throwaway tree laid out like the repository: path → the files it imports. */
function tree(files: Record<string, string[]>): string {
  const root = mkdtempSync(join(tmpdir(), 'xat-import-graph-'));
  fixtures.push(root);
  for (const [path, imports] of Object.entries(files)) {
    mkdirSync(join(root, dirname(path)), { recursive: true });
    const lines = imports.map((to, i) => `import { x${i} } from '${to}';`);
    writeFileSync(join(root, path), `${lines.join('\n')}\nexport const x = 1;\n`);
  }
  return root;
}

describe('the import graph of apps/*/src and packages/*/src', () => {
  it('has no cycle, no server module importing app.ts, and the metrics module reading forward', {
    timeout: 120_000,
  }, async () => {
    expect(await fileViolations(REPO)).toEqual([]);
  });

  it('has no two server modules importing each other, through whatever files', { timeout: 120_000 }, async () => {
    expect(await folderViolations(REPO)).toEqual([]);
  });

  it('is checked: a cycle, a module importing app.ts, metrics reading backward and two modules importing each other are each caught', async () => {
    const root = tree({
      'apps/server/src/app.ts': ['./modules/a/a.routes.ts'],
      'apps/server/src/modules/a/a.routes.ts': ['../../app.ts', '../b/b.queries.ts'],
      'apps/server/src/modules/b/b.queries.ts': [],
      'apps/server/src/modules/b/b.routes.ts': ['../a/a.queries.ts'],
      'apps/server/src/modules/a/a.queries.ts': [],
      'apps/server/src/modules/metrics/ingest/receive.ts': ['../storage/write.ts'],
      'apps/server/src/modules/metrics/storage/write.ts': ['../query/read.ts'],
      'apps/server/src/modules/metrics/query/read.ts': ['../storage/tables.ts'],
      'apps/server/src/modules/metrics/query/series.ts': ['./read.ts', '../ingest/screen.ts'],
      'apps/server/src/modules/metrics/storage/tables.ts': [],
      'apps/server/src/modules/metrics/ingest/screen.ts': [],
      'packages/p/src/one.ts': ['./two.ts'],
      'packages/p/src/two.ts': ['./one.ts'],
    });
    expect((await fileViolations(root)).sort()).toEqual([
      'metrics-reads-forward: apps/server/src/modules/metrics/query/series.ts → apps/server/src/modules/metrics/ingest/screen.ts',
      'metrics-reads-forward: apps/server/src/modules/metrics/storage/write.ts → apps/server/src/modules/metrics/query/read.ts',
      'no-cycle: apps/server/src/app.ts → apps/server/src/modules/a/a.routes.ts (apps/server/src/modules/a/a.routes.ts → apps/server/src/app.ts)',
      'no-cycle: packages/p/src/one.ts → packages/p/src/two.ts (packages/p/src/two.ts → packages/p/src/one.ts)',
      'no-module-imports-app: apps/server/src/modules/a/a.routes.ts → apps/server/src/app.ts',
    ]);
    // The metrics files above also loop through their folders (storage → query → storage): caught there too.
    expect((await folderViolations(root)).sort()).toEqual([
      'no-module-folder-cycle: apps/server/src/modules/a → apps/server/src/modules/b (apps/server/src/modules/b → apps/server/src/modules/a)',
      'no-module-folder-cycle: apps/server/src/modules/b → apps/server/src/modules/a (apps/server/src/modules/a → apps/server/src/modules/b)',
      'no-module-folder-cycle: apps/server/src/modules/metrics/ingest → apps/server/src/modules/metrics/storage (apps/server/src/modules/metrics/storage → apps/server/src/modules/metrics/query → apps/server/src/modules/metrics/ingest)',
      'no-module-folder-cycle: apps/server/src/modules/metrics/query → apps/server/src/modules/metrics/ingest (apps/server/src/modules/metrics/ingest → apps/server/src/modules/metrics/storage → apps/server/src/modules/metrics/query)',
      'no-module-folder-cycle: apps/server/src/modules/metrics/query → apps/server/src/modules/metrics/storage (apps/server/src/modules/metrics/storage → apps/server/src/modules/metrics/query)',
      'no-module-folder-cycle: apps/server/src/modules/metrics/storage → apps/server/src/modules/metrics/query (apps/server/src/modules/metrics/query → apps/server/src/modules/metrics/storage)',
    ]);
  });
});
