import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { HOST_FIELDS, type MetricSample } from '@xat/contracts';
import { processCollection } from '@xat/procfs';
import { buildApp } from '../apps/server/src/app.ts';
import type { App } from '../apps/server/src/app-types.ts';
import { loadConfig } from '../apps/server/src/config.ts';
import { type Database, openPglite, openPostgres } from '../apps/server/src/db/client.ts';
import { createGuards } from '../apps/server/src/http/auth.ts';
import { insertCollector } from '../apps/server/src/modules/collectors/collectors.queries.ts';
import { metricsQueryRoutes } from '../apps/server/src/modules/metrics/query/metrics-query.routes.ts';
import { configureIngestFor, ingestSamples } from '../apps/server/src/modules/metrics/storage/ingest-queue.ts';
import {
  ensurePartitions,
  PARTITIONED,
  type PartitionedTable,
} from '../apps/server/src/modules/metrics/storage/partitions.ts';
import { runProcessCommand } from '../apps/server/src/modules/process/process.command.ts';
import {
  DEFAULT_DOMAINS,
  DEFAULT_TENANT_NAME,
  ensureTenant,
} from '../apps/server/src/modules/tenants/tenants.queries.ts';
import { createUser } from '../apps/server/src/modules/users/users.service.ts';
import { machine, writeSection } from './report.ts';

const HOSTS = 8;
const DAYS = Number(process.env.BENCH_QUERY_DAYS ?? 30);
const INTERVAL = 10;
const CHUNK = 5000;
const REQUESTS = Number(process.env.BENCH_QUERY_REQUESTS ?? 100);
const WARMUP = 5;
const FIXTURE = new URL('../fixtures/pcc/loadtest-cpuinfo/loadtest-cpuinfo.json', import.meta.url);

/** A plausible, deterministic host sample: every host field set, slow waves plus noise. */
function hostSample(ts: number, host: number): MetricSample {
  const wave = Math.sin(ts / 3600 + host) * 0.5 + 0.5;
  const noise = ((ts * 2654435761 + host * 97) % 1000) / 1000;
  const busy = 10 + 70 * wave + 10 * noise;
  const values = Object.fromEntries(HOST_FIELDS.map((f, i) => [f, (busy * (i + 1)) % 1e6])) as MetricSample['host'];
  return { timestamp: ts, interval_seconds: INTERVAL, host: { ...values, cpu_busy: busy, cpu_idle: 100 - busy } };
}

async function seed(database: Database, tenantId: string, parallel: number) {
  const end = Math.floor(Date.now() / 1000 / INTERVAL) * INTERVAL;
  const start = end - DAYS * 86_400;
  const ids: string[] = [];
  for (let h = 0; h < HOSTS; h++) {
    const row = await insertCollector(database.db, tenantId, {
      name: `query-bench-${h}-${Date.now()}`,
      apiKeyHash: `${h}-${Math.random()}`,
    });
    ids.push(row.id);
  }
  configureIngestFor(database); // as the server writes: prepared statement, lanes
  const started = performance.now();
  // Partitions first, one at a time: ensurePartitions does not yet survive two writers creating the same one (see report).
  const days = Array.from({ length: DAYS + 2 }, (_, d) => start + d * 86_400);
  for (const table of Object.keys(PARTITIONED) as PartitionedTable[]) await ensurePartitions(database.db, table, days);
  let rows = 0;
  const seedHost = async (h: number) => {
    for (let from = start; from < end; from += CHUNK * INTERVAL) {
      const samples: MetricSample[] = [];
      for (let ts = from; ts < Math.min(end, from + CHUNK * INTERVAL); ts += INTERVAL) samples.push(hostSample(ts, h));
      const { written } = await ingestSamples(database.db, tenantId, ids[h] ?? '', samples);
      rows += written;
    }
  };
  for (let h = 0; h < HOSTS; h += parallel)
    await Promise.all(Array.from({ length: Math.min(parallel, HOSTS - h) }, (_, k) => seedHost(h + k)));
  return { ids, rows, seconds: (performance.now() - started) / 1000, start, end };
}

/** The app with the metrics-query routes (registered here too until app.ts does), listening on loopback. */
async function startApp(database: Database, dataDir: string): Promise<{ app: App; url: string }> {
  const config = loadConfig(
    { SECRET_KEY: 'bench-secret-key-that-is-long-enough-0123456789', DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
    process.cwd(),
  );
  const app = await buildApp({ config, database, logger: false });
  if (!app.hasRoute({ method: 'GET', url: '/api/v1/metrics/compare/' }))
    metricsQueryRoutes(app, { config, database, db: database.db, guards: createGuards(app, database.db) });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { app, url: `http://127.0.0.1:${port}` };
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;

async function timeRequests(url: string, token: string, n: number) {
  const headers = { authorization: `Bearer ${token}` };
  let bytes = 0;
  let body = new ArrayBuffer(0);
  const once = async () => {
    const started = performance.now();
    const res = await fetch(url, { headers });
    body = await res.arrayBuffer();
    if (!res.ok) throw new Error(`${res.status} ${Buffer.from(body).toString()}`);
    bytes = body.byteLength;
    return performance.now() - started;
  };
  for (let i = 0; i < WARMUP; i++) await once();
  const ms: number[] = [];
  for (let i = 0; i < n; i++) ms.push(await once());
  ms.sort((a, b) => a - b);
  const answer = JSON.parse(Buffer.from(body).toString()) as { step: string; timestamps: unknown[] };
  return {
    p50: quantile(ms, 0.5),
    p95: quantile(ms, 0.95),
    bytes,
    n,
    step: answer.step,
    points: answer.timestamps.length,
  };
}

interface EngineResult {
  engine: string;
  seeding: { rows: number; seconds: number };
  runs: { what: string; p50: number; p95: number; bytes: number; n: number; step: string; points: number }[];
}

async function measureEngine(engine: string, postgresUrl: string | undefined): Promise<EngineResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'xat-query-bench-'));
  const database = postgresUrl ? await openPostgres(postgresUrl, 8) : await openPglite(dataDir);
  try {
    await database.migrate();
    const tenant = await ensureTenant(database.db, DEFAULT_TENANT_NAME, DEFAULT_DOMAINS);
    const username = `query-bench-${Date.now()}`;
    await createUser(database.db, tenant.id, { username, password: 'bench-password-123', role: 'viewer' });
    console.log(`${engine}: seeding ${HOSTS} hosts × ${DAYS} days at ${INTERVAL} s…`);
    const seeded = await seed(database, tenant.id, postgresUrl ? 4 : 1);
    console.log(`${engine}: ${seeded.rows} samples in ${seeded.seconds.toFixed(1)} s`);
    const { app, url } = await startApp(database, dataDir);
    try {
      const login = await fetch(`${url}/api/v1/auth/token/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password: 'bench-password-123' }),
      });
      const { access } = (await login.json()) as { access: string };
      const range = `from=${seeded.start}&to=${seeded.end}`;
      const compare = `${url}/api/v1/metrics/compare/?collector_ids=${seeded.ids.join(',')}&field=cpu_busy&${range}`;
      const cases: [string, string, number][] = [
        [`compare cpu_busy, ${HOSTS} hosts, step=auto, align=absolute`, compare, REQUESTS],
        [`compare cpu_busy, ${HOSTS} hosts, step=auto, align=start`, `${compare}&align=start`, REQUESTS],
        [`compare cpu_busy, ${HOSTS} hosts, step=1m`, `${compare}&step=1m`, Math.min(REQUESTS, 50)],
        [
          'series, 1 host, all 26 fields (avg + max), step=auto',
          `${url}/api/v1/collectors/${seeded.ids[0]}/metrics/?${range}`,
          REQUESTS,
        ],
      ];
      const runs = [];
      for (const [what, target, n] of cases) runs.push({ what, ...(await timeRequests(target, access, n)) });
      return { engine, seeding: seeded, runs };
    } finally {
      await app.close();
    }
  } finally {
    await database.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** `xat process` on a ~4 MB collection: the loadtest-cpuinfo rounds repeated with shifted timestamps. */
async function measureProcess() {
  const dir = mkdtempSync(join(tmpdir(), 'xat-process-bench-'));
  try {
    const lines = readFileSync(FIXTURE, 'utf8').trim().split('\n');
    const stamps = lines.map((l) => Number(/"timestamp":(\d+)/.exec(l)?.[1]));
    const span = Math.max(...stamps) - Math.min(...stamps) + 5;
    const copies = Math.ceil((4 * 1024 * 1024) / (lines.join('\n').length + 1));
    const out: string[] = [];
    for (let c = 0; c < copies; c++)
      for (const line of lines)
        out.push(line.replace(/"timestamp":(\d+)/, (_, t) => `"timestamp":${Number(t) + c * span}`));
    const text = `${out.join('\n')}\n`;
    const input = join(dir, 'collection.json');
    writeFileSync(input, text);
    writeFileSync(`${input}.gz`, gzipSync(text));
    const size = statSync(input).size;
    const silent = { env: {}, out: () => undefined, err: (l: string) => console.error(l) };
    const median = async (run: () => Promise<unknown> | unknown) => {
      const times: number[] = [];
      for (let i = 0; i < 7; i++) {
        const started = performance.now();
        await run();
        times.push((performance.now() - started) / 1000);
      }
      return times.sort((a, b) => a - b)[3] ?? 0;
    };
    const command = (file: string) => async () => {
      const code = await runProcessCommand(['--input', file, '--outdir', join(dir, 'out')], silent);
      if (code !== 0) throw new Error(`xat process exited ${code}`);
    };
    const plain = await median(command(input));
    const gz = await median(command(`${input}.gz`));
    const memory = await median(() => processCollection(text));
    return { size, rounds: copies * (lines.length / 6), plain, gz, memory, gzSize: statSync(`${input}.gz`).size };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const ms = (n: number) => n.toFixed(1);

export async function benchQuery(postgresUrl: string | undefined): Promise<void> {
  const engines = [await measureEngine('PGlite (embedded)', undefined)];
  if (postgresUrl) engines.push(await measureEngine('PostgreSQL 15', postgresUrl));
  const proc = await measureProcess();
  const mb = proc.size / 1e6;
  const rows = engines.flatMap((e) =>
    e.runs.map(
      (r) =>
        `| ${e.engine} | ${r.what} | ${r.step} | ${r.points} | ${r.n} | ${ms(r.p50)} | ${ms(r.p95)} | ` +
        `${(r.bytes / 1024).toFixed(0)} | ${r.p95 < 100 ? 'yes' : 'no'} |`,
    ),
  );
  const seeding = engines.map(
    (e) =>
      `${e.engine}: ${e.seeding.rows.toLocaleString('en')} samples in ${e.seeding.seconds.toFixed(1)} s ` +
      `(${Math.round(e.seeding.rows / e.seeding.seconds).toLocaleString('en')} samples/s, with the 1m/1h rollups)`,
  );
  const md = `## Queries and \`xat process\` (metrics pipeline, items 3 and 4)

${new Date().toISOString().slice(0, 10)} · ${machine()}

### (3) Compare query: ${HOSTS} hosts × ${DAYS} days at ${INTERVAL} s

Seeded through \`ingestSamples\` in chunks of ${CHUNK} (host-level fields only):
${seeding.map((s) => `- ${s}`).join('\n')}

Server in the bench process (\`buildApp\`, listening on 127.0.0.1), requests sent one at a time with \`fetch\` after
${WARMUP} warm-up requests; latency includes reading the whole body. Target: p95 < 100 ms.

Every request covers the whole ${DAYS} days; "points" is the length of the answer's \`timestamps\` (per host).

| database | request | resolution | points | n | p50 ms | p95 ms | body KiB | p95 < 100 ms |
|---|---|---|---:|---:|---:|---:|---:|:---:|
${rows.join('\n')}

### (4) \`xat process\` parse speed

A ${mb.toFixed(2)} MB collection (the loadtest-cpuinfo rounds repeated with shifted timestamps, ${proc.rounds} rounds, 2 vCPU
with /proc/cpuinfo every round); median of 7 runs, MB = 10⁶ bytes.

| what | seconds | MB/s |
|---|---:|---:|
| \`xat process\` (read, parse, compute, write 6 files) | ${proc.plain.toFixed(3)} | ${(mb / proc.plain).toFixed(1)} |
| \`xat process\` on the gzip file (${(proc.gzSize / 1e6).toFixed(2)} MB compressed) | ${proc.gz.toFixed(3)} | ${(mb / proc.gz).toFixed(1)} |
| \`processCollection\` alone (in memory) | ${proc.memory.toFixed(3)} | ${(mb / proc.memory).toFixed(1)} |`;
  console.log(md);
  writeSection('query', md);
}
