/**
 * Start time and idle memory of the server (issue 15), `npm run bench -- start`:
 * 1. time to ready (the first 200 from /health/): a first start on an empty data dir or database (migrations, the
 *    first admin), then second starts — `node apps/server/bin/xat.mjs serve` and `npm start` (npm, and its check
 *    that nothing is stale); a start that had to rebuild something is not counted (others edit the sources);
 * 2. idle RSS of the server process 15 s after ready and later (V8's memory reducer gives memory back after about a
 *    minute without work), restarted on its data, on PGlite and on PostgreSQL, beside a bare Node process and
 *    Beszel's hub (~90 MB); the first start's figure too (PGlite's initdb runs in the process);
 * 3. PGlite alone, by setting: the server's migrated data dir opened with each shared_buffers and V8 WebAssembly
 *    tiering, its RSS once open and the time of a query workload run three times (the price of a setting).
 * BENCH_QUICK=1: 3 second starts instead of 5, 45 s of idle instead of 120.
 * One file past 300 lines: the three parts share their processes, data dir and report.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { machine, writeSection } from './report.ts';

const ROOT = new URL('..', import.meta.url).pathname;
const XAT = join(ROOT, 'apps/server/bin/xat.mjs');
const QUICK = process.env.BENCH_QUICK === '1';
const SECOND_STARTS = QUICK ? 3 : 5;
const IDLE_S = QUICK ? 45 : 120;
const BESZEL_HUB_MB = 90;
const ADMIN = { XAT_ADMIN_USERNAME: 'bench', XAT_ADMIN_PASSWORD: 'bench-password-123' };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)] ?? Number.NaN;
const mb = (kb: number) => (kb / 1024).toFixed(0);

/** User + system CPU time of a process so far, in ms (USER_HZ = 100). */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function rssKb(pid: number): number {
  return Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface Started {
  child: ChildProcess;
  readyMs: number;
  /** The server's own process: `npm start` runs it two levels down. */
  serverPid: number;
  /** The server process's CPU time until ready (npm's own is not counted). */
  cpuMs: number;
  rebuilt: boolean;
}

/** Spawns `command`, timing until /health/ answers 200 (polled every 20 ms). */
async function startTimed(command: string, args: string[], env: Record<string, string>): Promise<Started> {
  const port = await freePort();
  let output = '';
  const t0 = performance.now();
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { ...process.env, ...ADMIN, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'info', ...env },
  });
  child.stdout?.on('data', (d) => {
    output += d;
  });
  child.stderr?.on('data', (d) => {
    output += d;
  });
  for (let i = 0; i < 6000 && child.exitCode === null; i++) {
    if (
      await fetch(`http://127.0.0.1:${port}/health/`).then(
        (r) => r.ok,
        () => false,
      )
    ) {
      const readyMs = performance.now() - t0;
      const cpu = child.pid ? cpuMs(child.pid) : 0;
      // The listening line (with the server's pid) follows the first answer by a moment.
      const pidOf = () => Number(/"pid":(\d+)[^\n]*XAT listening/.exec(output)?.[1]);
      for (let j = 0; j < 250 && Number.isNaN(pidOf()); j++) await sleep(20);
      const serverPid = pidOf();
      // Under npm the server is a grandchild: its CPU is read a moment late (at most a few ms of idle).
      const serverCpu = serverPid === child.pid ? cpu : cpuMs(serverPid);
      return { child, readyMs, serverPid, cpuMs: serverCpu, rebuilt: output.includes('xat: building') };
    }
    await sleep(20);
  }
  child.kill('SIGKILL');
  throw new Error(`${command} ${args.join(' ')} did not come up:\n${output}`);
}

async function stop(started: Started): Promise<void> {
  started.child.kill('SIGTERM');
  if (started.child.exitCode === null) await new Promise((r) => started.child.once('exit', r));
  // Under npm the server notices its parent is gone within half a second, then closes.
  for (let i = 0; i < 100; i++) {
    try {
      process.kill(started.serverPid, 0);
    } catch {
      return;
    }
    await sleep(100);
  }
}

interface StartFigures {
  database: string;
  firstMs: number;
  firstRssKb: number;
  direct: number[];
  directCpu: number[];
  npm: number[];
  rss15Kb: number;
  rssIdleKb: number;
  discarded: number;
}

const ensureBuilt = () =>
  spawnSync(process.execPath, [join(ROOT, 'apps/server/scripts/ensure-built.mjs')], { cwd: ROOT, stdio: 'inherit' });

/** A start with nothing to build: built just before, and taken again (at most twice) if a source changed meanwhile. */
async function cleanStart(command: string, args: string[], env: Record<string, string>, figures: StartFigures) {
  for (let attempt = 0; ; attempt++) {
    ensureBuilt();
    const started = await startTimed(command, args, env);
    if (!started.rebuilt || attempt === 2) return started;
    figures.discarded++;
    await stop(started);
  }
}

async function measure(database: string, env: Record<string, string>): Promise<StartFigures> {
  console.log(`start: ${database}, first start…`);
  ensureBuilt();
  const first = await startTimed(process.execPath, [XAT, 'serve'], env);
  await sleep(15_000);
  const figures: StartFigures = {
    database,
    firstMs: first.readyMs,
    firstRssKb: rssKb(first.serverPid),
    direct: [],
    directCpu: [],
    npm: [],
    rss15Kb: 0,
    rssIdleKb: 0,
    discarded: 0,
  };
  await stop(first);
  console.log(`start: ${database}, restarted, ${IDLE_S} s of idle…`);
  const idle = await cleanStart(process.execPath, [XAT, 'serve'], env, figures);
  figures.direct.push(idle.readyMs);
  figures.directCpu.push(idle.cpuMs);
  await sleep(15_000);
  figures.rss15Kb = rssKb(idle.serverPid);
  await sleep((IDLE_S - 15) * 1000);
  figures.rssIdleKb = rssKb(idle.serverPid);
  await stop(idle);
  for (const [list, command, args] of [
    [figures.direct, process.execPath, [XAT, 'serve']],
    [figures.npm, 'npm', ['start', '--silent']],
  ] as const) {
    while (list.length < SECOND_STARTS) {
      const started = await cleanStart(command, [...args], env, figures);
      list.push(started.readyMs);
      if (list === figures.direct) figures.directCpu.push(started.cpuMs);
      await stop(started);
    }
  }
  console.log(
    `start: ${database}: first ${first.readyMs.toFixed(0)} ms, again ${median(figures.direct).toFixed(0)} ms`,
  );
  return figures;
}

/** A bare Node process: the floor under any Node server. */
async function bareNodeKb(): Promise<number> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1e9)']);
  await sleep(5000);
  const kb = rssKb(child.pid as number);
  child.kill();
  return kb;
}

// Runs in a child per setting: opens the data dir, reports RSS, then times a workload on a temp table three times.
const PGLITE_PROBE = `
import { PGlite } from '@electric-sql/pglite';
const [dir, buffers] = process.argv.slice(1);
const db = new PGlite(dir, { startParams: [...PGlite.defaultStartParams, '-c', 'shared_buffers=' + buffers] });
await db.waitReady;
await db.query('select count(*) from users');
const openKb = process.memoryUsage().rss / 1024;
await db.exec('create temp table probe (id int primary key, host int, v double precision)');
const runsMs = [];
for (let run = 0; run < 3; run++) {
  const t0 = performance.now();
  await db.exec('truncate probe');
  await db.query('insert into probe select g, g % 50, random() from generate_series(1, 200000) g');
  for (let i = 0; i < 20; i++) await db.query('select host, avg(v), max(v), count(*) from probe group by host');
  runsMs.push(performance.now() - t0);
}
console.log(JSON.stringify({ openKb, afterKb: process.memoryUsage().rss / 1024, runsMs }));
await db.close();
`;

interface ProbeRow {
  setting: string;
  openKb: number;
  afterKb: number;
  runsMs: number[];
}

const SERVER_TIERING = '--wasm-tiering-budget=180000000';

function probePglite(dataDir: string): ProbeRow[] {
  const settings: [string, string[], string][] = [
    ["shared_buffers 128 MB (PostgreSQL's and PGlite's default), V8's default tiering", [], '128MB'],
    ["shared_buffers 16 MB, V8's default tiering", [], '16MB'],
    ["shared_buffers 8 MB, V8's default tiering", [], '8MB'],
    ['shared_buffers 16 MB, tiering budget × 100 (**the server**)', [SERVER_TIERING], '16MB'],
    ['shared_buffers 16 MB, `--liftoff-only` (never optimized)', ['--liftoff-only'], '16MB'],
  ];
  return settings.map(([setting, flags, buffers]) => {
    console.log(`start: PGlite alone, ${setting}…`);
    const run = spawnSync(
      process.execPath,
      [...flags, '--input-type=module', '-e', PGLITE_PROBE, join(dataDir, 'pgdata'), buffers],
      { cwd: join(ROOT, 'apps/server'), encoding: 'utf8', timeout: 300_000 },
    );
    if (run.status !== 0) throw new Error(`PGlite probe (${setting}) failed:\n${run.stderr}`);
    return { setting, ...(JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as Omit<ProbeRow, 'setting'>) };
  });
}

export async function benchStart(postgresUrl: string | undefined): Promise<void> {
  const load = loadavg()[0]?.toFixed(1);
  const dataDir = mkdtempSync(join(tmpdir(), 'xat-bench-start-'));
  const rows: StartFigures[] = [];
  try {
    rows.push(await measure('PGlite (embedded)', { DATA_DIR: dataDir, DATABASE_URL: '' }));
    if (postgresUrl)
      rows.push(await measure('PostgreSQL 15', { DATA_DIR: join(dataDir, 'pg'), DATABASE_URL: postgresUrl }));
    const bareKb = await bareNodeKb();
    const probes = probePglite(dataDir);
    writeSection('start', report(rows, bareKb, probes, load ?? '?'));
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function report(rows: StartFigures[], bareKb: number, probes: ProbeRow[], load: string): string {
  const ms = (xs: number[]) => `${median(xs).toFixed(0)} (${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)})`;
  const npmMedian = Math.max(...rows.map((r) => median(r.npm)));
  const pg = rows.find((r) => r.database.startsWith('PostgreSQL'));
  const discarded = rows.reduce((n, r) => n + r.discarded, 0);
  return `
## Idle memory and start time

${new Date().toISOString().slice(0, 10)} · ${machine()} · others' builds and tests share this machine (load
average ${load} when the benchmark began): every figure includes their share.

### Time to ready

From spawning the command to the first 200 from \`/health/\` (polled every 20 ms); the compiled server
(\`apps/server/dist/xat.mjs\`), nothing to rebuild. Second starts: median (min–max) of ${SECOND_STARTS}.
${discarded > 0 ? `${discarded} start(s) had to rebuild (a source was edited meanwhile) and were taken again.\n` : ''}
| database | first start, empty (ms) | \`node apps/server/bin/xat.mjs serve\` again (ms) | its CPU time to ready (ms) | \`npm start\` again (ms) |
|---|---:|---:|---:|---:|
${rows.map((r) => `| ${r.database} | ${r.firstMs.toFixed(0)} | ${ms(r.direct)} | ${ms(r.directCpu)} | ${ms(r.npm)} |`).join('\n')}

The CPU time (user + system, all the process's threads) is what the machine's load does not stretch: with two
cores shared with others' work, the time to ready is longer than on an idle machine.

Target: \`npm start\` ready in < 2 s on its second start → ${npmMedian < 2000 ? '**met**' : '**not met** on this machine'} (median ${npmMedian.toFixed(0)} ms).

### Idle RSS

The server process restarted on its data, no requests; \`/proc/<pid>/status\` VmRSS. The very first start on
PGlite stays higher until the next start: its initdb runs in the process, and V8 does not collect that instance's
memory while the server idles.

| process | 15 s after ready (MB) | ${IDLE_S} s after ready (MB) | 15 s after the first start (MB) |
|---|---:|---:|---:|
${rows.map((r) => `| \`xat serve\`, ${r.database} | ${mb(r.rss15Kb)} | ${mb(r.rssIdleKb)} | ${mb(r.firstRssKb)} |`).join('\n')}
| bare \`node -e 'setInterval(()=>{},1e9)'\` | ${mb(bareKb)} | | |
| Beszel's hub (issue 15's figure, for scale) | | ~${BESZEL_HUB_MB} | |

Target: PostgreSQL < 150 MB → ${pg ? (Math.max(pg.rss15Kb, pg.rssIdleKb) / 1024 < 150 ? '**met**' : '**not met**') : 'not measured (no PostgreSQL)'}.

### PGlite by setting

PGlite alone (no server) in a process of its own on the migrated data dir above: RSS once open, then a workload
(200,000 inserts into a temporary table, 20 group-by aggregates over them) run three times, and RSS after.
PostgreSQL touches all its shared buffers at start, so they cost their size. V8 optimizes WebAssembly code once it
has run enough: at its default budget much of PostgreSQL's start-up code qualifies, so the server raises the budget
100× (\`bin/xat.mjs\`); \`--liftoff-only\` would never optimize anything, however hot.

| setting | RSS open (MB) | workload, runs 1 / 2 / 3 (ms) | RSS after (MB) |
|---|---:|---:|---:|
${probes.map((p) => `| ${p.setting} | ${mb(p.openKb)} | ${p.runsMs.map((x) => x.toFixed(0)).join(' / ')} | ${mb(p.afterKb)} |`).join('\n')}
`;
}
