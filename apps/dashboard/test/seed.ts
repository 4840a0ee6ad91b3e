import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Collector, CollectorCreate, LoadTest, MetricsBatch, Recording, Register } from '@xat/contracts';
import type { Page } from '../src/api/types.ts';
import { daySamples } from './day-samples.ts';
import { call, callMultipart, ROOT, type XatServer } from './harness.ts';

// Everything the browser tests and the screenshots look at, written through the real API. Any refusal throws: a
// seed that fails fails the tests, it never turns them into skips or into figures written here instead.

export interface SeededServer {
  collector: Collector;
  apiKey: string;
}

export interface Seeded {
  token: string;
  azure: SeededServer;
  oci: SeededServer;
  pending: SeededServer;
  awsApi: SeededServer;
  viewer: { username: string; password: string };
  /** Work units per level (10 … 100 %) of the perfcpumeasure fixtures the pcc runs are scaled from. */
  units: { azure: number[]; oci: number[] };
  /** The stored runs as the server judged them: three valid of each, then oci's suspect and invalid ones. */
  runs: { azure: LoadTest[]; oci: LoadTest[]; ociSuspect: LoadTest; ociInvalid: LoadTest; awsManual: LoadTest };
  /** How many servers there are, and their vCPUs added up. */
  fleet: { count: number; vcpus: number };
  /** The stretch left out of the seeded series, epoch seconds. */
  gap: { from: number; to: number };
}

/** Servers beyond the named ones, so the fleet spans pages: load-0 … load-119. */
export const EXTRA_SERVERS = 120;

async function ok<T>(reply: Promise<{ status: number; body: unknown; text: string }>, what: string): Promise<T> {
  const r = await reply;
  if (r.status >= 300) throw new Error(`${what}: HTTP ${r.status} ${r.text.slice(0, 300)}`);
  return r.body as T;
}

/** Units per level from a perfcpumeasure file of test/fixtures (copied from the shared fixtures; see its README). */
function fixtureUnits(file: string): number[] {
  const byBusy = new Map<number, number>();
  const text = readFileSync(new URL(`./fixtures/${file}`, import.meta.url), 'utf8');
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const { busy, units } = JSON.parse(line) as { busy: number; units: number };
    byBusy.set(busy, units);
  }
  const units = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100].map((b) => byBusy.get(b));
  if (units.some((u) => u === undefined)) throw new Error(`fixtures/${file} lacks a level`);
  return units as number[];
}

async function addServer(
  server: XatServer,
  token: string,
  create: CollectorCreate,
  register?: Register,
): Promise<SeededServer> {
  const created = await ok<Collector & { api_key: string }>(
    call(server, 'POST', '/api/v1/collectors/', { token, body: create }),
    `create ${create.name}`,
  );
  if (register)
    await ok(
      call(server, 'POST', '/api/v1/register/', { apiKey: created.api_key, body: register }),
      `register ${create.name}`,
    );
  const collector = await ok<Collector>(
    call(server, 'GET', `/api/v1/collectors/${created.id}/`, { token }),
    'read collector',
  );
  return { collector, apiKey: created.api_key };
}

interface Disturbance {
  level: number;
  other?: number;
  steal?: number;
}

/**
 * A run as pcc uploads it: units per level and, in `details`, how each level was measured. Undisturbed levels
 * reach their target and see little other load or steal, so the server judges the run valid; a disturbance puts
 * other load or steal on a level past the judge's limits.
 */
function pccRun(
  s: SeededServer,
  units: readonly number[],
  at: { startedAt: number; series: { id: string; index: number; count: number } },
  disturb: Disturbance[] = [],
) {
  const cpus = s.collector.vcpus ?? 2;
  const levels = units.map((work_units, i) => {
    const utilization = (i + 1) * 10;
    const d = disturb.find((x) => x.level === utilization);
    return {
      utilization,
      work_units,
      achieved_utilization: utilization - 0.4,
      other_utilization: d?.other ?? 0.6,
      steal_pct: d?.steal ?? 0.1,
      throttled_pct: 0,
      freq_mhz: 2445,
      seconds: 8,
    };
  });
  return {
    collector: s.collector.id,
    series_id: at.series.id,
    notes: `pcc load test, run ${at.series.index + 1} of ${at.series.count}`,
    ...Object.fromEntries(units.map((u, i) => [`units_${(i + 1) * 10}pct`, u])),
    details: {
      tool: 'pcc',
      pcc_version: '0.4.0',
      level_seconds: 10,
      vcpus: cpus,
      effective_cpus: cpus,
      levels,
      background_busy: 1.5,
      speed_change_pct: 0.4,
      series: at.series,
      started_at: new Date(at.startedAt * 1000).toISOString(),
    },
  };
}

/** The pages are tested on runs judged as intended: a judge that disagrees stops the seed, saying why. */
function expectJudged(runs: readonly LoadTest[], validity: LoadTest['validity']): void {
  for (const r of runs)
    if (r.validity !== validity)
      throw new Error(
        `the server judged a seeded run ${r.validity}, not ${validity}: ${r.validity_reasons.map((x) => x.message).join(' ') || 'no reasons'}`,
      );
}

const scaled = (units: readonly number[], factor: number) => units.map((u) => Math.round(u * factor));

/** Posts the runs one after another (their order is their age) and returns them as stored and judged. */
async function postRuns(server: XatServer, token: string, bodies: unknown[]): Promise<LoadTest[]> {
  const stored: LoadTest[] = [];
  for (const body of bodies)
    stored.push(await ok<LoadTest>(call(server, 'POST', '/api/v1/loadtest/', { token, body }), 'post load test'));
  return stored;
}

/** Servers, specs, judged load tests, a day of metrics, a benchmark, a viewer and a fleet of more servers. */
export async function seed(server: XatServer): Promise<Seeded> {
  const { access: token } = await ok<{ access: string }>(
    call(server, 'POST', '/api/v1/auth/token/', { body: server.admin }),
    'sign in',
  );
  const azure = await addServer(
    server,
    token,
    { name: 'azure-web-01', description: 'Front-end pool, West Europe', vm_brand: 'azure', hourly_cost: 0.192 },
    {
      hostname: 'azure-web-01',
      ip_address: '10.1.0.4',
      os_name: 'Ubuntu',
      os_version: '24.04',
      kernel_version: '6.8.0-1015-azure',
      processor_brand: 'amd',
      processor_model: 'AMD EPYC 7763',
      vcpus: 4,
      effective_cpus: 4,
      memory_gib: 16,
      storage_gib: 128,
      storage_type: 'ssd',
    },
  );
  const oci = await addServer(
    server,
    token,
    { name: 'oci-app-01', description: 'Ampere test shape', vm_brand: 'oracle_cloud', hourly_cost: 0.05 },
    {
      hostname: 'oci-app-01',
      ip_address: '10.2.0.9',
      os_name: 'Oracle Linux',
      os_version: '9.4',
      kernel_version: '5.15.0-208',
      processor_brand: 'amd',
      processor_model: 'AMD EPYC 7J13',
      vcpus: 2,
      effective_cpus: 2,
      memory_gib: 8,
      storage_gib: 50,
      storage_type: 'block',
    },
  );
  const pending = await addServer(server, token, { name: 'aws-db-01', vm_brand: 'aws', hourly_cost: 0.096 });
  await addServer(
    server,
    token,
    { name: 'gcp-batch-02', description: 'n2-standard-8, batch jobs', vm_brand: 'gcp', hourly_cost: 0.3885 },
    {
      hostname: 'gcp-batch-02',
      os_name: 'Debian',
      os_version: '12',
      processor_brand: 'intel',
      processor_model: 'Intel Xeon Platinum 8373C',
      vcpus: 8,
      memory_gib: 32,
      storage_gib: 100,
      storage_type: 'ssd',
    },
  );
  const awsApi = await addServer(
    server,
    token,
    { name: 'aws-api-02', description: 'm6i.large', vm_brand: 'aws', hourly_cost: 0.096 },
    {
      hostname: 'ip-172-31-8-21',
      os_name: 'Amazon Linux',
      os_version: '2023',
      processor_brand: 'intel',
      processor_model: 'Intel Xeon Platinum 8375C',
      vcpus: 2,
      memory_gib: 8,
      storage_gib: 40,
      storage_type: 'nvme',
    },
  );
  await addServer(
    server,
    token,
    { name: 'bm-build-01', description: 'CI runner rack 3', vm_brand: 'bare_metal' },
    {
      hostname: 'bm-build-01',
      os_name: 'Ubuntu',
      os_version: '22.04',
      processor_brand: 'amd',
      processor_model: 'AMD EPYC 7543',
      vcpus: 64,
      memory_gib: 256,
      storage_gib: 3840,
      storage_type: 'nvme',
    },
  );
  // A fleet past one page of the list: ten at a time.
  for (let i = 0; i < EXTRA_SERVERS; i += 10)
    await Promise.all(
      Array.from({ length: Math.min(10, EXTRA_SERVERS - i) }, (_, k) =>
        ok(
          call(server, 'POST', '/api/v1/collectors/', {
            token,
            body: { name: `load-${i + k}`, vm_brand: 'other', vcpus: 2 },
          }),
          `create load-${i + k}`,
        ),
      ),
    );

  const now = Math.floor(Date.now() / 1000);
  const units = {
    azure: fixtureUnits('azure-4vcpu-training.ndjson'),
    oci: fixtureUnits('oci-2vcpu-training.ndjson'),
  };
  // Two hours ago, ten minutes apart: inside the CPU chart's last 24 hours, clear of the gap 3 hours ago.
  const start = (k: number) => now - 2 * 3600 + k * 600;
  const azureSeries = { id: randomUUID(), count: 3 };
  const azureRuns = await postRuns(
    server,
    token,
    [0.96, 1, 1.04].map((f, index) =>
      pccRun(azure, scaled(units.azure, f), { startedAt: start(index), series: { ...azureSeries, index } }),
    ),
  );
  const ociSeries = { id: randomUUID(), count: 5 };
  const at = (index: number) => ({ startedAt: start(3 + index), series: { ...ociSeries, index } });
  const ociRuns = await postRuns(server, token, [
    ...[0.95, 1, 1.05].map((f, index) => pccRun(oci, scaled(units.oci, f), at(index))),
    pccRun(oci, scaled(units.oci, 0.8), at(3), [
      { level: 70, other: 8.2 },
      { level: 80, other: 9.4 },
    ]),
    pccRun(oci, scaled(units.oci, 0.7), at(4), [{ level: 90, steal: 12.5 }]),
  ]);
  const [ociSuspect, ociInvalid] = ociRuns.slice(3) as [LoadTest, LoadTest];
  expectJudged([...azureRuns, ...ociRuns.slice(0, 3)], 'valid');
  expectJudged([ociSuspect], 'suspect');
  expectJudged([ociInvalid], 'invalid');
  // Typed in: nothing says how it was measured, so it is suspect and the server has no valid run.
  const awsManual = await ok<LoadTest>(
    call(server, 'POST', '/api/v1/loadtest/', {
      token,
      body: {
        collector: awsApi.collector.id,
        notes: 'typed in from a spreadsheet',
        ...Object.fromEntries(scaled(units.oci, 1.1).map((u, i) => [`units_${(i + 1) * 10}pct`, u])),
      },
    }),
    'manual load test',
  );

  await ok(
    call(server, 'POST', '/api/v1/benchmarks/', {
      token,
      body: {
        collector: azure.collector.id,
        name: 'Nightly baseline',
        status: 'completed',
        duration_seconds: 900,
        cpu_score: 82.5,
        memory_score: 74,
        disk_score: 68.2,
        network_score: 90.1,
        overall_score: 78.7,
      },
    }),
    'benchmark',
  );

  const viewer = { username: 'vera', password: `viewer-${randomBytes(6).toString('hex')}` };
  await ok(call(server, 'POST', '/api/v1/users/', { token, body: { ...viewer, role: 'viewer' } }), 'viewer');

  const gap = { from: now - 3 * 3600 - 20 * 60, to: now - 3 * 3600 + 25 * 60 };
  for (const [i, s] of [azure, oci].entries()) {
    const batch: MetricsBatch = {
      batch_id: `e2e${randomBytes(8).toString('hex')}`,
      collector_time: now,
      samples: daySamples(i + 1, s.collector.vcpus ?? 2, (s.collector.memory_gib ?? 8) * 1024 * 1024, gap, now),
    };
    await ok(
      call(server, 'POST', '/api/v1/metrics/', { apiKey: s.apiKey, body: batch }),
      `metrics of ${s.collector.name}`,
    );
  }
  return {
    token,
    azure,
    oci,
    pending,
    awsApi,
    viewer,
    units,
    runs: { azure: azureRuns, oci: ociRuns.slice(0, 3), ociSuspect, ociInvalid, awsManual },
    fleet: { count: 6 + EXTRA_SERVERS, vcpus: 4 + 2 + 8 + 2 + 64 + 2 * EXTRA_SERVERS },
    gap,
  };
}

export interface SeededRecording {
  server: SeededServer;
  recording: Recording;
}

/** A real collection (fixtures/pcc, January 2026) uploaded by a server's agent: it becomes that server's recording. */
async function uploadCollection(server: XatServer, token: string, s: SeededServer, fixture: string) {
  const file = join(ROOT, 'fixtures/pcc', fixture);
  const name = file.split('/').pop() ?? fixture;
  const sent = await callMultipart(
    server,
    '/api/v1/metrics/',
    { name, content: new Uint8Array(readFileSync(file)) },
    { apiKey: s.apiKey },
  );
  if (sent.status >= 300) throw new Error(`upload ${name}: HTTP ${sent.status} ${sent.text.slice(0, 300)}`);
  const list = await ok<Page<Recording>>(
    call(server, 'GET', `/api/v1/recordings/?collector_id=${s.collector.id}`, { token }),
    `recordings of ${s.collector.name}`,
  );
  const recording = list.results[0];
  if (!recording || recording.sample_count === 0)
    throw new Error(`uploading ${name} made no recording with samples: ${sent.text.slice(0, 300)}`);
  return recording;
}

/**
 * Two months-old recordings, uploaded through the real API to two servers of their own: the real Azure collections of
 * fixtures/pcc (January 2026, 5-second rounds).
 */
export async function seedRecordings(
  server: XatServer,
  token: string,
): Promise<{ small: SeededRecording; large: SeededRecording }> {
  const register = (hostname: string, vcpus: number): Register => ({
    hostname,
    os_name: 'Ubuntu',
    os_version: '22.04',
    processor_brand: 'intel',
    processor_model: 'Intel Xeon Platinum 8272CL',
    vcpus,
    memory_gib: vcpus * 4,
  });
  const small = await addServer(
    server,
    token,
    { name: 'azure-sysinfo-01', description: 'sys-info-test, January', vm_brand: 'azure' },
    register('sys-info-test', 4),
  );
  const large = await addServer(
    server,
    token,
    { name: 'azure-loadtest-02', description: 'loadtest-cpuinfo, January', vm_brand: 'azure' },
    register('loadtest-cpuinfo', 4),
  );
  return {
    small: {
      server: small,
      recording: await uploadCollection(server, token, small, 'sys-info-test/sys-info-test.json'),
    },
    large: {
      server: large,
      recording: await uploadCollection(server, token, large, 'loadtest-cpuinfo/loadtest-cpuinfo.json'),
    },
  };
}
