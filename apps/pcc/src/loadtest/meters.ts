/**
 * The real machine's readers for the load test: /proc/stat, the CPU clock, the binding cgroup's throttling counters
 * and CPU pressure. Each condition reader answers undefined where the kernel does not show it (no cpufreq in most VMs,
 * no PSI before Linux 4.20, no quota), so a level reports only what was really measured.
 */
import { posix } from 'node:path';
import { parseStat } from '@xat/procfs';
import { CommandError } from '../commands/context.ts';
import { parseCpuStat } from '../cpus/cgroup.ts';
import type { CpuLimits } from '../cpus/effective-cpus.ts';
import type { RootReader } from '../specs/read.ts';
import type { Meters } from './controller.ts';

/** Mean of the `cpu MHz` lines of /proc/cpuinfo (x86 shows the current clock there; most Arm kernels do not). */
export function parseCpuinfoMhz(text: string | undefined): number | undefined {
  const values = [...(text ?? '').matchAll(/^cpu MHz\s*:\s*([\d.]+)/gm)].map((m) => Number(m[1]));
  return mean(values);
}

/** `some avg10` of /proc/pressure/cpu. */
export function parsePressureSome(text: string | undefined): number | undefined {
  const m = /^some\b.*\bavg10=([\d.]+)/m.exec(text ?? '');
  return m ? Number(m[1]) : undefined;
}

/** Mean clock of all CPUs, MHz: cpufreq's scaling_cur_freq (kHz) where present, else /proc/cpuinfo. */
export function readFreqMhz(files: RootReader): number | undefined {
  const base = 'sys/devices/system/cpu';
  const khz = files
    .list(base)
    .filter((name) => /^cpu\d+$/.test(name))
    .map((cpu) => Number(files.text(posix.join(base, cpu, 'cpufreq/scaling_cur_freq'))?.trim()))
    .filter((v) => Number.isFinite(v) && v > 0);
  const fromSys = mean(khz);
  return fromSys !== undefined ? fromSys / 1000 : parseCpuinfoMhz(files.text('proc/cpuinfo'));
}

function mean(values: number[]): number | undefined {
  const ok = values.filter((v) => Number.isFinite(v));
  return ok.length > 0 ? ok.reduce((a, b) => a + b, 0) / ok.length : undefined;
}

export function readProcStat(files: RootReader) {
  const stat = parseStat(files.text('proc/stat') ?? '');
  if (!stat) throw new CommandError('/proc/stat has no cpu line: cannot measure utilization');
  return stat.total;
}

/** The meters of a real run: the machine, the load's own CPU time, and every condition this host shows. */
export function realMeters(files: RootReader, limits: CpuLimits, own: () => number): Meters {
  const cpuStat = limits.cpu_stat;
  return {
    machine: () => readProcStat(files),
    own,
    freqMhz: () => readFreqMhz(files),
    throttling: cpuStat ? () => parseCpuStat(files.text(cpuStat)) : undefined,
    cpuPressure: () => parsePressureSome(files.text('proc/pressure/cpu')),
  };
}
