import { benchApi } from './api.bench.ts';

// Every benchmark prints its figures and rewrites its own section of BENCHMARKS.md.
// BENCH_DATABASE_URL (a PostgreSQL database the run may fill) adds the PostgreSQL column.
await benchApi();
