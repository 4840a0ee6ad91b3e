import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { testConfig } from '../../../test/helpers.ts';
import type { App } from '../../app-types.ts';
import { type DownloadFiles, defaultDownloadFiles, downloadRoutes } from './downloads.routes.ts';

const dir = mkdtempSync(join(tmpdir(), 'xat-downloads-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The routes on their own app (app.ts registers them on the real one), so the test does not depend on that wiring.
async function appWith(files: DownloadFiles, env: Record<string, string> = {}): Promise<App> {
  const app = Fastify().withTypeProvider<TypeBoxTypeProvider>() as unknown as App;
  downloadRoutes(app, { config: testConfig(env) }, files);
  await app.ready();
  return app;
}

const script = join(dir, 'install.sh');
// biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion in install.sh, not a template
writeFileSync(script, '#!/usr/bin/env bash\nSERVER_URL="${PCC_SERVER_URL:-__PCC_SERVER_URL__}"\n');

describe('GET /install.sh', () => {
  it("serves the installer with the request's own origin filled in", async () => {
    const app = await appWith({ installScript: script, bundle: join(dir, 'none.mjs') });
    const res = await app.inject({ url: '/install.sh', headers: { host: 'xat.example.com:8000' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/x-shellscript/);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion in install.sh, not a template
    expect(res.body).toContain('SERVER_URL="${PCC_SERVER_URL:-http://xat.example.com:8000}"');
    expect(res.body).not.toContain('__PCC_SERVER_URL__');
  });

  it('uses PUBLIC_URL when the server has one (behind a proxy the Host is not what agents should call)', async () => {
    const app = await appWith({ installScript: script, bundle: '' }, { PUBLIC_URL: 'https://xat.example.com' });
    const res = await app.inject({ url: '/install.sh', headers: { host: '10.0.0.5:8000' } });
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion in install.sh, not a template
    expect(res.body).toContain('${PCC_SERVER_URL:-https://xat.example.com}');
  });

  it('serves the real installer, which is valid bash with the placeholder filled in', async () => {
    expect(existsSync(defaultDownloadFiles.installScript)).toBe(true);
    const app = await appWith(defaultDownloadFiles);
    const res = await app.inject({ url: '/install.sh', headers: { host: '127.0.0.1:8000' } });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('http://127.0.0.1:8000');
    const served = join(dir, 'served.sh');
    writeFileSync(served, res.body);
    execFileSync('bash', ['-n', served]);
  });
});

describe('GET /downloads/pcc.mjs', () => {
  it('answers 503 saying how to build it when the bundle is not built', async () => {
    const app = await appWith({ installScript: script, bundle: join(dir, 'missing.mjs') });
    const res = await app.inject({ url: '/downloads/pcc.mjs' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({
      detail: 'The agent bundle is not built: run npm run build -w @xat/pcc',
      code: 'unavailable',
    });
  });

  it('serves the bundle as JavaScript, whole', async () => {
    const bundle = join(dir, 'pcc.mjs');
    const content = `#!/usr/bin/env node\nconsole.log("pcc 9.9.9");\n${'//'.padEnd(100_000, 'x')}\n`;
    writeFileSync(bundle, content);
    const app = await appWith({ installScript: script, bundle });
    const res = await app.inject({ url: '/downloads/pcc.mjs' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/javascript/);
    expect(res.headers['content-length']).toBe(String(Buffer.byteLength(content)));
    expect(res.body).toBe(content);
  });
});
