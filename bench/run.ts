import pg from 'pg';
import { benchApi } from './api.bench.ts';
import { benchDashboard } from './dashboard.bench.ts';
import { benchIngest } from './ingest.bench.ts';
import { benchPcc } from './pcc.bench.ts';
import { benchQuery } from './query.bench.ts';

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

const postgresUrl = await freshPostgres();
await benchApi(postgresUrl);
await benchIngest(postgresUrl);
await benchQuery(postgresUrl);
await benchDashboard();
await benchPcc();
