import { randomUUID } from 'node:crypto';
import { machine, writeSection } from './report.ts';
import { createCollector, type LoadResult, load, signIn, startServer } from './server.ts';

const CONNECTIONS = 50;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);

const REGISTER = JSON.stringify({
  hostname: 'bench-host',
  ip_address: '10.0.0.5',
  os_name: 'Ubuntu',
  os_version: '24.04',
  kernel_version: '6.8.0',
  processor_brand: 'amd',
  processor_model: 'AMD EPYC 7763',
  vcpus: 4,
  memory_gib: 16,
  storage_gib: 128,
  storage_type: 'ssd',
});

async function measure(engine: string, env: Record<string, string>, port: number) {
  const server = await startServer(port, env);
  try {
    const access = await signIn(server.url);
    const auth = { authorization: `Bearer ${access}`, 'content-type': 'application/json' };
    let apiKey = '';
    for (let i = 0; i < 25; i++) {
      const c = await createCollector(server.url, access, {
        name: `bench-${i}-${randomUUID().slice(0, 4)}`,
        vcpus: 4,
        memory_gib: 16,
      });
      apiKey = c.api_key;
    }
    const list = await load({
      url: `${server.url}/api/v1/collectors/`,
      headers: { authorization: auth.authorization },
      connections: CONNECTIONS,
      seconds: SECONDS,
    });
    const register = await load({
      url: `${server.url}/api/v1/register/`,
      method: 'POST',
      headers: { 'x-api-key': apiKey, 'content-type': 'application/json' },
      body: REGISTER,
      connections: CONNECTIONS,
      seconds: SECONDS,
    });
    return { engine, list, register };
  } finally {
    await server.stop();
  }
}

const row = (engine: string, what: string, r: LoadResult) =>
  `| ${engine} | ${what} | ${r.requestsPerSecond} | ${r.p50Ms} | ${r.p99Ms} | ${r.non2xx + r.errors} |`;

export async function benchApi(postgresUrl: string | undefined): Promise<void> {
  const runs = [await measure('PGlite (embedded)', { DATABASE_URL: '' }, 18_411)];
  if (postgresUrl) runs.push(await measure('PostgreSQL 15', { DATABASE_URL: postgresUrl }, 18_412));
  const lines = runs.flatMap((r) => [
    row(r.engine, 'GET /api/v1/collectors/ (25 collectors, JWT)', r.list),
    row(r.engine, 'POST /api/v1/register/ (API key)', r.register),
  ]);
  const md = `## API throughput (server foundation)

${new Date().toISOString().slice(0, 10)} · ${machine()} · autocannon, ${CONNECTIONS} connections, ${SECONDS} s per endpoint,
server in its own process (\`xat serve\`) on 127.0.0.1, one Node process, default pool.

| database | endpoint | requests/s | p50 ms | p99 ms | non-2xx + errors |
|---|---|---:|---:|---:|---:|
${lines.join('\n')}
${runs.length === 2 && runs[0] && runs[1] ? `\nPostgreSQL ÷ PGlite requests/s: list ${(runs[1].list.requestsPerSecond / runs[0].list.requestsPerSecond).toFixed(2)}×, register ${(runs[1].register.requestsPerSecond / runs[0].register.requestsPerSecond).toFixed(2)}×.` : ''}`;
  console.log(md);
  writeSection('api', md);
}
