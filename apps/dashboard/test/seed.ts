import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Collector, CollectorCreate, LoadTest, MetricSample, MetricsBatch, Register } from '@xat/contracts';
import { call, ROOT, type XatServer } from './harness.ts';

export interface SeededServer {
  collector: Collector;
  apiKey: string;
}

export interface Seeded {
  token: string;
  azure: SeededServer;
  oci: SeededServer;
  pending: SeededServer;
  viewer: { username: string; password: string };
  /** Why chart data could not be seeded (the metrics ingest answered this), or undefined when it was. */
  metricsUnavailable: string | undefined;
  /** Work units per level (10 … 100 %) of the seeded load tests. */
  units: { azure: number[]; oci: number[] };
  /** The stretch left out of the seeded series, epoch seconds. */
  gap: { from: number; to: number };
}

async function ok<T>(reply: Promise<{ status: number; body: unknown; text: string }>, what: string): Promise<T> {
  const r = await reply;
  if (r.status >= 300) throw new Error(`${what}: HTTP ${r.status} ${r.text.slice(0, 300)}`);
  return r.body as T;
}

/** Units per level from a perfcpumeasure file of ../shared/fixtures, else the same figures written out. */
function fixtureUnits(file: string, fallback: number[]): number[] {
  const path = join(ROOT, '..', 'shared', 'fixtures', 'loadtest', file);
  if (!existsSync(path)) return fallback;
  const byBusy = new Map<number, number>();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const { busy, units } = JSON.parse(line) as { busy: number; units: number };
    byBusy.set(busy, units);
  }
  return [10, 20, 30, 40, 50, 60, 70, 80, 90, 100].map((b) => byBusy.get(b) ?? 0);
}

/** A day of one-minute samples that look like a working server, minus a stretch 3 hours ago. */
export function daySamples(
  seed: number,
  vcpus: number,
  memKb: number,
  gap: { from: number; to: number },
  now: number,
): MetricSample[] {
  const samples: MetricSample[] = [];
  let rnd = seed;
  const noise = () => {
    rnd = (rnd * 1103515245 + 12345) % 2147483648;
    return rnd / 2147483648;
  };
  const start = now - 24 * 3600;
  for (let t = start - (start % 60); t <= now; t += 60) {
    if (t > gap.from && t < gap.to) continue;
    const phase = (t % 86400) / 86400;
    const load = 0.35 + 0.25 * Math.sin(phase * 2 * Math.PI * 3 + seed) + 0.1 * noise();
    const user = Math.max(1, Math.min(85, load * 70));
    const system = user * 0.22 + noise() * 2;
    const iowait = noise() * 3;
    const steal = seed % 2 ? noise() * 4 : noise() * 0.5;
    const nice = noise() * 0.6;
    const busy = user + system + iowait + steal + nice;
    const used = memKb * (0.45 + 0.15 * load);
    const cached = memKb * 0.25;
    const buffers = memKb * 0.03;
    const readBps = 2e6 * load + noise() * 5e5;
    const writeBps = 4e6 * load + noise() * 8e5;
    const rx = 6e6 * load + noise() * 1e6;
    const tx = 3e6 * load + noise() * 5e5;
    samples.push({
      timestamp: t,
      interval_seconds: 60,
      host: {
        cpu_user: user,
        cpu_nice: nice,
        cpu_system: system,
        cpu_iowait: iowait,
        cpu_steal: steal,
        cpu_idle: 100 - busy,
        cpu_busy: busy,
        mem_free_kb: memKb - used - cached - buffers,
        mem_available_kb: memKb - used,
        mem_used_kb: used,
        mem_used_pct: (used / memKb) * 100,
        mem_buffers_kb: buffers,
        mem_cached_kb: cached,
        disk_read_bps: readBps,
        disk_write_bps: writeBps,
        disk_read_iops: readBps / 16384,
        disk_write_iops: writeBps / 16384,
        net_rx_bps: rx,
        net_tx_bps: tx,
        net_rx_pps: rx / 900,
        net_tx_pps: tx / 900,
      },
      cpus: Array.from({ length: vcpus }, (_, cpu) => ({ cpu, user, system, idle: 100 - busy, busy })),
      disks: [
        {
          name: 'sda',
          read_bps: readBps,
          write_bps: writeBps,
          read_iops: readBps / 16384,
          write_iops: writeBps / 16384,
        },
      ],
      interfaces: [
        { name: 'eth0', rx_bps: rx * 0.9, tx_bps: tx * 0.9, rx_pps: rx / 1000, tx_pps: tx / 1000 },
        { name: 'eth1', rx_bps: rx * 0.1, tx_bps: tx * 0.1, rx_pps: rx / 9000, tx_pps: tx / 9000 },
      ],
      filesystems: [
        {
          mount_point: '/',
          size_bytes: 64e9,
          free_bytes: 30e9 - (t % 1000),
          avail_bytes: 27e9,
          used_pct: 53 + 2 * load,
        },
        { mount_point: '/data', size_bytes: 256e9, free_bytes: 200e9, avail_bytes: 190e9, used_pct: 22 + load },
      ],
    });
  }
  return samples;
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

const unitsBody = (collector: string, units: number[], notes: string) => ({
  collector,
  notes,
  ...Object.fromEntries(units.map((u, i) => [`units_${(i + 1) * 10}pct`, u])),
});

/** Servers, specs, load tests, metrics, a benchmark and a viewer — everything the browser tests look at. */
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
      memory_gib: 8,
      storage_gib: 50,
      storage_type: 'block',
    },
  );
  const pending = await addServer(server, token, { name: 'aws-db-01', vm_brand: 'aws', hourly_cost: 0.096 });
  // More of a fleet, so the list looks like one.
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
  await addServer(
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

  const units = {
    azure: fixtureUnits('azure-4vcpu-training.ndjson', [28, 54, 82, 110, 136, 164, 192, 220, 246, 274]),
    oci: fixtureUnits('oci-2vcpu-training.ndjson', [18, 36, 54, 72, 92, 110, 128, 146, 164, 182]),
  };
  await ok<LoadTest>(
    call(server, 'POST', '/api/v1/loadtest/', {
      token,
      body: unitsBody(azure.collector.id, units.azure, 'perfcpumeasure, 4 vCPU'),
    }),
    'load test azure',
  );
  await ok<LoadTest>(
    call(server, 'POST', '/api/v1/loadtest/', {
      token,
      body: unitsBody(oci.collector.id, units.oci, 'perfcpumeasure, 2 vCPU'),
    }),
    'load test oci',
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

  const now = Math.floor(Date.now() / 1000);
  const gap = { from: now - 3 * 3600 - 20 * 60, to: now - 3 * 3600 + 25 * 60 };
  let metricsUnavailable: string | undefined;
  for (const [i, s] of [azure, oci].entries()) {
    const batch: MetricsBatch = {
      batch_id: `e2e${randomBytes(8).toString('hex')}`,
      collector_time: now,
      samples: daySamples(i + 1, s.collector.vcpus ?? 2, (s.collector.memory_gib ?? 8) * 1024 * 1024, gap, now),
    };
    const r = await call(server, 'POST', '/api/v1/metrics/', { apiKey: s.apiKey, body: batch });
    if (r.status >= 300) {
      metricsUnavailable = `POST /api/v1/metrics/ answered ${r.status}: ${r.text.slice(0, 200)}`;
      break;
    }
  }
  if (!metricsUnavailable) {
    const q = await call(
      server,
      'GET',
      `/api/v1/collectors/${azure.collector.id}/metrics/?from=${now - 3600}&to=${now}`,
      { token },
    );
    if (q.status !== 200)
      metricsUnavailable = `GET /api/v1/collectors/<id>/metrics/ answered ${q.status}: ${q.text.slice(0, 200)}`;
  }
  return { token, azure, oci, pending, viewer, metricsUnavailable, gap, units };
}
