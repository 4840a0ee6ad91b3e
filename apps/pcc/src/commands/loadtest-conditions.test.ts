/**
 * The real agent on the real machine under real conditions: a CPU hog on every vCPU, and a cgroup CPU quota. One file,
 * so its load tests run one after the other and never load the machine under each other. The machine is shared and
 * noisy: no test here expects `valid` (that is tested on the simulated machine, in verdict.test.ts).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { startHogs, stopHogs } from '../testing/cpu-hogs.ts';
import { agentEnv, PCC_BIN, type PccResult, runPcc } from '../testing/run-pcc.ts';
import { tempDirs } from '../testing/temp-dirs.ts';

const freshDir = tempDirs('pcc-conditions-');

interface Level {
  utilization: number;
  work_units: number;
  achieved_utilization: number;
  other_utilization: number;
  throttled_pct?: number;
  throttled_usec?: number;
}
interface Result {
  levels: Level[];
  vcpus: number;
  effective_cpus: number;
  workers: number;
  units_100pct: number;
  units_per_effective_cpu: number;
  forced: boolean;
  validity: string;
  validity_reasons: { code: string; severity: string }[];
}
const full = (r: Result) => r.levels.find((l) => l.utilization === 100) as Level;
/** Short levels keep the file within two minutes; they are too short to be valid, which nothing here expects. */
const QUICK = ['--level-seconds', '2', '--no-upload', '--json'];

describe('pcc loadtest on a loaded machine (real CPU hogs)', () => {
  it('refuses to start while the machine stays busy, unless --force, which runs, marks the result and judges it', async () => {
    const hogs = startHogs(cpus().length);
    try {
      await sleep(500);
      const tmp = freshDir();
      const refused = await runPcc(['loadtest', ...QUICK, '--quiet-wait', '3'], { TMPDIR: tmp });
      expect(refused.code, refused.stderr).toBe(4);
      expect(refused.stderr).toMatch(/Waiting for the machine to be quiet: \d+ % busy/);
      expect(refused.stderr).toMatch(/Refused: the machine stayed busy \(\d+ % at the last look, limit 10 %\)/);
      expect(refused.stdout).toBe('');

      const res = await runPcc(
        ['loadtest', ...QUICK, '--quiet-wait', '1', '--force'],
        { TMPDIR: tmp },
        { timeoutMs: 90_000 },
      );
      const result = JSON.parse(res.stdout) as Result;
      expect(result.forced).toBe(true);
      expect(['suspect', 'invalid']).toContain(result.validity);
      const codes = new Set(result.validity_reasons.map((r) => r.code));
      // The hogs were there before the start and through every level.
      for (const code of ['forced', 'background_load', 'other_load']) expect(codes, code).toContain(code);
      expect(Math.max(...result.levels.map((l) => l.other_utilization))).toBeGreaterThan(15);
      expect(res.code, res.stderr).toBe(result.validity === 'invalid' ? 3 : 0);
      expect(res.stderr).toMatch(/\nVerdict: (suspect|invalid): .*\n( {2}- (suspect|invalid): .*\n)+$/);
    } finally {
      await stopHogs(hogs);
    }
  }, 150_000);
});

const CPU_V1 = '/sys/fs/cgroup/cpu';
/** Why a CPU quota cannot be set here, or undefined when it can (root, cgroup v1's cpu controller writable). */
function noQuotaReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'not root: cannot create a cgroup';
  if (!existsSync(join(CPU_V1, 'cpu.cfs_quota_us'))) return `no cgroup v1 cpu controller at ${CPU_V1}`;
  const probe = join(CPU_V1, `xat-pcc-probe-${process.pid}`);
  try {
    mkdirSync(probe);
    rmdirSync(probe);
    return undefined;
  } catch (err) {
    return `${CPU_V1} is not writable (${(err as Error).message})`;
  }
}
const skip = noQuotaReason();

/** Runs the agent inside a cgroup: the shell joins the group, then becomes the agent (exec), so the agent is in it. */
function runPccInGroup(group: string, args: string[], env: Record<string, string>): Promise<PccResult> {
  return new Promise((resolve) => {
    execFile(
      'sh',
      ['-c', 'echo $$ > "$0" && exec "$@"', join(group, 'cgroup.procs'), process.execPath, PCC_BIN, ...args],
      { env: agentEnv(env), timeout: 90_000 },
      (err, stdout, stderr) => {
        const code = err ? ((err as { code?: number }).code ?? 1) : 0;
        resolve({ code: typeof code === 'number' ? code : 1, stdout, stderr });
      },
    );
  });
}

/** Removes a group, first ending whatever is still in it (only the agent this test started can be). */
async function removeGroup(group: string) {
  for (let i = 0; i < 50 && existsSync(group); i++) {
    for (const pid of readFileSync(join(group, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean)) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // already gone
      }
    }
    try {
      rmdirSync(group);
    } catch {
      await sleep(100);
    }
  }
}

describe('pcc loadtest under a real CPU quota', () => {
  it.skipIf(skip !== undefined)(
    `a 0.5-CPU quota (cgroup v1): effective_cpus 0.5, one worker, units per effective CPU like an unlimited run's, throttling reported${skip ? ` — skipped: ${skip}` : ''}`,
    async () => {
      const group = join(CPU_V1, `xat-pcc-test-${process.pid}`);
      mkdirSync(group);
      try {
        writeFileSync(join(group, 'cpu.cfs_period_us'), '100000');
        writeFileSync(join(group, 'cpu.cfs_quota_us'), '50000');
        const args = ['loadtest', ...QUICK, '--quiet-wait', '1', '--force'];
        const free = await runPcc(args, { TMPDIR: freshDir() }, { timeoutMs: 90_000 });
        const limitedRun = await runPccInGroup(group, args, { TMPDIR: freshDir() });
        const unlimited = JSON.parse(free.stdout) as Result;
        const limited = JSON.parse(limitedRun.stdout) as Result;
        expect(limitedRun.code, limitedRun.stderr).toBe(limited.validity === 'invalid' ? 3 : 0);

        expect(limited).toMatchObject({ vcpus: cpus().length, effective_cpus: 0.5, workers: 1 });
        expect(unlimited.effective_cpus).toBeGreaterThan(0.5);
        // Throttling is reported at every level under the quota, and nowhere without one.
        for (const l of limited.levels) expect(typeof l.throttled_pct, `level ${l.utilization}`).toBe('number');
        for (const l of unlimited.levels) expect(l, `level ${l.utilization}`).not.toHaveProperty('throttled_pct');
        // A load that got its whole quota flat out was cut short by it (on a machine saturated by other work it may
        // not even reach the quota, and then nothing throttles it).
        if (full(limited).achieved_utilization >= 90) {
          expect(full(limited).throttled_pct).toBeGreaterThan(0);
          expect(full(limited).throttled_usec).toBeGreaterThan(0);
        }

        const perCpu = limited.units_per_effective_cpu / unlimited.units_per_effective_cpu;
        const msg = `units/s per effective CPU: ${limited.units_per_effective_cpu} under the quota, ${unlimited.units_per_effective_cpu} without (achieved at 100 %: ${full(limited).achieved_utilization} and ${full(unlimited).achieved_utilization}; throttled ${full(limited).throttled_pct} % of periods)`;
        if (Math.abs(perCpu - 1) > 0.15) {
          // A larger gap must be what the runs measured: the share of its CPUs each load got (the quota's throttling,
          // other processes of this shared machine). Per CPU-second the load really had, the two agree.
          const speed = (r: Result) => r.units_100pct / ((full(r).achieved_utilization / 100) * r.effective_cpus);
          expect(Math.abs(speed(limited) / speed(unlimited) - 1), msg).toBeLessThan(0.15);
        }
        console.log(msg);
      } finally {
        await removeGroup(group);
      }
      expect(existsSync(group)).toBe(false);
    },
    200_000,
  );
});
