// What `npm start` serves, and what each build reads: the inputs whose modification makes the output stale.
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const at = (...paths) => paths.map((p) => `${ROOT}${p}`);

/** Every workspace package: the apps import their TypeScript sources, so a change there changes every build. */
const PACKAGES = at('packages/contracts', 'packages/procfs', 'packages/stats');

export const TARGETS = {
  /** The server and the `xat` CLI as one JavaScript file (scripts/build.mjs); bin/xat.mjs runs it. */
  server: {
    output: `${ROOT}apps/server/dist/xat.mjs`,
    inputs: [
      ...at('apps/server/src', 'apps/server/scripts/build.mjs', 'apps/server/package.json'),
      ...PACKAGES,
      // The npm dependencies are bundled too: npm rewrites this file on every install.
      ...at('node_modules/.package-lock.json'),
    ],
  },
  /** The dashboard the server serves at /. */
  dashboard: {
    output: `${ROOT}apps/dashboard/dist/index.html`,
    inputs: [
      ...at(
        'apps/dashboard/src',
        'apps/dashboard/public',
        'apps/dashboard/index.html',
        'apps/dashboard/vite.config.ts',
        'apps/dashboard/package.json',
      ),
      ...PACKAGES,
    ],
    workspace: '@xat/dashboard',
  },
  /** The agent bundle the server serves at /downloads/pcc.mjs. */
  pcc: {
    output: `${ROOT}apps/pcc/dist/pcc.mjs`,
    inputs: [...at('apps/pcc/src', 'apps/pcc/scripts/build.mjs', 'apps/pcc/package.json'), ...PACKAGES],
    workspace: '@xat/pcc',
  },
};
