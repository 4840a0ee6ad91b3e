// Builds what is missing or older than its sources (the server, the dashboard, the agent bundle) and nothing else, so
// a second start costs a few file stats. `npm start` runs it for all three; bin/xat.mjs for the server alone.
// `node ensure-built.mjs [server|dashboard|pcc ...]` (all when none named).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { staleness } from './freshness.mjs';
import { ROOT, TARGETS } from './targets.mjs';

/** The builders are dev dependencies: a production install runs what was built. */
const BUILDER = { server: 'esbuild', pcc: 'esbuild', dashboard: 'vite' };

function installed(name) {
  try {
    createRequire(`${ROOT}package.json`).resolve(name);
    return true;
  } catch {
    return false;
  }
}

/** Builds `name` when it is stale; false when it is unusable (missing and no builder, or the build failed). */
export function ensureBuilt(name) {
  const target = TARGETS[name];
  // An image that ships the build without its sources has nothing to compare with.
  if (!existsSync(target.inputs[0])) return true;
  const why = staleness(target.output, target.inputs);
  if (!why) return true;
  if (!installed(BUILDER[name])) {
    const state = why === 'missing' ? 'is not built' : 'is older than its sources';
    console.error(
      `xat: the ${name} ${state} and ${BUILDER[name]}, a dev dependency, is not installed: run \`npm ci --include=dev\`.`,
    );
    return why !== 'missing';
  }
  console.error(`xat: building the ${name} (${why === 'missing' ? 'first build' : 'sources changed'})…`);
  // In processes of their own: a compiler's memory never stays in the server.
  const [command, args] = target.workspace
    ? ['npm', ['run', 'build', '--silent', '-w', target.workspace]]
    : [process.execPath, [`${ROOT}apps/server/scripts/build.mjs`]];
  const { status, error } = spawnSync(command, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  if (status === 0) return true;
  console.error(`xat: the ${name} could not be built${error ? `: ${error.message}` : ' (errors above)'}.`);
  return false;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const asked = process.argv.slice(2);
  const unknown = asked.filter((name) => !(name in TARGETS));
  if (unknown.length > 0) {
    console.error(`ensure-built: unknown ${unknown.join(', ')} (known: ${Object.keys(TARGETS).join(', ')})`);
    process.exit(2);
  }
  const names = asked.length > 0 ? asked : Object.keys(TARGETS);
  // Every target is tried, so one failed build still leaves the others fresh.
  const failed = names.filter((name) => !ensureBuilt(name));
  process.exit(failed.length > 0 ? 1 : 0);
}
