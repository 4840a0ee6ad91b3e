/**
 * The disk benchmark through fio, when it is installed: the same four jobs as the built-in engine (disk-builtin.ts),
 * `--direct=1 --ioengine=psync --iodepth=1`, one fio run each, its JSON report parsed. A cancel ends fio (SIGTERM).
 */
import { spawn } from 'node:child_process';
import type { BenchEnv, RepeatResult } from './types.ts';
import { round } from './types.ts';

/** `fio --version` ('fio-3.33'), or undefined when fio is not installed (or does not run). */
export function fioVersion(): Promise<string | undefined> {
  return new Promise((resolve) => {
    const child = spawn('fio', ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.once('error', () => resolve(undefined));
    child.once('close', (code) => resolve(code === 0 && out.trim() ? out.trim() : undefined));
  });
}

/** Runs fio with `args`; its stdout (the JSON report). Cancel: SIGTERM, then the abort's reason is thrown. */
function runFio(env: BenchEnv, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('fio', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    const stop = () => child.kill('SIGTERM');
    env.signal.addEventListener('abort', stop, { once: true });
    child.once('error', (e) => {
      env.signal.removeEventListener('abort', stop);
      reject(e);
    });
    child.once('close', (code) => {
      env.signal.removeEventListener('abort', stop);
      if (env.signal.aborted) reject(env.signal.reason ?? new Error('cancelled'));
      else if (code !== 0) reject(new Error(`fio failed (exit ${code}): ${err.trim().slice(0, 500)}`));
      else resolve(out);
    });
  });
}

interface FioSide {
  bw_bytes?: number;
  iops?: number;
  clat_ns?: { percentile?: Record<string, number> };
}
interface FioReport {
  jobs?: { error?: number; read?: FioSide; write?: FioSide }[];
}

/** The figures of one side (read or write) of fio's JSON report: bytes/s, IOPS, completion latency p50/p99 in ms. */
export function parseFioReport(text: string, side: 'read' | 'write') {
  const start = text.indexOf('{');
  if (start < 0) throw new Error('fio printed no JSON report');
  const report = JSON.parse(text.slice(start)) as FioReport;
  const job = report.jobs?.[0];
  if (!job) throw new Error('fio reported no job');
  if (job.error) throw new Error(`fio reported error ${job.error}`);
  const s = job[side] ?? {};
  const pct = s.clat_ns?.percentile ?? {};
  const ms = (key: string) => (pct[key] === undefined ? undefined : (pct[key] as number) / 1e6);
  return { bytesPerS: s.bw_bytes ?? 0, iops: s.iops ?? 0, p50Ms: ms('50.000000'), p99Ms: ms('99.000000') };
}

const common = (path: string, bytes: number) => [
  // fio reads ':' in a file name as a list of files.
  `--filename=${path.replace(/:/g, '\\:')}`,
  `--size=${bytes}`,
  '--direct=1',
  '--ioengine=psync',
  '--iodepth=1',
  '--randrepeat=0',
  '--output-format=json',
];

/** Writes the file once, whole (fio's reads then never meet a hole or unwritten extents). */
export async function fioFill(env: BenchEnv, path: string, bytes: number) {
  await runFio(env, ['--name=fill', ...common(path, bytes), '--rw=write', '--bs=1M', '--end_fsync=1']);
}

export async function fioRepeat(env: BenchEnv, path: string, bytes: number): Promise<RepeatResult> {
  const runtime = [`--runtime=${Math.max(1, Math.round(env.stepSeconds * 1000))}ms`, '--time_based'];
  const job = async (name: string, rw: string, bs: string, side: 'read' | 'write', extra: string[] = []) => {
    env.say(`fio ${name}`);
    const out = await runFio(env, [
      `--name=${name}`,
      ...common(path, bytes),
      `--rw=${rw}`,
      `--bs=${bs}`,
      ...runtime,
      ...extra,
    ]);
    return parseFioReport(out, side);
  };
  const metrics: Record<string, number> = {};
  const seqWrite = await job('seq-write', 'write', '1M', 'write', ['--end_fsync=1']);
  metrics['disk.seq_write_mbps'] = round(seqWrite.bytesPerS / 1e6, 1);
  const seqRead = await job('seq-read', 'read', '1M', 'read');
  metrics['disk.seq_read_mbps'] = round(seqRead.bytesPerS / 1e6, 1);
  for (const side of ['read', 'write'] as const) {
    const r = await job(`rand-${side}`, `rand${side}`, '4k', side);
    metrics[`disk.rand_${side}_iops`] = round(r.iops, 0);
    if (r.p50Ms !== undefined) metrics[`disk.rand_${side}_p50_ms`] = round(r.p50Ms, 4);
    if (r.p99Ms !== undefined) metrics[`disk.rand_${side}_p99_ms`] = round(r.p99Ms, 4);
  }
  return { metrics };
}
