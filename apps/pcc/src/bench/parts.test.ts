/** The suite's parts that need no load: the record, sizes, steps, plans, fio's report, conditions and verdicts. */
import { readFileSync } from 'node:fs';
import { SuiteResultSchema } from '@xat/contracts';
import { ZERO_CPU_TIMES } from '@xat/procfs';
import { Compile } from 'typebox/compile';
import { describe, expect, it } from 'vitest';
import { rootReader } from '../specs/read.ts';
import { fixturePath } from '../testing/paths.ts';
import { conditionsBetween } from './conditions.ts';
import { scalingSteps } from './core-scaling.ts';
import { diskFileBytes } from './disk.ts';
import { parseFioReport } from './disk-fio.ts';
import { lastLevelCacheBytes, MIN_BUFFER_BYTES, memoryBufferBytes } from './memory.ts';
import { planOf } from './plan.ts';
import { detectHypervisor, readReproRecord } from './record.ts';
import { failedBenchmark, judgeSuite, summarizeBenchmark } from './summary.ts';

const vm = rootReader(fixturePath('bench-vm', 'root'));
const MIB = 2 ** 20;
/** A reader over a few files given inline. */
const files = (map: Record<string, string>) => ({
  text: (p: string) => map[p],
  list: (p: string) => [
    ...new Set(
      Object.keys(map)
        .filter((k) => k.startsWith(`${p}/`))
        .map((k) => k.slice(p.length + 1).split('/')[0] as string),
    ),
  ],
});

describe('the reproducibility record', () => {
  it('reads the captured KVM guest: model, microcode, SMT off, one NUMA node, no governor, kvm', () => {
    const limits = { vcpus: 2, effective_cpus: 2 };
    expect(readReproRecord({ files: vm, kernel: '6.1.0-test', agentVersion: '9.9.9', limits })).toEqual({
      cpu_model: 'AMD EPYC',
      microcode: '0x1000065',
      smt: false,
      numa_nodes: 1,
      kernel: '6.1.0-test',
      governor: null,
      hypervisor: 'kvm',
      agent_version: '9.9.9',
      vcpus: 2,
      effective_cpus: 2,
    });
  });

  it('names the hypervisor from Xen, DMI, clock sources or the CPU flag; none on bare metal; null when blind', () => {
    const flags = (f: string) => `processor\t: 0\nflags\t\t: fpu sse2 ${f}\n`;
    expect(detectHypervisor(files({ 'sys/hypervisor/type': 'xen\n' }), undefined)).toBe('xen');
    expect(detectHypervisor(files({ 'sys/class/dmi/id/sys_vendor': 'Amazon EC2\n' }), flags('hypervisor'))).toBe(
      'amazon',
    );
    expect(detectHypervisor(files({ 'sys/class/dmi/id/product_name': 'VMware7,1\n' }), flags(''))).toBe('vmware');
    expect(
      detectHypervisor(files({ 'sys/class/dmi/id/sys_vendor': 'Microsoft Corporation' }), flags('hypervisor')),
    ).toBe('microsoft');
    expect(detectHypervisor(files({}), flags('hypervisor'))).toBe('unknown');
    expect(detectHypervisor(files({}), flags('avx2'))).toBe('none');
    expect(detectHypervisor(files({}), 'processor : 0\nFeatures : fp asimd\n')).toBeNull();
  });

  it('takes the first cpufreq governor and counts SMT on', () => {
    const host = files({
      'sys/devices/system/cpu/cpu1/cpufreq/scaling_governor': 'powersave\n',
      'sys/devices/system/cpu/cpu10/cpufreq/scaling_governor': 'performance\n',
      'sys/devices/system/cpu/smt/active': '1\n',
    });
    const r = readReproRecord({
      files: host,
      kernel: 'k',
      agentVersion: 'v',
      limits: { vcpus: 4, effective_cpus: 1.5 },
    });
    expect(r).toMatchObject({
      governor: 'powersave',
      smt: true,
      numa_nodes: null,
      microcode: null,
      cpu_model: 'unknown',
    });
  });
});

describe('sizes and steps', () => {
  it('memory: 4 × the last-level caches, at least 256 MiB, at most a quarter of the memory available', () => {
    expect(lastLevelCacheBytes(vm)).toBe(32 * MIB); // one L3 shared by both CPUs, counted once
    expect(memoryBufferBytes(vm, 2)).toBe(MIN_BUFFER_BYTES);
    const big = files({
      'proc/meminfo': 'MemAvailable:   1048576 kB\n',
      'sys/devices/system/cpu/cpu0/cache/index3/level': '3',
      'sys/devices/system/cpu/cpu0/cache/index3/size': '256M',
      'sys/devices/system/cpu/cpu0/cache/index3/shared_cpu_list': '0-7',
      'sys/devices/system/cpu/cpu8/cache/index3/level': '3',
      'sys/devices/system/cpu/cpu8/cache/index3/size': '256M',
      'sys/devices/system/cpu/cpu8/cache/index3/shared_cpu_list': '8-15',
    });
    expect(lastLevelCacheBytes(big)).toBe(512 * MIB);
    // 4 × 512 MiB wanted, a quarter of 1 GiB available allowed.
    expect(memoryBufferBytes(big, 4)).toBe(256 * MIB);
  });

  it('disk: the cap, at most half the free space, whole MiB', () => {
    expect(diskFileBytes(64, 10 * 2 ** 30)).toBe(64 * MIB);
    expect(diskFileBytes(64, 50 * MIB + 123)).toBe(25 * MIB);
  });

  it('core scaling: every count to 32, then strides, always ending at N', () => {
    expect(scalingSteps(1)).toEqual([1]);
    expect(scalingSteps(2)).toEqual([1, 2]);
    expect(scalingSteps(33)).toEqual([...Array.from({ length: 32 }, (_, i) => i + 1), 33]);
    expect(scalingSteps(128).slice(31)).toEqual([32, 40, 48, 56, 64, 80, 96, 112, 128]);
    expect(scalingSteps(200).slice(-3)).toEqual([160, 192, 200]);
  });

  it('plans: a profile brings its settings; benchmarks and profiles mix in the suite’s order; unknown names refused', () => {
    expect(planOf([])).toMatchObject({ profile: 'quick', runs: 3, step_seconds: 1, disk_size_mb: 64 });
    expect(planOf(['disk'])).toMatchObject({ profile: 'disk', benchmarks: ['disk'], disk_size_mb: 256 });
    expect(planOf(['network', 'memory'])).toMatchObject({ profile: 'custom', benchmarks: ['memory', 'network'] });
    expect(planOf(['cpu', 'disk']).benchmarks).toEqual(['cpu_sweep', 'core_scaling', 'disk']);
    expect(() => planOf(['quick', 'gpu'])).toThrow(/unknown profile or benchmark: gpu/);
  });
});

describe("fio's JSON report", () => {
  it('random read: IOPS, bytes/s and completion latency p50/p99 in ms', () => {
    const r = parseFioReport(readFileSync(fixturePath('fio', 'rand-read.json'), 'utf8'), 'read');
    expect(r).toEqual({ bytesPerS: 30014215, iops: 7327.689243, p50Ms: 0.058112, p99Ms: 2.8672 });
  });

  it('sequential write, after a warning line fio may print first', () => {
    const text = `fio: note: something\n${readFileSync(fixturePath('fio', 'seq-write.json'), 'utf8')}`;
    expect(parseFioReport(text, 'write')).toMatchObject({ bytesPerS: 1890566877, iops: 1802.985075 });
    expect(() => parseFioReport('fio: failed to open file', 'read')).toThrow(/no JSON report/);
  });
});

const cpu = (o: Partial<Record<'user' | 'system' | 'idle' | 'iowait' | 'steal', number>>) => ({
  ...ZERO_CPU_TIMES,
  ...o,
});

describe('conditions of a repeat', () => {
  it('other load is the busy time less ours; I/O wait counts as idle; steal and throttling as shares', () => {
    // 2 s on 2 vCPUs = 400 ticks: 150 user (100 of them ours: 1000 ms), 50 I/O wait, 20 steal.
    const a = { t: 0, machine: cpu({}), own: 0, throttle: { periods: 100, throttled: 0, throttledUsec: 0 } };
    const b = {
      t: 2000,
      machine: cpu({ user: 150, idle: 180, iowait: 50, steal: 20 }),
      own: 1000,
      throttle: { periods: 120, throttled: 5, throttledUsec: 1000 },
    };
    expect(conditionsBetween(a, b)).toEqual({ seconds: 2, other_load_pct: 12.5, steal_pct: 5, throttled_pct: 25 });
  });
});

describe('summaries and verdicts', () => {
  const quiet = { other_load_pct: 1, steal_pct: 0, seconds: 3 };
  it('medians and CV per metric; spread judged on scored metrics only, not on latency percentiles', async () => {
    const r = await summarizeBenchmark(
      'disk',
      [
        { metrics: { 'disk.rand_read_iops': 1000, 'disk.rand_read_p99_ms': 1 }, conditions: quiet },
        { metrics: { 'disk.rand_read_iops': 1010, 'disk.rand_read_p99_ms': 5 }, conditions: quiet },
        { metrics: { 'disk.rand_read_iops': 990, 'disk.rand_read_p99_ms': 9 }, conditions: quiet },
      ],
      { forced: false, backgroundBusyPct: 2, engine: 'builtin' },
    );
    expect(r.metrics['disk.rand_read_iops']).toEqual({ n: 3, median: 1000, cv_pct: 1, values: [1000, 1010, 990] });
    expect(r.metrics['disk.rand_read_p99_ms']?.cv_pct).toBeGreaterThan(50);
    expect(r).toMatchObject({ name: 'disk', engine: 'builtin', validity: 'valid', validity_reasons: [] });
  });

  it('a CPU quota’s throttling is kept in the conditions, not held against the repeats; steal is', async () => {
    const quota = { ...quiet, throttled_pct: 64 };
    const runs = [99, 100, 101].map((u) => ({ metrics: { 'cpu_sweep.units_100pct': u }, conditions: quota }));
    const r = await summarizeBenchmark('cpu_sweep', runs, { forced: false, backgroundBusyPct: 0 });
    expect(r).toMatchObject({ validity: 'valid', validity_reasons: [] });
    expect(r.runs.map((x) => x.conditions.throttled_pct)).toEqual([64, 64, 64]);
    const stolen = runs.map((x) => ({ ...x, conditions: { ...quota, steal_pct: 12 } }));
    const s = await summarizeBenchmark('cpu_sweep', stolen, { forced: false, backgroundBusyPct: 0 });
    expect(s.validity_reasons.map((x) => x.code)).toEqual(['steal']);
  });

  it('the core-scaling curve is the median per worker count', async () => {
    const run = (u1: number, u2: number) => ({
      metrics: {},
      curve: [
        { workers: 1, units_per_s: u1 },
        { workers: 2, units_per_s: u2 },
      ],
      conditions: quiet,
    });
    const r = await summarizeBenchmark('core_scaling', [run(100, 190), run(102, 200), run(98, 150)], {
      forced: false,
      backgroundBusyPct: 0,
    });
    expect(r.curve).toEqual([
      { workers: 1, units_per_s: 100 },
      { workers: 2, units_per_s: 190 },
    ]);
  });

  it('the suite: worst of the benchmarks that ran, forced said once, the others prefixed; all failed is invalid', async () => {
    const busy = { other_load_pct: 20, steal_pct: 0 };
    const mem = await summarizeBenchmark('memory', [{ metrics: { 'memory.read_gbps_1t': 10 }, conditions: busy }], {
      forced: true,
      backgroundBusyPct: 50,
    });
    const disk = await summarizeBenchmark('disk', [{ metrics: {}, conditions: quiet }], {
      forced: true,
      backgroundBusyPct: 50,
    });
    const net = failedBenchmark('network', 'No XAT server configured');
    const suite = judgeSuite([mem, disk, net]);
    expect(suite.validity).toBe('invalid');
    expect(suite.validity_reasons.filter((r) => r.code === 'forced')).toHaveLength(1);
    expect(suite.validity_reasons.filter((r) => r.code === 'background_load')).toHaveLength(1);
    expect(suite.validity_reasons.find((r) => r.code === 'other_load')?.message).toMatch(/^memory: /);
    expect(suite.validity_reasons.filter((r) => r.code === 'single_run')).toHaveLength(2);
    expect(judgeSuite([net])).toEqual({ validity: 'invalid', validity_reasons: [] });
    const result = {
      profile: 'custom',
      started_at: new Date().toISOString(),
      finished_at: new Date().toISOString(),
      forced: true,
      background_busy_pct: 50,
      record: readReproRecord({ files: vm, kernel: 'k', agentVersion: 'v', limits: { vcpus: 2, effective_cpus: 2 } }),
      benchmarks: [mem, disk, net],
      ...suite,
    };
    const check = Compile(SuiteResultSchema);
    expect(check.Check(result), JSON.stringify([...check.Errors(result)])).toBe(true);
  });
});
