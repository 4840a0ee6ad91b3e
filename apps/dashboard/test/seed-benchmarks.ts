import {
  AGENT_CAPABILITIES_HEADER,
  type AgentJob,
  type Job,
  SUITE_METRICS,
  type SuiteBenchmark,
  type SuiteResult,
} from '@xat/contracts';
import { call, type Reply, type XatServer } from './harness.ts';
import type { SeededServer } from './seed.ts';

// Benchmark runs and jobs for the screenshots (docs/benchmark-compare.png, docs/jobs.png), written through the real
// API as an agent would: suite results uploaded with the collector's key, a job group taken and reported on through
// the agent's job routes. The figures are illustrative (a 4-vCPU and a 2-vCPU machine of the seed), not measured.

async function ok<T>(reply: Promise<Reply>, what: string): Promise<T> {
  const r = await reply;
  if (r.status >= 300) throw new Error(`${what}: HTTP ${r.status} ${r.text.slice(0, 300)}`);
  return r.body as T;
}

/** A machine's figures: per-core speed, vCPUs, and memory, disk and network relative to a base machine. */
export interface Machine {
  single: number;
  vcpus: number;
  efficiency: number;
  memory: number;
  disk: number;
  network: number;
}

const BASE: Record<string, number> = {
  'memory.read_gbps_1t': 11.5,
  'memory.write_gbps_1t': 8.2,
  'memory.copy_gbps_1t': 7.4,
  'disk.seq_read_mbps': 215,
  'disk.seq_write_mbps': 182,
  'disk.rand_read_iops': 5200,
  'disk.rand_write_iops': 4700,
  'disk.rand_read_p50_ms': 0.36,
  'disk.rand_read_p99_ms': 1.9,
  'disk.rand_write_p50_ms': 0.41,
  'disk.rand_write_p99_ms': 2.4,
  'network.upload_mbps': 930,
  'network.download_mbps': 945,
  'network.rtt_ms': 0.42,
};

/** Each metric's median for a machine (k: a factor on CPU and memory, <1 for a run that dropped). */
function medians(m: Machine, k: number): Record<string, number> {
  const multi = m.single * m.vcpus * m.efficiency;
  const out: Record<string, number> = {
    'core_scaling.single_units_per_s': m.single * k,
    'core_scaling.multi_units_per_s': multi * k,
    'core_scaling.effective_cores': m.vcpus * m.efficiency,
    'core_scaling.efficiency_pct': m.efficiency * 100,
  };
  for (const [key, base] of Object.entries(BASE)) {
    const def = SUITE_METRICS.find((d) => d.key === key);
    const factor = key.startsWith('memory') ? m.memory : key.startsWith('disk') ? m.disk : m.network;
    // A drop (k < 1) hits CPU and memory, as burst credits running out do; disk and network stay.
    const kk = key.startsWith('memory') ? k : 1;
    const v = def?.better === 'lower' ? base / factor / kk : base * factor * kk;
    out[key] = v;
    if (key.endsWith('_1t')) out[key.replace('_1t', '_all')] = v * Math.min(m.vcpus, 4) * 0.55;
  }
  return out;
}

/** A suite result as the agent uploads it: three repeats ±`spread` % around each median, a core-scaling curve. */
export function suiteResult(m: Machine, finishedAt: Date, k = 1, spread = 0.8): SuiteResult {
  const figures = medians(m, k);
  const benchmarks: SuiteBenchmark[] = ['core_scaling', 'memory', 'disk', 'network'];
  const repeat = (v: number, i: number) => v * (1 + ((i - 1) * spread) / 100);
  return {
    profile: 'quick',
    started_at: new Date(finishedAt.getTime() - 130_000).toISOString(),
    finished_at: finishedAt.toISOString(),
    forced: false,
    background_busy_pct: 1.2,
    record: {
      cpu_model: m.vcpus === 4 ? 'AMD EPYC 7763 64-Core Processor' : 'Ampere Altra',
      microcode: null,
      smt: m.vcpus === 4,
      numa_nodes: 1,
      kernel: '6.1.0-28-cloud-amd64',
      governor: null,
      hypervisor: 'kvm',
      agent_version: '0.1.0',
      vcpus: m.vcpus,
      effective_cpus: m.vcpus,
    },
    benchmarks: benchmarks.map((name) => {
      const keys = SUITE_METRICS.filter((d) => d.benchmark === name && figures[d.key] !== undefined).map((d) => d.key);
      const runs = [0, 1, 2].map((i) => ({
        metrics: Object.fromEntries(keys.map((key) => [key, repeat(figures[key] ?? 0, i)])),
        conditions: { other_load_pct: 0.6, steal_pct: 0.1, throttled_pct: 0, seconds: 1 },
      }));
      return {
        name,
        runs,
        metrics: Object.fromEntries(
          keys.map((key) => {
            const values = runs.map((r) => r.metrics[key] ?? 0);
            return [key, { n: 3, median: figures[key] ?? 0, cv_pct: spread, values }];
          }),
        ),
        ...(name === 'core_scaling'
          ? {
              curve: Array.from({ length: m.vcpus }, (_, i) => ({
                workers: i + 1,
                units_per_s: m.single * k * (i + 1) * (i === 0 ? 1 : m.efficiency),
              })),
            }
          : {}),
        ...(name === 'disk' ? { engine: 'builtin' } : {}),
        validity: 'valid' as const,
        validity_reasons: [],
      };
    }),
    validity: 'valid',
    validity_reasons: [],
  };
}

export const AZURE: Machine = { single: 1480, vcpus: 4, efficiency: 0.9, memory: 1, disk: 1, network: 1 };
export const OCI: Machine = { single: 1260, vcpus: 2, efficiency: 0.97, memory: 0.82, disk: 1.35, network: 0.9 };

/**
 * Six runs a day apart on each server (the last of the first server's with memory and CPU 22 % down: a drop the watch
 * flags), uploaded with each collector's key.
 */
export async function seedBenchmarkRuns(server: XatServer, a: SeededServer, b: SeededServer): Promise<void> {
  const day = 86_400_000;
  for (let i = 5; i >= 0; i--) {
    const at = new Date(Date.now() - i * day - 3_600_000);
    for (const [s, m] of [
      [a, AZURE],
      [b, OCI],
    ] as const) {
      const k = s === a && i === 0 ? 0.78 : 1 + ((i % 3) - 1) * 0.01;
      await ok(
        call(server, 'POST', '/api/v1/benchmark-runs/', { apiKey: s.apiKey, body: suiteResult(m, at, k) }),
        `benchmark run of ${s.collector.name}`,
      );
    }
  }
}

const poll = (server: XatServer, s: SeededServer) =>
  call<AgentJob | string>(server, 'GET', '/api/v1/agent/jobs/next/', {
    apiKey: s.apiKey,
    headers: { [AGENT_CAPABILITIES_HEADER]: 'jobs,suite' },
  });

/**
 * A quick-profile group on both servers, taken by their "agents": the first finished with its result, the second
 * running at step 7 of 14. Returns the group id.
 */
export async function seedJobGroup(server: XatServer, token: string, a: SeededServer, b: SeededServer) {
  for (const s of [a, b]) await poll(server, s);
  const jobs = await ok<Job[]>(
    call(server, 'POST', '/api/v1/jobs/', {
      token,
      body: { collector_ids: [a.collector.id, b.collector.id], profile: 'quick' },
    }),
    'start jobs',
  );
  const [ja, jb] = await Promise.all([poll(server, a), poll(server, b)]);
  const progress = (s: SeededServer, id: string, body: unknown) =>
    ok(call(server, 'POST', `/api/v1/agent/jobs/${id}/progress/`, { apiKey: s.apiKey, body }), 'progress');
  const idA = (ja.body as AgentJob).id;
  const idB = (jb.body as AgentJob).id;
  await progress(a, idA, { step: 14, steps: 14, elapsed_seconds: 131, message: 'network: download (repeat 3 of 3)' });
  await ok(
    call(server, 'POST', `/api/v1/agent/jobs/${idA}/finish/`, {
      apiKey: a.apiKey,
      body: { status: 'succeeded', result: suiteResult(AZURE, new Date()) },
    }),
    'finish',
  );
  await progress(b, idB, {
    step: 7,
    steps: 14,
    elapsed_seconds: 64,
    message: 'memory: copy, all threads (repeat 2 of 3)',
  });
  return jobs[0]?.group_id ?? '';
}
