import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Spool } from './spool/spool.ts';
import { FakeMetricsStore, FakeServer, sendJson } from './testing/fake-server.ts';
import { pccPath } from './testing/paths.ts';
import { logLines, runPcc, startPcc } from './testing/run-pcc.ts';
import { tempDirs } from './testing/temp-dirs.ts';
import { VERSION } from './version.ts';

const freshDir = tempDirs('pcc-cli-');
const servers: FakeServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.stop();
});

describe('pcc command line', () => {
  it('--version prints the package version; --help lists the commands', async () => {
    const pkg = JSON.parse(readFileSync(pccPath('package.json'), 'utf8')) as { version: string };
    expect(VERSION).toBe(pkg.version);
    const version = await runPcc(['--version']);
    expect(version).toMatchObject({ code: 0, stdout: `pcc ${VERSION}\n` });
    const help = await runPcc(['--help']);
    expect(help.code).toBe(0);
    for (const command of ['register', 'run', 'collect', 'upload', 'loadtest', 'status']) {
      expect(help.stdout).toContain(`  ${command}`);
    }
  });

  it('bad flags, unknown commands and no command give a usage message and exit 2', async () => {
    const bad = await runPcc(['run', '--intervall', '5s']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("Unknown option '--intervall'");
    expect(bad.stderr).toContain('Usage: pcc run');
    expect((await runPcc(['frobnicate'])).code).toBe(2);
    expect((await runPcc([])).code).toBe(2);
    const noServer = await runPcc(['register']);
    expect(noServer.code).toBe(2);
    expect(noServer.stderr).toContain('The server URL is not set');
    const badEnv = await runPcc(['status'], { PCC_FREQUENCY: 'sometimes' });
    expect(badEnv.code).toBe(2);
    expect(badEnv.stderr).toContain('PCC_FREQUENCY: "sometimes" is not a duration');
  });

  it('collect writes the raw format, rounds at wall-clock multiples of the frequency', async () => {
    const out = join(freshDir(), 'collection.json');
    const res = await runPcc(['collect', '--output', out, '--duration', '2500ms', '--frequency', '1s']);
    expect(res.code).toBe(0);
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
    const parsed = lines.map((l) => JSON.parse(l) as { timestamp: number; subsystem: string; measurement: string });
    for (const l of lines) expect(Object.keys(JSON.parse(l))).toEqual(['timestamp', 'subsystem', 'measurement']);
    const rounds = [...new Set(parsed.map((p) => p.timestamp))];
    expect(rounds.length).toBeGreaterThanOrEqual(2);
    expect(rounds.every((t, i) => i === 0 || t - (rounds[i - 1] as number) === 1)).toBe(true);
    expect(parsed.slice(0, 6).map((p) => p.subsystem)).toEqual([
      '/proc/cpuinfo',
      '/proc/stat',
      '/proc/meminfo',
      '/proc/net/dev',
      '/proc/diskstats',
      'statfs[*]',
    ]);
    expect(logLines(res.stderr).at(-1)).toMatchObject({ level: 'info', msg: 'pcc collection complete' });
  });

  it('status shows the masked key, the spool depth and the dead letters', async () => {
    const dataDir = freshDir();
    const spool = new Spool({ dir: join(dataDir, 'spool'), sync: false });
    for (let t = 1; t <= 3; t++) spool.append({ timestamp: t, host: {} });
    spool.close();
    writeFileSync(join(dataDir, 'dead-letter.ndjson'), '{"batch_id":"b","status":400,"samples":[{},{}]}\n');
    const res = await runPcc(['status', '--json'], {
      PCC_DATA_DIR: dataDir,
      PCC_SERVER_URL: 'http://127.0.0.1:9',
      PCC_APIKEY: 'secret-key-0123456789',
    });
    expect(res.code).toBe(0);
    const status = JSON.parse(res.stdout);
    expect(status.config.api_key).toBe('secr…6789');
    expect(res.stdout).not.toContain('secret-key-0123456789');
    expect(status.server.reachable).toBe(false);
    expect(status.spool.pending_samples).toBe(3);
    expect(status.dead_letters).toMatchObject({ batches: 1, samples: 2 });
  });

  it('the bundle built by esbuild is one file that runs on its own', () => {
    const out = join(freshDir(), 'pcc.mjs');
    execFileSync(process.execPath, [pccPath('scripts', 'build.mjs'), out], { stdio: 'pipe' });
    expect(execFileSync(process.execPath, [out, '--version'], { encoding: 'utf8' })).toBe(`pcc ${VERSION}\n`);
    const text = readFileSync(out, 'utf8');
    expect(text.startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(text).not.toMatch(/from ['"]@xat\//);
  });
});

describe('pcc run (the daemon) against a local server', () => {
  it('registers, uploads a sample every interval, stops cleanly on SIGTERM, and resumes without a gap', async () => {
    const store = new FakeMetricsStore();
    const registrations: unknown[] = [];
    const server = await FakeServer.start((req, res) => {
      if (req.url === '/api/v1/register/') {
        registrations.push(req.json);
        return sendJson(res, 200, {
          status: 'registered',
          collector_id: 'c0ffee00-0000-4000-8000-000000000001',
          name: 'srv',
          message: 'ok',
        });
      }
      sendJson(res, 200, store.accept(req.json));
    });
    servers.push(server);
    const dataDir = freshDir();
    const env = {
      PCC_SERVER_URL: server.url,
      PCC_APIKEY: 'key-for-tests',
      PCC_DATA_DIR: dataDir,
      PCC_FREQUENCY: '1s',
      PCC_UPLOAD_INTERVAL: '1s',
      PCC_LOG_LEVEL: 'debug',
      // This fake server takes metrics only: the daemon's job polls (its own tests) would reach the metrics handler.
      PCC_JOBS: '0',
    };
    const first = startPcc(['run'], env);
    // Two samples stored (start-up takes longer on a busy machine: bounded wait, not a fixed sleep).
    for (let waited = 0; store.stored.size < 2 && waited < 20_000; waited += 100)
      await new Promise((r) => setTimeout(r, 100));
    expect(await first.stop()).toBe(0);
    const logs = logLines(first.output().stderr);
    expect(logs[0]).toMatchObject({ level: 'info', msg: 'pcc started' });
    expect(logs.at(-1)).toMatchObject({ msg: 'pcc stopped', flushed: true, pending_samples: 0 });
    expect(registrations).toHaveLength(1);
    const beforeRestart = store.stored.size;
    expect(beforeRestart).toBeGreaterThanOrEqual(2);

    const second = startPcc(['run'], env);
    for (let waited = 0; store.stored.size <= beforeRestart && waited < 20_000; waited += 100)
      await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 1100)); // and one more interval
    expect(await second.stop()).toBe(0);
    expect(registrations).toHaveLength(1); // same specs, same day: no second registration
    const stamps = [...store.stored.keys()].sort((a, b) => a - b);
    expect(stamps.length).toBeGreaterThan(beforeRestart);
    // No hole across the restart: the round saved on stop pairs with the first one after, so each sample's interval
    // starts where the previous one ended.
    for (let i = 1; i < stamps.length; i++) {
      const t = stamps[i] as number;
      expect(t - (store.intervals.get(t) ?? 0), `sample ${t}`).toBe(stamps[i - 1]);
    }
    expect([...store.stored.values()].every((n) => n === 1)).toBe(true);
    const agent = store.batches.at(-1)?.agent;
    expect(agent).toMatchObject({ version: VERSION, dropped_samples: 0 });
    expect(agent?.rss_bytes).toBeGreaterThan(10e6);
  }, 60_000);
});
