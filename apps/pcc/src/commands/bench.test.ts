import { readdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type SuiteResult, SuiteResultSchema } from '@xat/contracts';
import { Compile } from 'typebox/compile';
import { describe, expect, it } from 'vitest';
import { startHogs, stopHogs } from '../testing/cpu-hogs.ts';
import { runPcc, startPcc } from '../testing/run-pcc.ts';
import { tempDirs } from '../testing/temp-dirs.ts';

const freshDir = tempDirs('pcc-bench-cli-');
const QUICK = ['--runs', '1', '--step-seconds', '0.3', '--disk-size', '16'];

describe('pcc bench', () => {
  it('memory, disk and network: --json is the result as stored, the table on stderr; no server → network says why', async () => {
    const tmp = freshDir();
    const dir = freshDir();
    const res = await runPcc(
      ['bench', 'memory', 'disk', 'network', ...QUICK, '--dir', dir, '--force', '--quiet-wait', '0', '--json'],
      { TMPDIR: tmp },
      { timeoutMs: 90_000 },
    );
    const result = JSON.parse(res.stdout) as SuiteResult;
    const check = Compile(SuiteResultSchema);
    expect(check.Check(result), JSON.stringify([...check.Errors(result)])).toBe(true);
    expect(result.benchmarks.map((b) => b.name)).toEqual(['memory', 'disk', 'network']);
    expect(result.benchmarks[2]?.error).toMatch(/No XAT server configured/);
    expect(result.record.vcpus).toBe(cpus().length);
    expect(res.code, res.stderr).toBe(result.validity === 'invalid' ? 3 : 0);
    // Plain progress lines (stderr is no terminal), then the table and the verdict.
    expect(res.stderr).toMatch(/\[0\/3\] memory 1\/1: read, 1 thread\n/);
    expect(res.stderr).toMatch(/Memory read, 1 thread +[\d.]+ +GB\/s/);
    expect(res.stderr).toMatch(/4 KiB random read +\d+ +IOPS/);
    expect(res.stderr).toMatch(/network: could not run\n {2}No XAT server configured/);
    expect(res.stderr).toMatch(/\nVerdict: (valid|suspect|invalid)/);
    expect(readdirSync(dir)).toEqual([]);
  }, 120_000);

  it('the table on stdout without --json', async () => {
    const res = await runPcc(['bench', 'network', ...QUICK, '--quiet-wait', '0', '--force'], { TMPDIR: freshDir() });
    expect(res.stdout).toMatch(/^.+, \d+ vCPUs \(.+ effective\), kernel /);
    expect(res.stdout).toContain('network: could not run');
    // Nothing could run: failed.
    expect(res.code).toBe(1);
  });

  it('SIGTERM in the middle of the disk benchmark: stops within seconds, exit 1, the test file removed', async () => {
    const dir = freshDir();
    const agent = startPcc(
      [
        'bench',
        'disk',
        '--runs',
        '3',
        '--step-seconds',
        '20',
        '--disk-size',
        '16',
        '--dir',
        dir,
        '--force',
        '--quiet-wait',
        '0',
      ],
      { TMPDIR: freshDir() },
    );
    // Until the test file is there and being measured.
    for (let i = 0; i < 300 && !/disk 1\/3: /.test(agent.output().stderr); i++) await sleep(50);
    expect(readdirSync(dir)).toHaveLength(1);
    const t0 = performance.now();
    const code = await agent.stop();
    expect((performance.now() - t0) / 1000).toBeLessThan(5);
    expect(code).toBe(1);
    expect(agent.output().stderr).toContain('pcc bench: The benchmark was cancelled.');
    expect(readdirSync(dir)).toEqual([]);
  }, 60_000);

  it('usage: unknown names exit 2, bad flag values exit 1 saying which', async () => {
    const unknown = await runPcc(['bench', 'quick', 'gpu'], { TMPDIR: freshDir() });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown profile or benchmark: gpu');
    for (const [flag, value] of [
      ['--runs', '11'],
      ['--step-seconds', '0.1'],
      ['--disk-size', '4'],
      ['--disk-engine', 'dd'],
    ]) {
      const res = await runPcc(['bench', 'memory', flag as string, value as string], { TMPDIR: freshDir() });
      expect(res.code, `${flag} ${value}`).toBe(1);
      expect(res.stderr).toContain(`${flag} must be`);
    }
    const help = await runPcc(['bench', '--help']);
    expect(help.stdout).toContain('--dir DIR');
  });

  it('refuses while another load test or benchmark runs on the host (exit 1)', async () => {
    const tmp = freshDir();
    writeFileSync(join(tmp, 'pcc-loadtest.lock'), String(process.pid)); // a live process holds it
    const res = await runPcc(['bench', 'memory', '--force'], { TMPDIR: tmp });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`Another load test or benchmark is running on this host (pid ${process.pid})`);
  });

  it('a busy machine (real CPU hogs): refused (exit 4) unless --force, which runs and marks every benchmark', async () => {
    const hogs = startHogs(cpus().length);
    try {
      await sleep(500);
      const tmp = freshDir();
      const refused = await runPcc(['bench', 'memory', ...QUICK, '--quiet-wait', '2'], { TMPDIR: tmp });
      expect(refused.code, refused.stderr).toBe(4);
      expect(refused.stderr).toMatch(/waiting for the machine to be quiet: \d+ % busy/);
      expect(refused.stderr).toMatch(/Refused: the machine stayed busy \(\d+ % at the last look, limit 10 %\)/);
      expect(refused.stderr).toContain('--force');
      expect(refused.stdout).toBe('');

      const forced = await runPcc(
        ['bench', 'memory', ...QUICK, '--quiet-wait', '1', '--force', '--json'],
        { TMPDIR: tmp },
        { timeoutMs: 90_000 },
      );
      const result = JSON.parse(forced.stdout) as SuiteResult;
      expect(result.forced).toBe(true);
      expect(['suspect', 'invalid']).toContain(result.validity);
      const codes = new Set(result.validity_reasons.map((r) => r.code));
      for (const code of ['forced', 'background_load', 'other_load']) expect(codes, code).toContain(code);
      expect(result.benchmarks[0]?.runs[0]?.conditions.other_load_pct).toBeGreaterThan(15);
      expect(forced.code, forced.stderr).toBe(result.validity === 'invalid' ? 3 : 0);
    } finally {
      await stopHogs(hogs);
    }
  }, 150_000);
});
