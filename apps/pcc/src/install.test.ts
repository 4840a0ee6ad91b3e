import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeServer, sendJson } from './testing/fake-server.ts';
import { pccPath } from './testing/paths.ts';
import { VERSION } from './version.ts';

// install.sh as a user runs it (`curl -fsSL <server>/install.sh | API_KEY=… bash`), into a fake root (PCC_PREFIX),
// against a local server that serves the script (placeholder filled in, as the server's route does) and the bundle.
const work = mkdtempSync(join(tmpdir(), 'pcc-install-'));
const bundle = join(work, 'pcc.mjs');
let bundleText = '';
let server: FakeServer;
const registrations: { key: unknown; body: unknown }[] = [];

beforeAll(async () => {
  execFileSync(process.execPath, [pccPath('scripts', 'build.mjs'), bundle], { stdio: 'pipe' });
  bundleText = readFileSync(bundle, 'utf8');
  server = await FakeServer.start((req, res) => {
    if (req.url === '/install.sh') {
      res.writeHead(200, { 'content-type': 'text/x-shellscript' });
      res.end(readFileSync(pccPath('install.sh'), 'utf8').replaceAll('__PCC_SERVER_URL__', server.url));
      return;
    }
    if (req.url === '/downloads/pcc.mjs') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(bundleText);
      return;
    }
    if (req.url === '/api/v1/register/') {
      registrations.push({ key: req.headers['x-api-key'], body: req.json });
      return sendJson(res, 200, {
        status: 'registered',
        collector_id: 'c0ffee00-0000-4000-8000-000000000004',
        name: 'web-01',
        message: 'ok',
      });
    }
    sendJson(res, 404, { detail: 'Not found.' });
  });
});
afterAll(async () => {
  await server.stop();
  rmSync(work, { recursive: true, force: true });
});

/** curl … | bash, with the given environment; resolves with the exit code and the output. */
async function install(env: Record<string, string>): Promise<{ code: number; out: string }> {
  const script = await (await fetch(`${server.url}/install.sh`)).text();
  return new Promise((resolve) => {
    const child = execFile(
      'bash',
      ['-s'],
      { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: work, ...env }, timeout: 30_000 },
      (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr }),
    );
    child.stdin?.end(script);
  });
}

describe('install.sh', () => {
  it('installs into a fresh root: agent, 0600 config, command, unit file, registration', async () => {
    const root = join(work, 'root-a');
    const { code, out } = await install({ PCC_PREFIX: root, API_KEY: 'the-collector-key-0123' });
    expect(code, out).toBe(0);
    expect(readFileSync(join(root, 'opt/pcc/pcc.mjs'), 'utf8')).toBe(bundleText);
    const config = join(root, 'etc/pcc/config.json');
    expect(statSync(config).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(config, 'utf8'))).toEqual({
      server_url: server.url,
      api_key: 'the-collector-key-0123',
      data_dir: join(root, 'var/lib/pcc'),
    });
    expect(execFileSync(join(root, 'usr/local/bin/pcc'), ['--version'], { encoding: 'utf8' })).toBe(`pcc ${VERSION}\n`);
    const unit = readFileSync(join(root, 'etc/systemd/system/pcc.service'), 'utf8');
    expect(unit).toContain(
      `ExecStart=${process.execPath} --jitless --max-semi-space-size=1 ${root}/opt/pcc/pcc.mjs run`,
    );
    expect(unit).toContain(`Environment=PCC_CONFIG=${config}`);
    expect(out).toContain('systemd is not running here');
    expect(out).toContain(`${root}/usr/local/bin/pcc run`);
    expect(registrations.at(-1)?.key).toBe('the-collector-key-0123');
    expect(registrations.at(-1)?.body).toMatchObject({ hostname: expect.any(String), vcpus: expect.any(Number) });
    const state = JSON.parse(readFileSync(join(root, 'var/lib/pcc/agent.json'), 'utf8'));
    expect(state.collector_id).toBe('c0ffee00-0000-4000-8000-000000000004');
  });

  it('re-running upgrades in place: new agent, same config and key, spool kept', async () => {
    const root = join(work, 'root-b');
    expect((await install({ PCC_PREFIX: root, API_KEY: 'first-key-0123456' })).code).toBe(0);
    const segment = join(root, 'var/lib/pcc/spool/000000000001.ndjson');
    mkdirSync(join(root, 'var/lib/pcc/spool'), { recursive: true });
    writeFileSync(segment, '{"timestamp":1767000000,"host":{}}\n');
    const previous = bundleText;
    bundleText = `${previous}\n// next build\n`;
    try {
      const again = await install({ PCC_PREFIX: root }); // no key this time: the installed one stays
      expect(again.code, again.out).toBe(0);
      expect(again.out).toContain('kept');
      expect(readFileSync(join(root, 'opt/pcc/pcc.mjs'), 'utf8')).toBe(bundleText);
    } finally {
      bundleText = previous;
    }
    expect(JSON.parse(readFileSync(join(root, 'etc/pcc/config.json'), 'utf8')).api_key).toBe('first-key-0123456');
    expect(readFileSync(segment, 'utf8')).toBe('{"timestamp":1767000000,"host":{}}\n');
    expect(registrations.at(-1)?.key).toBe('first-key-0123456');
  });

  it('re-running with a new key replaces the key and keeps the config file’s other settings', async () => {
    const root = join(work, 'root-e');
    expect((await install({ PCC_PREFIX: root, API_KEY: 'old-key-0123456789' })).code).toBe(0);
    const config = join(root, 'etc/pcc/config.json');
    const first = JSON.parse(readFileSync(config, 'utf8'));
    writeFileSync(config, JSON.stringify({ ...first, jobs: false, interval: 5 }));
    const again = await install({ PCC_PREFIX: root, API_KEY: 'new-key-0123456789' });
    expect(again.code, again.out).toBe(0);
    expect(JSON.parse(readFileSync(config, 'utf8'))).toEqual({
      ...first,
      api_key: 'new-key-0123456789',
      jobs: false,
      interval: 5,
    });
    expect(statSync(config).mode & 0o777).toBe(0o600);
    // A file that is not JSON any more: said, and replaced by what the installer knows.
    writeFileSync(config, '{"jobs": false,');
    const broken = await install({ PCC_PREFIX: root, API_KEY: 'third-key-0123456789' });
    expect(broken.code, broken.out).toBe(0);
    expect(broken.out).toContain('could not be read');
    expect(JSON.parse(readFileSync(config, 'utf8'))).toEqual({ ...first, api_key: 'third-key-0123456789' });
  });

  it('says plainly what to install when Node.js is missing or too old', async () => {
    const root = join(work, 'root-c');
    const missing = await install({ PCC_PREFIX: root, API_KEY: 'k-0123456789', PCC_NODE: join(work, 'no-node') });
    expect(missing.code).toBe(1);
    expect(missing.out).toContain('Node.js was not found');
    expect(missing.out).toContain('pcc needs Node.js 20 or newer');
    expect(missing.out).toContain('apt-get install -y nodejs');

    const old = join(work, 'node18');
    writeFileSync(old, '#!/bin/sh\ncase "$1" in -p) echo 18 ;; *) echo v18.19.0 ;; esac\n');
    chmodSync(old, 0o755);
    const tooOld = await install({ PCC_PREFIX: root, API_KEY: 'k-0123456789', PCC_NODE: old });
    expect(tooOld.code).toBe(1);
    expect(tooOld.out).toContain('Node.js v18.19.0 is too old');
    expect(existsSync(join(root, 'opt/pcc/pcc.mjs'))).toBe(false);
  });

  it('refuses a first install without an API key', async () => {
    const { code, out } = await install({ PCC_PREFIX: join(work, 'root-d') });
    expect(code).toBe(1);
    expect(out).toContain('no API key');
  });
});
