/**
 * The agent's own verdict on a run, by the same judge the server applies to what it stores (judgeLoadTest of
 * @xat/contracts, from the same figures: whole units per level as uploaded, the levels' conditions, the run's), and
 * how it is told to people: the figures first, the verdict and its reasons last.
 */
import { judgeLoadTest, LOAD_LEVELS, type Verdict } from '@xat/contracts';
import type { LoadTestResult } from './result.ts';

type Measured = Omit<LoadTestResult, 'validity' | 'validity_reasons'>;

export function judgeResult(r: Measured): Verdict {
  return judgeLoadTest({
    source: 'pcc',
    // The server keeps whole units: judged on the same numbers, the two verdicts agree.
    units: LOAD_LEVELS.map((u) => Math.round(r.levels.find((l) => l.utilization === u)?.work_units ?? 0)),
    levels: r.levels,
    background_busy: r.background_busy,
    speed_change_pct: r.speed_change_pct,
    level_seconds: r.level_seconds,
    forced: r.forced,
  });
}

const signed = (v: number) => `${v >= 0 ? '+' : ''}${v}`;
const cpusText = (r: LoadTestResult) =>
  r.effective_cpus === r.vcpus
    ? `${r.vcpus} vCPUs`
    : `${r.vcpus} vCPUs, ${r.effective_cpus} effective (cgroup quota or cpuset)`;

/** The run's figures in one line: units at the 100 % level itself, and per effective CPU. */
export function summaryLine(r: LoadTestResult): string {
  const speed =
    r.speed_change_pct === undefined
      ? ''
      : `; flat-out speed at the end ${signed(r.speed_change_pct)} % against the start`;
  return `${cpusText(r)}: ${r.units_100pct} units/s at 100 % (${r.units_per_effective_cpu} per ${
    r.effective_cpus === r.vcpus ? 'vCPU' : 'effective CPU'
  })${speed}\n`;
}

const HEADLINE = {
  valid: 'valid: nothing in how it was measured casts doubt on these units.',
  suspect: 'suspect: the units may be off; compare them with care, or run the test again.',
  invalid:
    'invalid: these units do not measure this machine. The server stores the result as invalid and leaves it out of comparisons.',
} as const;

/** The verdict and every reason in plain words, for the end of the output. */
export function verdictText(r: LoadTestResult): string {
  const lines = [`Verdict: ${HEADLINE[r.validity]}`];
  for (const reason of r.validity_reasons) lines.push(`  - ${reason.severity}: ${reason.message}`);
  return `${lines.join('\n')}\n`;
}
