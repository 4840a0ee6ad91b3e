/**
 * How the agent's verdict on a run (result.ts: the server's judge, judgeLoadTest) is told to people: the figures
 * first, the verdict and its reasons last.
 */
import type { LoadTestResult } from './result.ts';

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
