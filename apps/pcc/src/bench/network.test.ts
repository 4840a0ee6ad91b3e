import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sharedMachineOptions, suiteWorkDir } from '../testing/bench-suite.ts';
import { FakeServer, sendJson } from '../testing/fake-server.ts';
import { startXatServer } from '../testing/xat-server.ts';
import { runSuite, type SuiteOptions } from './suite.ts';

const work = suiteWorkDir('pcc-bench-network-');
const server = await startXatServer(join(work, 'server'));
const fakes: FakeServer[] = [];
afterAll(async () => {
  await server.stop();
  for (const f of fakes) await f.stop();
});

const options = (more: Partial<SuiteOptions>): SuiteOptions =>
  sharedMachineOptions(work, { benchmarks: ['network'], runs: 2, ...more });

describe('network benchmark', () => {
  it('upload, download and round trip to the real server, with its collector key', async () => {
    const { api_key } = await server.createCollector('bench-network');
    const result = await runSuite(options({ serverUrl: server.url, apiKey: api_key }));
    const [net] = result.benchmarks;
    expect(net?.error).toBeUndefined();
    expect(net?.engine).toBe(server.url);
    const m = (key: string) => net?.metrics[`network.${key}`];
    console.log(
      `loopback to xat serve: download ${m('download_mbps')?.median} Mbit/s, upload ${m('upload_mbps')?.median} Mbit/s, round trip ${m('rtt_ms')?.median} ms`,
    );
    for (const key of ['download_mbps', 'upload_mbps']) {
      expect(m(key)?.n, key).toBe(2);
      // Loopback: far beyond 100 Mbit/s even on a loaded machine.
      expect(m(key)?.median, key).toBeGreaterThan(100);
    }
    expect(m('rtt_ms')?.median).toBeGreaterThan(0);
    expect(m('rtt_ms')?.median).toBeLessThan(100);
  }, 90_000);

  it('a key the server refuses: the benchmark says so, nothing measured', async () => {
    const result = await runSuite(options({ serverUrl: server.url, apiKey: 'not-a-key' }));
    expect(result.benchmarks[0]?.error).toMatch(/The server refused the API key \(401\)/);
    expect(result.benchmarks[0]?.runs).toEqual([]);
  });

  it('a server at its cap (429): the transfer waits Retry-After and goes on', async () => {
    let refusals = 0;
    const fake = await FakeServer.start((req, res) => {
      if (req.url?.startsWith('/api/v1/agent/nettest/ping/')) return sendJson(res, 200, { ok: true });
      if (refusals < 2) {
        refusals++;
        res.setHeader('retry-after', '1');
        return sendJson(res, 429, { detail: 'Too many network tests', code: 'throttled' });
      }
      if (req.url?.startsWith('/api/v1/agent/nettest/upload/'))
        return sendJson(res, 200, { bytes: req.body.length, seconds: 0.01 });
      const bytes = Number(new URL(req.url ?? '', 'http://x').searchParams.get('bytes'));
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(bytes) });
      res.end(Buffer.alloc(bytes));
    });
    fakes.push(fake);
    const messages: string[] = [];
    const t0 = performance.now();
    const result = await runSuite(
      options({ runs: 1, serverUrl: fake.url, apiKey: 'k', onProgress: (p) => messages.push(p.message) }),
    );
    expect(result.benchmarks[0]?.error).toBeUndefined();
    expect(refusals).toBe(2);
    expect(messages.filter((m) => /busy with other network tests; waiting 1 s/.test(m))).toHaveLength(2);
    expect(performance.now() - t0).toBeGreaterThan(2000);
  }, 60_000);
});
