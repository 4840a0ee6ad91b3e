/**
 * The benchmark suite on this machine (`npm run bench -- suite`): every benchmark of `pcc bench` repeated
 * BENCH_SUITE_RUNS times (default 5; BENCH_QUICK=1: 3) with BENCH_SUITE_STEP seconds per step (default 3; quick: 1),
 * its figures' medians and run-to-run CV written to BENCHMARKS.md ("Benchmark suite"). Beside them, for scale: the
 * C reference loop of the memory benchmark (bench/native/membw.c) over the same buffer, the disk's random reads from
 * the page cache, and the built-in disk engine beside fio when fio is installed. The network is measured against a
 * local `xat serve` (loopback). The run waits up to BENCH_QUIET_WAIT seconds (default 120) for a quiet machine and
 * refuses otherwise; BENCH_FORCE=1 runs anyway (every figure then marked forced).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SuiteBenchmarkResult, type SuiteResult, suiteMetric } from '@xat/contracts';
import { memoryBufferBytes } from '../apps/pcc/src/bench/memory.ts';
import { runSuite } from '../apps/pcc/src/bench/suite.ts';
import { detectCpuLimits } from '../apps/pcc/src/cpus/effective-cpus.ts';
import { rootReader } from '../apps/pcc/src/specs/read.ts';
import { machine, writeSection } from './report.ts';
import { createCollector, signIn, startServer } from './server.ts';

const ROOT = new URL('..', import.meta.url).pathname;
const QUICK = process.env.BENCH_QUICK === '1';
const RUNS = Number(process.env.BENCH_SUITE_RUNS ?? (QUICK ? 3 : 5));
const STEP = Number(process.env.BENCH_SUITE_STEP ?? (QUICK ? 1 : 3));
const DISK_MB = QUICK ? 64 : 512;
const FORCE = process.env.BENCH_FORCE === '1';
const QUIET_WAIT = Number(process.env.BENCH_QUIET_WAIT ?? 120);

/** The C loop over `bytes`, twice; the mean per operation, GB/s. */
function cMemory(work: string, bytes: number): Record<string, number> {
  const binary = join(work, 'membw');
  execFileSync('gcc', ['-O3', '-o', binary, join(ROOT, 'bench/native/membw.c')]);
  const out: Record<string, number> = {};
  for (let i = 0; i < 2; i++)
    for (const [, op, v] of execFileSync(binary, [String(bytes), String(STEP)], { encoding: 'utf8' }).matchAll(
      /^(\w+) ([\d.]+)$/gm,
    ))
      out[op as string] = (out[op as string] ?? 0) + Number(v) / 2;
  return out;
}

/** 4 KiB random reads of a cached 64 MiB file, per second. */
function cachedRandomReads(dir: string): number {
  const file = join(dir, 'cached.bin');
  const bytes = 64 * 2 ** 20;
  writeFileSync(file, randomBytes(bytes));
  const fd = openSync(file, 'r');
  try {
    const big = Buffer.alloc(2 ** 20);
    for (let at = 0; at < bytes; at += big.length) readSync(fd, big, 0, big.length, at);
    const buf = Buffer.alloc(4096);
    let ops = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < STEP * 1000) {
      readSync(fd, buf, 0, 4096, Math.floor(Math.random() * (bytes / 4096)) * 4096);
      ops++;
    }
    return ops / ((performance.now() - t0) / 1000);
  } finally {
    closeSync(fd);
    rmSync(file);
  }
}

const fmt = (v: number | null | undefined, digits = 2) =>
  v === null || v === undefined ? '–' : Math.abs(v) >= 100 ? Math.round(v).toString() : v.toFixed(digits);

function rows(b: SuiteBenchmarkResult): string[] {
  if (b.error) return [`| ${b.name} | could not run: ${b.error} | | | | |`];
  return Object.entries(b.metrics).map(([key, s]) => {
    const def = suiteMetric(key);
    const values = s.values.map((v) => fmt(v, 3)).join(', ');
    return `| ${b.name} | ${def?.label ?? key} | ${fmt(s.median, 3)} ${def?.unit ?? ''} | ${fmt(s.cv_pct, 1)} | ${values} | ${b.validity} |`;
  });
}

const worst = (b: SuiteBenchmarkResult, key: 'other_load_pct' | 'steal_pct') =>
  Math.max(0, ...b.runs.map((r) => r.conditions[key] ?? 0));

export async function benchSuite(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'xat-bench-suite-'));
  const server = await startServer(18_451, { DATABASE_URL: '' });
  try {
    const access = await signIn(server.url);
    const { api_key } = await createCollector(server.url, access, { name: 'bench-suite' });
    const common = {
      runs: RUNS,
      stepSeconds: STEP,
      diskSizeMb: DISK_MB,
      diskDir: work,
      serverUrl: server.url,
      apiKey: api_key,
      dataDir: join(work, 'agent'),
      force: FORCE,
      quietWaitSeconds: QUIET_WAIT,
      onProgress: (p: { step: number; steps: number; message: string }) =>
        process.stderr.write(`\r[${p.step}/${p.steps}] ${p.message.slice(0, 100).padEnd(100)}`),
    };
    console.log(`Benchmark suite: ${RUNS} repeats, ${STEP} s per step${FORCE ? ', forced' : ''}`);
    const t0 = performance.now();
    const result: SuiteResult = await runSuite({
      ...common,
      profile: 'bench',
      benchmarks: ['cpu_sweep', 'core_scaling', 'memory', 'disk', 'network'],
    });
    const minutes = (performance.now() - t0) / 60_000;
    const disk = result.benchmarks.find((b) => b.name === 'disk');
    const builtin = disk?.engine?.startsWith('fio')
      ? (await runSuite({ ...common, benchmarks: ['disk'], diskEngine: 'builtin' })).benchmarks[0]
      : undefined;
    process.stderr.write('\n');
    const limits = detectCpuLimits(rootReader('/'), cpus().length);
    const bytes = memoryBufferBytes(rootReader('/'), Math.ceil(limits.effective_cpus));
    const c = cMemory(work, bytes);
    const cached = cachedRandomReads(work);

    const memory = result.benchmarks.find((b) => b.name === 'memory');
    const med = (b: SuiteBenchmarkResult | undefined, key: string) => b?.metrics[key]?.median ?? null;
    const rec = result.record;
    const scaling = result.benchmarks.find((b) => b.name === 'core_scaling');
    const md = `
## Benchmark suite

${new Date().toISOString().slice(0, 10)} · ${machine()} · ${rec.cpu_model}, microcode ${rec.microcode ?? '–'}, SMT ${rec.smt === null ? '?' : rec.smt ? 'on' : 'off'}, ${rec.numa_nodes ?? '?'} NUMA node(s), kernel ${rec.kernel}, governor ${rec.governor ?? 'none'}, hypervisor ${rec.hypervisor ?? '?'}.
\`runSuite\` as \`pcc bench\` runs it: every benchmark ${RUNS} times, ${STEP} s per step, ${fmt(minutes, 1)} min in all${result.forced ? ` — **forced**: the machine was ${fmt(result.background_busy_pct, 0)} % busy at the start (other sessions' tests), so every figure is marked and noisier than a quiet machine's` : `, the machine ${fmt(result.background_busy_pct, 0)} % busy at the start`}.
CV is the run-to-run coefficient of variation of the repeats; the verdict is judgeBenchmark's (the load test's limits plus run spread: CV past 5 % suspect, past 20 % invalid). Worst other load / steal in a repeat: ${result.benchmarks
      .filter((b) => !b.error)
      .map((b) => `${b.name} ${fmt(worst(b, 'other_load_pct'), 0)} % / ${fmt(worst(b, 'steal_pct'), 1)} %`)
      .join(', ')}.

| benchmark | figure | median | CV % | repeats | verdict |
|---|---|---:|---:|---|---|
${result.benchmarks.flatMap(rows).join('\n')}

- Engines: ${result.benchmarks.map((b) => `${b.name}: ${b.engine ?? '–'}`).join('; ')}.
- Core scaling, units/s by busy workers (medians): ${scaling?.curve?.map((p) => `${p.workers}: ${fmt(p.units_per_s)}`).join(', ') ?? '–'}.
- Memory against the C reference loop (bench/native/membw.c, gcc -O3, the same ${bytes / 2 ** 20} MiB, one thread, run after the suite): ${(
      ['read', 'write', 'copy'] as const
    )
      .map((op) => {
        const ours = med(memory, `memory.${op}_gbps_1t`);
        const ref = c[op];
        return `${op} ${fmt(ours)} vs ${fmt(ref)} GB/s (${ours && ref ? fmt(ours / ref) : '–'}×)`;
      })
      .join(', ')}.
- Disk, 4 KiB random reads: ${fmt(med(disk, 'disk.rand_read_iops'))} IOPS direct (${disk?.engine?.split(' ')[0] ?? '–'})${builtin && !builtin.error ? `, ${fmt(med(builtin, 'disk.rand_read_iops'))} IOPS with the built-in engine (CV ${fmt(builtin.metrics['disk.rand_read_iops']?.cv_pct ?? null, 1)} %; sequential read ${fmt(med(builtin, 'disk.seq_read_mbps'))} MB/s, write ${fmt(med(builtin, 'disk.seq_write_mbps'))} MB/s; random write ${fmt(med(builtin, 'disk.rand_write_iops'))} IOPS)` : ''}, against ${fmt(cached)} IOPS for the same reads of a 64 MiB file from the page cache: direct I/O bypasses the cache.
- Network: loopback to a local \`xat serve\` (PGlite), so it measures the server and the agent, not a link.
- Verdict of the suite: ${result.validity}${result.validity_reasons.length ? ` (${result.validity_reasons.length} reasons: ${[...new Set(result.validity_reasons.map((r) => r.code))].join(', ')})` : ''}.
`;
    console.log(md);
    writeSection('suite', md);
  } finally {
    await server.stop();
    rmSync(work, { recursive: true, force: true });
  }
}
