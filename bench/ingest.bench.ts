import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { cpus } from 'node:os';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { gzipSync } from 'node:zlib';
import type { MetricSample } from '@xat/contracts';
import { parseRound, type RawMeasurement } from '@xat/procfs';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { machine, machineTicks, stealPct, writeSection } from './report.ts';
import { createCollector, signIn, startServer } from './server.ts';

// Ingest throughput: our agent's gzip batches through POST /api/v1/metrics/ from many concurrent agents, next to raw
// COPY into the same table; and the original pcc's one-round-per-request /v1/trickle. Loopback only, bounded runs.

const AGENTS = 100;
const SAMPLES_PER_BATCH = 60;
const PREBUILT_BATCHES = 30;
const SECONDS = Math.min(15, Number(process.env.BENCH_SECONDS ?? 10));
const ROWS_PER_SAMPLE = 1 + 4 + 2 + 2 + 3; // host + cpus + disks + interfaces + filesystems
const DAY = 86_400;

interface Agent {
  collectorId: string;
  key: string;
}

export async function provision(url: string, count: number): Promise<Agent[]> {
  const access = await signIn(url);
  const agents: Agent[] = [];
  for (let i = 0; i < count; i++) {
    const c = await createCollector(url, access, { name: `ingest-${i}-${randomUUID().slice(0, 6)}` });
    agents.push({ collectorId: c.id, key: c.api_key });
  }
  return agents;
}

function sample(ts: number, k: number): MetricSample {
  const busy = 20 + (k % 50);
  return {
    timestamp: ts,
    interval_seconds: 10,
    host: {
      cpu_user: busy * 0.7,
      cpu_nice: 0,
      cpu_system: busy * 0.3,
      cpu_iowait: 0.5,
      cpu_steal: 0,
      cpu_idle: 100 - busy,
      cpu_busy: busy,
      mem_free_kb: 4_000_000 + k,
      mem_available_kb: 9_000_000,
      mem_used_kb: 7_000_000 - k,
      mem_used_pct: 43.75,
      mem_buffers_kb: 200_000,
      mem_cached_kb: 5_000_000,
      mem_commit_kb: 8_000_000,
      mem_commit_pct: 50,
      mem_active_kb: 6_000_000,
      mem_inactive_kb: 3_000_000,
      mem_dirty_kb: 1200,
      disk_read_bps: 1_048_576,
      disk_write_bps: 4_194_304,
      disk_read_iops: 120,
      disk_write_iops: 340,
      net_rx_bps: 2_500_000,
      net_tx_bps: 1_200_000,
      net_rx_pps: 2100,
      net_tx_pps: 1800,
    },
    cpus: [0, 1, 2, 3].map((cpu) => ({ cpu, user: busy, system: 5, idle: 95 - busy, busy: busy + 5 })),
    disks: ['nvme0n1', 'nvme1n1'].map((name) => ({ name, read_bps: 524_288, write_bps: 2e6, busy_pct: 12 })),
    interfaces: ['eth0', 'eth1'].map((name) => ({ name, rx_bps: 1.25e6, tx_bps: 6e5, rx_pps: 1050, tx_pps: 900 })),
    filesystems: ['/', '/boot', '/data'].map((mount_point) => ({
      mount_point,
      size_bytes: 1e11,
      free_bytes: 4e10,
      avail_bytes: 3.5e10,
      used_pct: 65,
    })),
  };
}

interface LoopResult {
  requests: number;
  ok: number;
  throttled: number;
  failed: number;
  units: number;
  seconds: number;
  /** Steal over the window, percent of the machine. */
  steal: number;
}

interface Answer {
  status: number;
  retryAfter: number;
  body: string;
}

/** One POST on a kept-alive connection of `agent`, with node:http (fetch costs the load generator ~4× the CPU). */
function post(agent: http.Agent, url: URL, headers: Record<string, string>, body: string | Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: 'POST', agent, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            retryAfter: Number(res.headers['retry-after'] ?? 1),
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * `concurrency` clients (one kept-alive connection each), each sending its next request as soon as the last was
 * answered; 429 → wait Retry-After. A request counts only when answered 2xx within the window: the server answers
 * after the rows are committed.
 */
async function runClients(
  concurrency: number,
  seconds: number,
  next: (client: number, i: number) => { url: URL; headers: Record<string, string>; body: string | Buffer },
  unitsOf: (client: number, i: number, body: Record<string, unknown>) => number,
): Promise<LoopResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const result: LoopResult = { requests: 0, ok: 0, throttled: 0, failed: 0, units: 0, seconds, steal: 0 };
  const ticks = machineTicks();
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let firstError = '';
  await Promise.all(
    Array.from({ length: concurrency }, async (_, client) => {
      let i = 0;
      while (performance.now() < deadline) {
        const req = next(client, i);
        result.requests++;
        const res = await post(agent, req.url, req.headers, req.body).catch((err: Error) => err);
        if (res instanceof Error) {
          result.failed++;
          firstError ||= res.message;
          continue;
        }
        if (res.status === 429) {
          result.throttled++;
          await new Promise((r) => setTimeout(r, res.retryAfter * 1000));
          continue;
        }
        if (res.status < 200 || res.status > 299) {
          result.failed++;
          firstError ||= `${res.status} ${res.body.slice(0, 200)}`;
          i++;
          continue;
        }
        if (performance.now() <= deadline) {
          result.ok++;
          result.units += unitsOf(client, i, JSON.parse(res.body) as Record<string, unknown>);
        }
        i++;
      }
    }),
  );
  result.steal = stealPct(ticks, machineTicks());
  agent.destroy();
  if (firstError) console.warn(`first error: ${firstError}`);
  return result;
}

/** A gzip batch of SAMPLES_PER_BATCH samples: agent `client`'s i-th, 10 s apart from `start`. */
function batchBody(start: number, client: number, i: number): Buffer {
  const first = start + i * SAMPLES_PER_BATCH * 10;
  const samples = Array.from({ length: SAMPLES_PER_BATCH }, (_, k) => sample(first + k * 10, k + client));
  return gzipSync(
    JSON.stringify({ batch_id: `b-${client}-${i}-${randomUUID().slice(0, 8)}`, collector_time: 0, samples }),
    {
      level: 1,
    },
  );
}

/** Repetition `rep` sends its own half day of samples (2, 2.5, 3 … days ago): never a duplicate of another's. */
export async function batchIngest(url: string, agents: Agent[], rep = 0, seconds = SECONDS): Promise<LoopResult> {
  const start = Math.floor(Date.now() / 1000) - (2 + rep / 2) * DAY;
  // Bodies built before the clock starts (more are made on the fly if the server outruns them): the load generator
  // shares the server's two cores, and what it spends on JSON and gzip is not the server's speed.
  const ready = agents.map((_, client) =>
    Array.from({ length: PREBUILT_BATCHES }, (_, i) => batchBody(start, client, i)),
  );
  const endpoint = new URL('/api/v1/metrics/', url);
  return runClients(
    agents.length,
    seconds,
    (client, i) => ({
      url: endpoint,
      headers: {
        'x-api-key': agents[client]?.key ?? '',
        'content-type': 'application/json',
        'content-encoding': 'gzip',
      },
      body: ready[client]?.[i] ?? batchBody(start, client, i),
    }),
    (_c, _i, body) => Number(body.written ?? 0),
  );
}

/** Rows one trickle round of the recording stores: host + per-CPU, per-disk, per-interface and per-filesystem rows. */
const { ROWS_PER_ROUND, ROUND_DEVICES } = (() => {
  const round = parseRound(JSON.parse(`[${trickleTemplate()(1_767_982_248, 0)}]`) as RawMeasurement[]);
  const cpus = round?.stat?.cpus.length ?? 0;
  const disks = round?.diskstats?.length ?? 0;
  const nics = round?.netDev?.length ?? 0;
  const fs = round?.statfs?.length ?? 0;
  return {
    ROWS_PER_ROUND: 1 + cpus + disks + nics + fs,
    ROUND_DEVICES: `${cpus} CPUs, ${disks} block devices, ${nics} interfaces and ${fs} filesystems`,
  };
})();

/**
 * Rounds of the loadtest-cpuinfo recording (≈8 KB, /proc/cpuinfo included) with a /proc/stat that moves on, as the
 * JSON text of their measurements (no brackets). The fixed subsystems are serialised once; a round costs the load
 * generator a string join.
 */
function trickleTemplate(): (ts: number, k: number) => string {
  const lines = readFileSync(new URL('../fixtures/pcc/loadtest-cpuinfo/loadtest-cpuinfo.json', import.meta.url), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { timestamp: number; subsystem: string; measurement: string });
  const first = lines[0]?.timestamp;
  const fixed = lines
    .filter((l) => l.timestamp === first && l.subsystem !== '/proc/stat')
    .map((l) => `,"subsystem":${JSON.stringify(l.subsystem)},"measurement":${JSON.stringify(l.measurement)}}`);
  return (ts, k) => {
    const u = 1000 + k * 150;
    const idle = 100_000 + k * 850;
    const stat = `cpu  ${u * 2} 0 ${u} ${idle * 2} 10 0 5 0 0 0\ncpu0 ${u} 0 ${u / 2} ${idle} 5 0 2 0 0 0\ncpu1 ${u} 0 ${u / 2} ${idle} 5 0 3 0 0 0\nintr 1 0\nctxt 12345\nbtime 1767970000\nprocesses 100\nprocs_running 1\nprocs_blocked 0\n`;
    const head = `{"timestamp":${ts}`;
    return [
      `${head},"subsystem":"/proc/stat","measurement":${JSON.stringify(stat)}}`,
      ...fixed.map((f) => head + f),
    ].join(',');
  };
}

export async function trickle(
  url: string,
  agents: Agent[],
  roundsPerRequest: number,
  daysAgo: number,
): Promise<LoopResult> {
  const start = Math.floor(Date.now() / 1000) - daysAgo * DAY;
  const template = trickleTemplate();
  const endpoint = new URL('/v1/trickle', url);
  return runClients(
    agents.length,
    SECONDS,
    (client, i) => {
      const rounds = Array.from({ length: roundsPerRequest }, (_, r) => {
        const k = i * roundsPerRequest + r;
        return template(start + k * 10, k);
      });
      const body = `{"identifier":"bench-${client}","measurements":[${rounds.join(',')}]}`;
      return {
        url: endpoint,
        headers: { apikey: agents[client]?.key ?? '', 'content-type': 'application/json' },
        body,
      };
    },
    (_c, _i, body) => Number(body.metrics_count ?? 0),
  );
}

// ---- raw COPY into the same tables, on the same PostgreSQL -------------------------------------------------------

const HOST_COLUMNS = 27; // interval_seconds + 26 host fields

function partitionFor(table: string, day: number) {
  const from = new Date(day * 1000).toISOString();
  const stamp = from.slice(0, 10).replaceAll('-', '');
  const to = new Date((day + DAY) * 1000).toISOString();
  return `CREATE TABLE IF NOT EXISTS "${table}_p${stamp}" PARTITION OF "${table}" FOR VALUES FROM ('${from}') TO ('${to}')`;
}

async function copyRows(
  pool: pg.Pool,
  sql: string,
  seconds: number,
  row: (n: number) => string | undefined,
): Promise<number> {
  const client = await pool.connect();
  try {
    const deadline = performance.now() + seconds * 1000;
    let n = 0;
    const source = Readable.from(
      (function* () {
        while (performance.now() < deadline) {
          let chunk = '';
          for (let j = 0; j < 500; j++) {
            const line = row(n++);
            if (line === undefined) return;
            chunk += line;
          }
          yield chunk;
        }
      })(),
    );
    await pipeline(source, client.query(copyFrom(sql)));
    return n;
  } finally {
    client.release();
  }
}

/**
 * The tenant of the bench's collectors, and the partitions of `day` in every table. COPY writes to days of its own,
 * in the future (10 days ahead and on): nothing else writes there and retention never drops them mid-run.
 */
async function copySetup(pool: pg.Pool, agents: Agent[], daysAhead: number) {
  const { rows } = await pool.query<{ tenant_id: string }>('select tenant_id from collectors where id = $1', [
    agents[0]?.collectorId,
  ]);
  const day = (Math.floor(Date.now() / 1000 / DAY) + daysAhead) * DAY;
  for (const table of ['metric_samples', 'metric_cpus', 'metric_disks', 'metric_net', 'metric_fs'])
    await pool.query(partitionFor(table, day));
  return { tenant: rows[0]?.tenant_id ?? '', day };
}

const COPY_HOST = Array.from({ length: HOST_COLUMNS }, (_, i) => (i * 1.5).toFixed(1)).join('\t');

/** COPY rows/s into metric_samples alone (host rows only), one stream per core, for SECONDS. */
export async function copyHostRows(postgresUrl: string, agents: Agent[]) {
  const pool = new pg.Pool({ connectionString: postgresUrl, max: 8 });
  try {
    const { tenant, day: hostDay } = await copySetup(pool, agents, 10);
    const streams = Math.max(2, cpus().length);
    const perStream = Math.floor(agents.length / streams);
    // Each stream its own collectors: concurrent FK checks on one collector row would contend on its row lock.
    const counts = await Promise.all(
      Array.from({ length: streams }, (_, s) =>
        copyRows(pool, 'COPY metric_samples FROM STDIN', SECONDS, (n) => {
          const collector = agents[s * perStream + Math.floor(n / DAY)]?.collectorId;
          const ts = new Date((hostDay + (n % DAY)) * 1000).toISOString();
          return n < perStream * DAY && collector ? `${tenant}\t${collector}\t${ts}\t${COPY_HOST}\n` : undefined;
        }),
      ),
    );
    return { rowsPerSecond: counts.reduce((a, n) => a + n, 0) / SECONDS, streams };
  } finally {
    await pool.end();
  }
}

/**
 * COPY of whole samples, samples/s: the host row plus 4 cpu, 2 disk, 2 interface and 3 filesystem rows, each table
 * its own stream (5 in parallel), for SECONDS. Each repetition `rep` writes a day of its own: no conflicts.
 */
export async function copyWholeSamples(
  postgresUrl: string,
  agents: Agent[],
  rep = 0,
): Promise<{ samplesPerSecond: number; steal: number }> {
  const pool = new pg.Pool({ connectionString: postgresUrl, max: 8 });
  try {
    const { tenant, day: sampleDay } = await copySetup(pool, agents, 11 + rep);
    const perTable: [string, (prefix: string) => string][] = [
      ['metric_samples', (p) => `${p}\t${COPY_HOST}\n`],
      ['metric_cpus', (p) => [0, 1, 2, 3].map((c) => `${p}\t${c}\t1\t0\t2\t0\t0\t97\t3\n`).join('')],
      ['metric_disks', (p) => ['nvme0n1', 'nvme1n1'].map((d) => `${p}\t${d}\t1\t2\t3\t4\t5\n`).join('')],
      ['metric_net', (p) => ['eth0', 'eth1'].map((d) => `${p}\t${d}\t1\t2\t3\t4\n`).join('')],
      ['metric_fs', (p) => ['/', '/boot', '/data'].map((d) => `${p}\t${d}\t1\t2\t3\t4\n`).join('')],
    ];
    const perTable_ = Math.floor(agents.length / perTable.length);
    const ticks = machineTicks();
    const started = performance.now();
    const counts = await Promise.all(
      perTable.map(([table, rowsOf], t) =>
        copyRows(pool, `COPY ${table} FROM STDIN`, SECONDS, (n) => {
          const collector = agents[t * perTable_ + Math.floor(n / DAY)]?.collectorId;
          const ts = new Date((sampleDay + (n % DAY)) * 1000).toISOString();
          return n < perTable_ * DAY && collector ? rowsOf(`${tenant}\t${collector}\t${ts}`) : undefined;
        }),
      ),
    );
    // A sample is complete when all five tables have it: the slowest table sets the pace.
    const samplesPerSecond = Math.min(...counts) / ((performance.now() - started) / 1000);
    return { samplesPerSecond, steal: stealPct(ticks, machineTicks()) };
  } finally {
    await pool.end();
  }
}

// ---- report --------------------------------------------------------------------------------------------------------

/** Batches and COPY are measured in turns, this many times: the machine's speed drifts between minutes, a pair's doesn't. */
const PAIRS = 3;
const WARMUP_SECONDS = 3;

interface Run {
  engine: string;
  batches: LoopResult[];
  /** COPY right after each batch measurement (PostgreSQL only). */
  copies: { samplesPerSecond: number; steal: number }[];
  copyHost?: Awaited<ReturnType<typeof copyHostRows>>;
  trickle1: LoopResult;
  trickle12: LoopResult;
}

async function measure(engine: string, env: Record<string, string>, port: number, postgresUrl?: string): Promise<Run> {
  const server = await startServer(port, env);
  try {
    const agents = await provision(server.url, AGENTS);
    const batches: LoopResult[] = [];
    const copies: Run['copies'] = [];
    // Not counted: the server's code reaches its optimised tier, the database its caches and today's partitions.
    await batchIngest(server.url, agents, PAIRS, WARMUP_SECONDS);
    for (let rep = 0; rep < PAIRS; rep++) {
      batches.push(await batchIngest(server.url, agents, rep));
      if (postgresUrl) copies.push(await copyWholeSamples(postgresUrl, agents, rep));
    }
    const trickle1 = await trickle(server.url, agents, 1, 1);
    const trickle12 = await trickle(server.url, agents, 12, 0.5);
    const copyHost = postgresUrl ? await copyHostRows(postgresUrl, agents) : undefined;
    return { engine, batches, copies, trickle1, trickle12, ...(copyHost ? { copyHost } : {}) };
  } finally {
    await server.stop();
  }
}

const rate = (n: number, s: number) => Math.round(n / s);
const fmt = (n: number) => n.toLocaleString('en-US');
const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};
const samplesPerSecond = (l: LoopResult) => l.units / l.seconds;

export async function benchIngest(postgresUrl: string | undefined): Promise<void> {
  const runs = [await measure('PGlite (embedded)', { DATABASE_URL: '' }, 18_421)];
  if (postgresUrl) runs.push(await measure('PostgreSQL 15', { DATABASE_URL: postgresUrl }, 18_422, postgresUrl));

  const batchRows = runs.map((r) => {
    const samples = r.batches.map(samplesPerSecond);
    const m = Math.round(median(samples));
    const batches = median(r.batches.map((b) => b.ok / b.seconds));
    const sum = (k: 'throttled' | 'failed') => r.batches.reduce((a, b) => a + b[k], 0);
    const steal = r.batches.map((b) => b.steal.toFixed(1)).join(', ');
    return `| ${r.engine} | ${fmt(Math.round(batches))} | ${fmt(m)} (${samples.map((v) => fmt(Math.round(v))).join(', ')}) | ${fmt(m * ROWS_PER_SAMPLE)} | ${sum('throttled')} | ${sum('failed')} | ${steal} |`;
  });
  const pgRun = runs.find((r) => r.copies.length > 0);
  const copyLines = pgRun
    ? (() => {
        const ratios = pgRun.batches.map(
          (b, i) => samplesPerSecond(b) / (pgRun.copies[i]?.samplesPerSecond ?? Number.NaN),
        );
        const ratio = median(ratios);
        const pairs = pgRun.batches.map((b, i) => {
          const api = samplesPerSecond(b);
          const copy = pgRun.copies[i]?.samplesPerSecond ?? 0;
          const steal = `${b.steal.toFixed(1)} / ${(pgRun.copies[i]?.steal ?? 0).toFixed(1)}`;
          return `| ${i + 1} | ${fmt(Math.round(copy * ROWS_PER_SAMPLE))} (${fmt(Math.round(copy))} samples/s) | ${fmt(Math.round(api * ROWS_PER_SAMPLE))} (${fmt(Math.round(api))} samples/s) | ${(api / copy).toFixed(2)}× | ${steal} |`;
        });
        const host = pgRun.copyHost;
        return `
Raw \`COPY\` of the same whole samples into the same five tables of the same PostgreSQL (text format, rows generated
on the fly, one stream per table, ${SECONDS} s), measured right after each batch measurement above: the machine's
speed drifts by ±10 % between minutes, so each pair is compared on its own and the median ratio reported. The API
also keeps the two rollups, which COPY does not.

| pair | COPY rows/s | API rows/s | API ÷ COPY | steal %, API / COPY |
|---:|---:|---:|---:|---:|
${pairs.join('\n')}

API ÷ COPY, median of the ${ratios.length} pairs: **${ratio.toFixed(2)}×** (target ≥ 0.5×) → ${ratio >= 0.5 ? '**met**' : '**missed**'}.${
          host
            ? ` For scale: COPY into \`metric_samples\` alone (host rows only, ${host.streams} streams) took
${fmt(Math.round(host.rowsPerSecond))} rows/s.`
            : ''
        }`;
      })()
    : '\nRaw `COPY`: PostgreSQL not reachable, not measured.';
  const trickleRows = runs.flatMap((r) =>
    [
      ['1 round per request (as the Go pcc)', r.trickle1],
      ['12 rounds per request', r.trickle12],
    ].map(([what, t]) => {
      const l = t as LoopResult;
      const rounds = rate(l.units, l.seconds);
      return `| ${r.engine} | ${what} | ${fmt(rate(l.ok, l.seconds))} | **${fmt(rounds)}** | ${fmt(rounds * ROWS_PER_ROUND)} | ${l.throttled} | ${l.failed} | ${l.steal.toFixed(1)} |`;
    }),
  );

  const md = `## Ingest (metrics pipeline)

${new Date().toISOString().slice(0, 10)} · ${machine()} · server in its own process (\`xat serve\`) on 127.0.0.1, the
load generator (node:http, kept-alive connections, bodies built ahead where it can) in this process on the same
2 cores, ${SECONDS} s per measurement; **steal** is the share of the machine the hypervisor gave to other guests
meanwhile (from /proc/stat; every figure drops with it). A request counts when answered 2xx inside the window; the answer comes after
its rows are committed. Every flush is one prepared statement, its arrays sent in binary: host rows, the device rows
of the samples actually written, both rollups (1 min and 1 h: count, sum and max per field, added to the bucket)
and the raw-rounds state.

**Batches** — ${AGENTS} concurrent simulated agents (one collector and key each), each posting gzip batches of
${SAMPLES_PER_BATCH} samples (4 CPUs, 2 disks, 2 interfaces, 3 filesystems: ${ROWS_PER_SAMPLE} rows per sample) to
\`POST /api/v1/metrics/\` as fast as answered; a 429 waits its Retry-After and retries. After ${WARMUP_SECONDS} s of the same
load not counted (warm-up), measured ${PAIRS} times: the median, and each measurement in brackets.

| database | batches/s | samples/s | rows/s, all tables | 429s | errors | steal % |
|---|---:|---:|---:|---:|---:|---:|
${batchRows.join('\n')}
${copyLines}

**Trickle** — \`POST /v1/trickle\` from ${AGENTS} collectors, each round one /proc snapshot of ≈8 KB (with /proc/cpuinfo),
parsed, chained with the collector's previous round into an interval and stored: ${ROWS_PER_ROUND} rows per round (the
recording's host has ${ROUND_DEVICES}); target ≥ 5 000 rounds/s.

| database | body | requests/s | rounds/s | rows/s, all tables | 429s | errors | steal % |
|---|---|---:|---:|---:|---:|---:|---:|
${trickleRows.join('\n')}`;
  console.log(md);
  writeSection('ingest', md);
}
