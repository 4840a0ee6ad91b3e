/**
 * Network: upload and download throughput (Mbit/s = 10⁶ bits a second) and the round trip to the XAT server itself,
 * through its agent network-test endpoints (`/api/v1/agent/nettest/…`, the collector's key). Transfers grow from
 * 1 MiB, doubling while one takes under half a second (up to the server's 64 MiB cap), and repeat for a step; the
 * throughput is the bytes over the time of every transfer but the first (the ramp). The round trip is the median of
 * tiny authenticated requests on a kept-alive connection. A 429 (the server's cap on tests at once) waits as told.
 */

import { randomBytes } from 'node:crypto';
import type http from 'node:http';
import { KeptAliveConnection } from '../http.ts';
import { VERSION } from '../version.ts';
import { type BenchEnv, type BenchmarkDef, type BenchmarkRun, BenchmarkUnavailable, round } from './types.ts';

export const NETTEST_PATH = '/api/v1/agent/nettest';
/** The server's cap on one transfer (nettest.routes.ts says the same). */
export const MAX_TRANSFER_BYTES = 64 * 2 ** 20;
const FIRST_TRANSFER_BYTES = 2 ** 20;
const MAX_RETRY_WAIT_MS = 30_000;

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  bytes: number;
  seconds: number;
}

class NetClient {
  private readonly connection: KeptAliveConnection;
  private readonly chunk = randomBytes(2 ** 20);

  constructor(
    private readonly base: URL,
    private readonly apiKey: string,
    private readonly signal: AbortSignal,
  ) {
    this.connection = new KeptAliveConnection(base);
  }

  /** One request; a download's body is counted, not kept; an upload's is `upload` bytes of random data. */
  async request(method: 'GET' | 'POST', path: string, upload = 0): Promise<Answer> {
    const { transport, agent } = await this.connection.open();
    const target = new URL(path, this.base);
    return new Promise((resolve, reject) => {
      const t0 = performance.now();
      const req = transport.request(target, {
        method,
        agent,
        signal: this.signal,
        timeout: 60_000,
        headers: {
          'user-agent': `pcc/${VERSION}`,
          'x-api-key': this.apiKey,
          ...(method === 'POST'
            ? { 'content-type': 'application/octet-stream', 'content-length': String(upload) }
            : {}),
        },
      });
      req.on('timeout', () => req.destroy(new Error('the server did not answer within 60 s')));
      req.on('error', reject);
      req.on('response', (res) => {
        const kept: Buffer[] = [];
        let bytes = 0;
        res.on('data', (c: Buffer) => {
          bytes += c.length;
          if (kept.length < 64) kept.push(c);
        });
        res.on('error', reject);
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(kept),
            bytes,
            seconds: (performance.now() - t0) / 1000,
          }),
        );
      });
      void this.send(req, upload).catch(reject);
    });
  }

  private async send(req: http.ClientRequest, bytes: number) {
    let left = bytes;
    while (left > 0) {
      const piece = left >= this.chunk.length ? this.chunk : this.chunk.subarray(0, left);
      left -= piece.length;
      if (req.destroyed) return;
      // An early answer (401, 413) ends the request: 'close' then stands for the 'drain' that never comes.
      if (!req.write(piece))
        await new Promise<void>((resolve) => {
          const done = () => {
            req.off('drain', done);
            req.off('close', done);
            resolve();
          };
          req.on('drain', done);
          req.on('close', done);
        });
    }
    req.end();
  }

  close() {
    this.connection.close();
  }
}

/** A request that waits out the server's 429s (Retry-After, bounded) and fails with the server's reason otherwise. */
async function ask(
  env: BenchEnv,
  client: NetClient,
  method: 'GET' | 'POST',
  path: string,
  upload = 0,
): Promise<Answer> {
  const t0 = performance.now();
  for (;;) {
    const res = await client.request(method, path, upload);
    if (res.status === 200) return res;
    const text = res.body.toString('utf8').slice(0, 300);
    if (res.status === 429 && performance.now() - t0 < MAX_RETRY_WAIT_MS) {
      const wait = Math.min(10, Math.max(1, Number(res.headers['retry-after']) || 1));
      env.say(`the server is busy with other network tests; waiting ${wait} s`);
      await env.sleep(wait * 1000);
      continue;
    }
    if (res.status === 401) throw new BenchmarkUnavailable(`The server refused the API key (401): ${text}`);
    if (res.status === 404)
      throw new BenchmarkUnavailable('The server has no network-test endpoints (an older XAT server?).');
    throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
  }
}

/** Transfers for a step, growing; Mbit/s over all but the first. */
async function throughput(env: BenchEnv, client: NetClient, direction: 'download' | 'upload'): Promise<number> {
  let size = FIRST_TRANSFER_BYTES;
  let bytes = 0;
  let seconds = 0;
  let first = true;
  const t0 = performance.now();
  while (first || performance.now() - t0 < env.stepSeconds * 1000 || seconds === 0) {
    const res =
      direction === 'download'
        ? await ask(env, client, 'GET', `${NETTEST_PATH}/download/?bytes=${size}`)
        : await ask(env, client, 'POST', `${NETTEST_PATH}/upload/`, size);
    const moved = direction === 'download' ? res.bytes : size;
    if (direction === 'download' && moved !== size)
      throw new Error(`the download stopped after ${moved} of ${size} bytes`);
    if (!first) {
      bytes += moved;
      seconds += res.seconds;
    }
    first = false;
    if (res.seconds < 0.5) size = Math.min(MAX_TRANSFER_BYTES, size * 2);
  }
  return (bytes * 8) / 1e6 / seconds;
}

async function roundTrip(env: BenchEnv, client: NetClient): Promise<number> {
  const { summarize } = await import('@xat/stats');
  await ask(env, client, 'GET', `${NETTEST_PATH}/ping/`);
  const times: number[] = [];
  const until = performance.now() + Math.min(2000, env.stepSeconds * 1000);
  while (times.length < 5 || (performance.now() < until && times.length < 50))
    times.push((await ask(env, client, 'GET', `${NETTEST_PATH}/ping/`)).seconds * 1000);
  return summarize(times).median;
}

export function networkBenchmark(serverUrl: string | undefined, apiKey: string | undefined): BenchmarkDef {
  return {
    name: 'network',
    async prepare(env): Promise<BenchmarkRun> {
      if (!serverUrl || !apiKey)
        throw new BenchmarkUnavailable(
          'No XAT server configured: the network benchmark measures the way to the server (--server-url and --api-key, or PCC_SERVER_URL and PCC_APIKEY).',
        );
      let base: URL;
      try {
        base = new URL(serverUrl);
      } catch {
        throw new BenchmarkUnavailable(`The server URL ${serverUrl} is not a URL.`);
      }
      const client = new NetClient(base, apiKey, env.signal);
      try {
        // The key and the endpoints, before anything is measured.
        await ask(env, client, 'GET', `${NETTEST_PATH}/ping/`);
      } catch (err) {
        client.close();
        throw err;
      }
      return {
        engine: base.origin,
        async repeat() {
          env.say('round trip');
          const rtt = await roundTrip(env, client);
          env.say('download');
          const down = await throughput(env, client, 'download');
          env.say('upload');
          const up = await throughput(env, client, 'upload');
          return {
            metrics: {
              'network.rtt_ms': round(rtt, 3),
              'network.download_mbps': round(down, 1),
              'network.upload_mbps': round(up, 1),
            },
          };
        },
        close: async () => client.close(),
      };
    },
  };
}
