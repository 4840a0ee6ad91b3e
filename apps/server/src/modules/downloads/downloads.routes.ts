import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { App, Deps } from '../../app-types.ts';
import { publicBaseUrl } from '../../http/urls.ts';

/** Where the agent's installer and bundle are (apps/pcc); tests point elsewhere. Files, not imports: apps stay apart. */
export interface DownloadFiles {
  installScript: string;
  bundle: string;
}

export const defaultDownloadFiles: DownloadFiles = {
  installScript: fileURLToPath(new URL('../../../../pcc/install.sh', import.meta.url)),
  bundle: fileURLToPath(new URL('../../../../pcc/dist/pcc.mjs', import.meta.url)),
};

const PLACEHOLDER = '__PCC_SERVER_URL__';
const unavailable = {
  detail: 'The agent bundle is not built: run npm run build -w @xat/pcc',
  code: 'unavailable',
};

const tags = ['agent'];

/**
 * `GET /install.sh` (the one-line install of every collector's `install_command`, with this server's URL filled in)
 * and `GET /downloads/pcc.mjs` (the agent in one file). No credentials: the key travels in the install command.
 */
export function downloadRoutes(app: App, { config }: Pick<Deps, 'config'>, files = defaultDownloadFiles): void {
  app.get(
    '/install.sh',
    { schema: { summary: 'Agent installer', tags, description: 'The agent installer (bash).' } },
    async (request, reply) => {
      let script: string;
      try {
        script = await readFile(files.installScript, 'utf8');
      } catch {
        return reply
          .code(503)
          .send({ detail: 'The agent installer is missing from this server.', code: 'unavailable' });
      }
      return reply
        .header('cache-control', 'no-store')
        .type('text/x-shellscript; charset=utf-8')
        .send(script.replaceAll(PLACEHOLDER, publicBaseUrl(request, config)));
    },
  );

  app.get(
    '/downloads/pcc.mjs',
    { schema: { summary: 'Agent bundle', tags, description: 'The agent, bundled in one file.' } },
    async (_request, reply) => {
      const info = await stat(files.bundle).catch(() => undefined);
      if (!info?.isFile()) return reply.code(503).send(unavailable);
      return reply
        .header('cache-control', 'no-cache')
        .header('content-length', info.size)
        .header('last-modified', info.mtime.toUTCString())
        .type('text/javascript; charset=utf-8')
        .send(createReadStream(files.bundle));
    },
  );
}
