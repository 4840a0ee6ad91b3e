import pg from 'pg';
import { benchApi } from './api.bench.ts';
import { benchDashboard } from './dashboard.bench.ts';
import { benchIngest } from './ingest.bench.ts';
import { benchPcc } from './pcc.bench.ts';
import { benchQuery } from './query.bench.ts';
import { benchStart } from './start.bench.ts';
import { benchSuite } from './suite.bench.ts';
import { benchUpload } from './upload.bench.ts';

// Every benchmark prints its figures and rewrites its own section of BENCHMARKS.md, PGlite and PostgreSQL side by side.
// PostgreSQL: BENCH_DATABASE_URL, else a fresh `xat_bench` database on the local server (127.0.0.1:5432) when reachable.
async function freshPostgres(): Promise<string | undefined> {
  if (process.env.BENCH_DATABASE_URL) return process.env.BENCH_DATABASE_URL;
  const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  try {
    await admin.connect();
    await admin.query('drop database if exists xat_bench');
    await admin.query('create database xat_bench');
    return 'postgres://postgres@127.0.0.1:5432/xat_bench';
  } catch (err) {
    console.warn(`PostgreSQL not reachable, benchmarking PGlite only: ${(err as Error).message}`);
    return undefined;
  } finally {
    await admin.end().catch(() => undefined);
  }
}

// `npm run bench` runs them all; `npm run bench -- ingest pcc` only those named.
const BENCHES = {
  api: benchApi,
  ingest: benchIngest,
  query: benchQuery,
  dashboard: () => benchDashboard(),
  pcc: () => benchPcc(),
  start: benchStart,
  suite: () => benchSuite(),
  upload: () => benchUpload(),
} satisfies Record<string, (postgresUrl: string | undefined) => Promise<void>>;
const asked = process.argv.slice(2);
const unknown = asked.filter((name) => !(name in BENCHES));
if (unknown.length > 0) {
  console.error(`unknown benchmark: ${unknown.join(', ')} (known: ${Object.keys(BENCHES).join(', ')})`);
  process.exit(2);
}
const postgresUrl = await freshPostgres();
for (const [name, bench] of Object.entries(BENCHES))
  if (asked.length === 0 || asked.includes(name)) await bench(postgresUrl);
