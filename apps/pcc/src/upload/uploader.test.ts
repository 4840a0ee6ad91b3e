import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { MetricsBatchSchema } from '@xat/contracts';
import { Compile } from 'typebox/compile';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient } from '../http.ts';
import { type Logger, silentLogger } from '../log.ts';
import { countDeadLetters } from '../spool/dead-letter.ts';
import { Spool } from '../spool/spool.ts';
import { FakeMetricsStore, FakeServer, type Handler, sendJson } from '../testing/fake-server.ts';
import { tempDirs } from '../testing/temp-dirs.ts';
import { Backoff } from './backoff.ts';
import { refusedIndexes, Uploader } from './uploader.ts';

const freshDir = tempDirs('pcc-upload-');
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const batchCheck = Compile(MetricsBatchSchema);
const sample = (t: number) => ({ timestamp: 1_767_000_000 + t, interval_seconds: 10, host: { cpu_busy: t % 100 } });
const tsOf = (t: number) => 1_767_000_000 + t;

interface SetupOptions {
  maxSamples?: number;
  timeoutMs?: number;
  spoolMax?: number;
  now?: () => number;
  log?: Logger;
  deadLetterMaxBytes?: number;
  onEvent?: ConstructorParameters<typeof Uploader>[0]['onEvent'];
}

async function setup(handler: Handler, opts: SetupOptions = {}) {
  const dir = freshDir();
  const server = await FakeServer.start(handler);
  const client = new HttpClient({ baseUrl: server.url, apiKey: 'test-key-123', timeoutMs: opts.timeoutMs ?? 2000 });
  const spool = new Spool({ dir: join(dir, 'spool'), sync: false, maxBytes: opts.spoolMax ?? 1e6, segmentBytes: 2000 });
  const deadLetterFile = join(dir, 'dead-letter.ndjson');
  const uploader = new Uploader({
    transport: client,
    spool,
    deadLetterFile,
    log: opts.log ?? silentLogger,
    maxSamples: opts.maxSamples ?? 500,
    backoff: new Backoff({ baseMs: 10, capMs: 80 }),
    agent: () => ({ version: '0.1.0', cpu_pct: 0.1, rss_bytes: 40e6 }),
    ...(opts.now && { now: opts.now }),
    ...(opts.deadLetterMaxBytes && { deadLetterMaxBytes: opts.deadLetterMaxBytes }),
    ...(opts.onEvent && { onEvent: opts.onEvent }),
  });
  cleanups.push(async () => {
    client.close();
    await server.stop();
  });
  return { server, client, spool, uploader, deadLetterFile };
}

const posts = (server: FakeServer) => server.requests.filter((r) => r.method === 'POST');
const batchOf = (json: unknown) =>
  json as { batch_id: string; collector_time: number; samples: { timestamp: number }[]; agent: Record<string, number> };

describe('Uploader', () => {
  it('sends gzip batches that match the contract, with the key, over one kept-alive connection', async () => {
    const store = new FakeMetricsStore();
    const { server, spool, uploader } = await setup((req, res) => sendJson(res, 200, store.accept(req.json)));
    for (let t = 1; t <= 8; t++) {
      spool.append(sample(t));
      expect(await uploader.drain()).toBe(true);
    }
    const sent = posts(server);
    expect(sent).toHaveLength(8);
    expect(server.connections).toBe(1);
    for (const req of sent) {
      expect(req.url).toBe('/api/v1/metrics/');
      expect(req.headers['content-encoding']).toBe('gzip');
      expect(req.headers['x-api-key']).toBe('test-key-123');
      expect(batchCheck.Check(req.json), JSON.stringify([...batchCheck.Errors(req.json)])).toBe(true);
      expect(batchOf(req.json).agent).toMatchObject({ version: '0.1.0', dropped_samples: 0 });
    }
    expect([...store.stored.keys()]).toEqual(Array.from({ length: 8 }, (_, i) => tsOf(i + 1)));
  });

  it('against a server that fails, stalls, answers 429/500 and restarts: every sample stored exactly once', async () => {
    const store = new FakeMetricsStore();
    const script = ['ok', '500', 'ok', 'stall', 'ok', '429', 'ok', 'reset', 'ok', '503', 'stall', 'ok'];
    let n = 0;
    let afterRetryAfter = 0;
    let retryAfterAt = 0;
    const { server, spool, uploader } = await setup(
      (req, res) => {
        const action = script[n++] ?? 'ok';
        if (action === 'ok') {
          if (retryAfterAt && !afterRetryAfter) afterRetryAfter = Date.now() - retryAfterAt;
          return sendJson(res, 200, store.accept(req.json));
        }
        if (action === '500' || action === '503') return sendJson(res, Number(action), { detail: 'boom' });
        if (action === '429') {
          retryAfterAt = Date.now();
          return sendJson(res, 429, { detail: 'slow down' }, { 'retry-after': '0.3' });
        }
        if (action === 'stall') {
          store.accept(req.json); // written, but the answer never comes
          return 'stall';
        }
        return 'reset';
      },
      { maxSamples: 4, timeoutMs: 250 },
    );
    const stop = new AbortController();
    const running = uploader.run(stop.signal, () => 15);
    const total = 60;
    for (let t = 1; t <= total; t++) {
      spool.append(sample(t));
      if (t === 30) await server.restart(300); // down for 300 ms: connection refused, then a new connection
      await new Promise((r) => setTimeout(r, 15));
    }
    for (let i = 0; i < 400 && spool.pending > 0; i++) await new Promise((r) => setTimeout(r, 10));
    stop.abort();
    await running;

    expect(n).toBeGreaterThan(script.length); // every misbehaviour happened
    expect(spool.pending).toBe(0);
    expect(store.stored.size).toBe(total);
    expect([...store.stored.values()].every((times) => times === 1)).toBe(true);
    for (const b of store.batches) expect(b.timestamps).toEqual([...b.timestamps].sort((x, y) => x - y));
    // A stalled batch is retried with the same id, which the server recognises.
    const ids = posts(server).map((r) => batchOf(r.json).batch_id);
    const stalledId = ids[script.indexOf('stall')];
    expect(ids.filter((id) => id === stalledId).length).toBeGreaterThan(1);
    expect(afterRetryAfter).toBeGreaterThanOrEqual(290);
    expect(server.connections).toBeLessThan(12);
  });

  it('after an outage sends the newest samples first, then backfills the rest in order', async () => {
    const store = new FakeMetricsStore();
    const { server, spool, uploader } = await setup((req, res) => sendJson(res, 200, store.accept(req.json)), {
      maxSamples: 5,
    });
    await server.stop();
    for (let t = 1; t <= 20; t++) spool.append(sample(t));
    expect(typeof (await uploader.attempt())).toBe('object'); // refused: retry later
    await server.restart();
    expect(await uploader.drain()).toBe(true);
    expect(store.batches.map((b) => b.timestamps.map((t) => t - tsOf(0)))).toEqual([
      [16, 17, 18, 19, 20],
      [1, 2, 3, 4, 5],
      [6, 7, 8, 9, 10],
      [11, 12, 13, 14, 15],
    ]);
  });

  it('sets a batch refused with 400 aside in the dead-letter file, with the reason, and goes on', async () => {
    const store = new FakeMetricsStore();
    let first = true;
    const { spool, uploader, deadLetterFile } = await setup((req, res) => {
      if (first) {
        first = false;
        return sendJson(res, 400, { samples: ['sample 0: timestamp out of range'] });
      }
      sendJson(res, 200, store.accept(req.json));
    });
    spool.append(sample(1));
    spool.append(sample(2));
    expect(await uploader.drain()).toBe(true);
    spool.append(sample(3));
    expect(await uploader.drain()).toBe(true);
    expect(spool.pending).toBe(0);
    expect(countDeadLetters(deadLetterFile)).toEqual({ batches: 1, samples: 2 });
    const letter = JSON.parse(readFileSync(deadLetterFile, 'utf8')) as Record<string, unknown>;
    expect(letter).toMatchObject({ status: 400, samples: [sample(1), sample(2)] });
    expect(letter.reason).toContain('timestamp out of range');
    expect([...store.stored.keys()]).toEqual([tsOf(3)]);
  });

  it('sets aside only the samples a 400 names as refused: the server stored the others', async () => {
    const store = new FakeMetricsStore();
    const events: { type: string; samples?: number }[] = [];
    const { spool, uploader, deadLetterFile } = await setup(
      (req, res) => {
        const batch = req.json as { samples: unknown[] };
        if (batch.samples.length === 3) {
          const refused = { index: 1, field: 'host.cpu_busy', reason: 'Ensure this value is at most 100.' };
          return sendJson(res, 400, {
            samples: ['samples.1.host.cpu_busy: Ensure this value is at most 100.'],
            written: 2,
            duplicates: 0,
            refused: [refused, refused],
            refused_count: 1,
          });
        }
        sendJson(res, 200, store.accept(req.json));
      },
      { onEvent: (e) => events.push(e) },
    );
    for (const n of [1, 2, 3]) spool.append(sample(n));
    expect(await uploader.drain()).toBe(true);
    expect(spool.pending).toBe(0);
    expect(countDeadLetters(deadLetterFile)).toEqual({ batches: 1, samples: 1 });
    expect(JSON.parse(readFileSync(deadLetterFile, 'utf8'))).toMatchObject({ status: 400, samples: [sample(2)] });
    expect(events.find((e) => e.type === 'dead')).toMatchObject({ samples: 1 });
  });

  it('sets the whole batch aside when a 400 names no sample, or names one the batch does not have', () => {
    expect(refusedIndexes('{"samples":["bad"]}', 3)).toBeUndefined();
    expect(refusedIndexes('{"refused":[{"index":3}],"refused_count":1}', 3)).toBeUndefined();
    expect(refusedIndexes('{"refused":[{"index":"1"}],"refused_count":1}', 3)).toBeUndefined();
    expect(refusedIndexes('not json', 3)).toBeUndefined();
    // The server lists the first 20 refused: when it refused more, the list is not all of them.
    const listed = Array.from({ length: 20 }, (_, index) => ({ index }));
    expect(refusedIndexes(JSON.stringify({ refused: listed, refused_count: 25 }), 30)).toBeUndefined();
    expect(refusedIndexes(JSON.stringify({ refused: listed, refused_count: 20 }), 30)).toHaveLength(20);
    expect(refusedIndexes('{"refused":[{"index":2},{"index":0},{"index":2}],"refused_count":2}', 3)).toEqual([0, 2]);
    expect(refusedIndexes('{"refused":[{"index":2},{"index":0}]}', 3)).toBeUndefined();
  });

  it('splits a batch the server finds too large (413); a single sample still too large is a dead letter', async () => {
    const store = new FakeMetricsStore();
    const { spool, uploader, deadLetterFile } = await setup((req, res) => {
      const batch = batchOf(req.json);
      if (batch.samples.length > 2 || batch.samples.some((s) => s.timestamp === tsOf(9)))
        return sendJson(res, 413, { detail: 'too large' });
      sendJson(res, 200, store.accept(req.json));
    });
    for (let t = 1; t <= 9; t++) spool.append(sample(t));
    expect(await uploader.drain()).toBe(true);
    expect([...store.stored.keys()].sort()).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map(tsOf));
    expect(store.batches.every((b) => b.timestamps.length <= 2)).toBe(true);
    expect(countDeadLetters(deadLetterFile)).toEqual({ batches: 1, samples: 1 });
  });

  it('keeps the samples when the key is refused (401): not the batch’s fault, never a dead letter', async () => {
    const { spool, uploader, deadLetterFile } = await setup((_req, res) =>
      sendJson(res, 401, { detail: 'Invalid API key' }),
    );
    spool.append(sample(1));
    expect(await uploader.drain()).toBe(false);
    expect(spool.pending).toBe(1);
    expect(countDeadLetters(deadLetterFile).batches).toBe(0);
  });

  it('reports samples dropped from a full spool once, in agent.dropped_samples', async () => {
    const store = new FakeMetricsStore();
    const { server, spool, uploader } = await setup((req, res) => sendJson(res, 200, store.accept(req.json)), {
      spoolMax: 8000,
      maxSamples: 1000,
    });
    for (let t = 1; t <= 300; t++) spool.append({ ...sample(t), pad: 'y'.repeat(100) });
    const dropped = spool.dropped;
    expect(dropped).toBeGreaterThan(0);
    expect(await uploader.drain()).toBe(true);
    spool.append(sample(301));
    expect(await uploader.drain()).toBe(true);
    const reports = posts(server).map((r) => batchOf(r.json).agent.dropped_samples);
    expect(reports[0]).toBe(dropped);
    expect(reports.at(-1)).toBe(0);
    expect(store.stored.size + dropped).toBe(301);
  });

  it('sends each attempt with the clock at sending: a retried batch keeps its id, with a new collector_time', async () => {
    const store = new FakeMetricsStore();
    let clock = 1_800_000_000_000;
    let first = true;
    const { server, spool, uploader } = await setup(
      (req, res) => {
        if (first) {
          first = false;
          return sendJson(res, 503, { detail: 'busy' });
        }
        sendJson(res, 200, store.accept(req.json));
      },
      { now: () => clock },
    );
    spool.append(sample(1));
    expect(typeof (await uploader.attempt())).toBe('object');
    clock += 90_000; // the backoff, and more
    expect(await uploader.attempt()).toBe('sent');
    const [a, b] = posts(server).map((r) => batchOf(r.json));
    expect(b?.batch_id).toBe(a?.batch_id);
    expect([a?.collector_time, b?.collector_time]).toEqual([1_800_000_000, 1_800_000_090]);
  });

  it('says once that the server corrects this host’s clock, and once that it stopped', async () => {
    const warnings: string[] = [];
    const infos: string[] = [];
    const log: Logger = { ...silentLogger, warn: (m) => warnings.push(m), info: (m) => infos.push(m) };
    const corrections = [600, 600, 600, 0];
    const store = new FakeMetricsStore();
    const { spool, uploader } = await setup(
      (req, res) => sendJson(res, 200, { ...store.accept(req.json), clock_correction_seconds: corrections.shift() }),
      { log },
    );
    for (let t = 1; t <= 4; t++) {
      spool.append(sample(t));
      expect(await uploader.drain()).toBe(true);
    }
    expect(warnings.filter((m) => m.includes('clock'))).toHaveLength(1);
    expect(infos.filter((m) => m.includes('clock'))).toHaveLength(1);
  });

  it('keeps the dead-letter file within its bound when every batch is refused, and reports what it trimmed', async () => {
    const store = new FakeMetricsStore();
    let refuse = true;
    const { server, spool, uploader, deadLetterFile } = await setup(
      (req, res) =>
        refuse ? sendJson(res, 400, { samples: ['refused'] }) : sendJson(res, 200, store.accept(req.json)),
      { maxSamples: 2, deadLetterMaxBytes: 2_000 },
    );
    for (let t = 1; t <= 60; t++) spool.append(sample(t));
    expect(await uploader.drain()).toBe(true);
    expect(statSync(deadLetterFile).size).toBeLessThanOrEqual(2_000);
    const trimmed = 60 - countDeadLetters(deadLetterFile).samples;
    expect(trimmed).toBeGreaterThan(0);
    refuse = false;
    spool.append(sample(61));
    expect(await uploader.drain()).toBe(true);
    // Every trimmed sample is reported once, in the batches that followed (the server counts a 400's report too).
    const reported = posts(server).reduce((sum, r) => sum + (batchOf(r.json).agent.dropped_samples ?? 0), 0);
    expect(reported).toBe(trimmed);
    expect(spool.dropped).toBe(0);
  });
});
