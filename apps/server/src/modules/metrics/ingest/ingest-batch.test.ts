import { randomUUID } from 'node:crypto';
import { createGzip, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createCollector, createTestTenant, getApp, type TestTenant } from '../../../../test/helpers.ts';
import { ingestLimiterOf } from './limiter.ts';
import { agentRequest, countRows, hostSeries, ingestApp, nowSeconds, sampleAt } from './test-support.ts';

const batchOf = (timestamps: number[], batchId = randomUUID()) => ({
  batch_id: batchId,
  collector_time: nowSeconds(),
  samples: timestamps.map((ts, i) => sampleAt(ts, 10 + i)),
});

const postBatch = (t: TestTenant, key: string, body: unknown, headers: Record<string, string> = {}) =>
  agentRequest(t, key, {
    method: 'POST',
    url: '/api/v1/metrics/',
    headers: { 'content-type': 'application/json', ...headers },
    payload: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body),
  });

/** `size` bytes of one JSON string, gzipped as a stream: a few hundred kB that inflate to `size`. */
async function gzipBomb(size: number): Promise<Buffer> {
  const gzip = createGzip({ level: 9 });
  const chunks: Buffer[] = [];
  gzip.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise((resolve) => gzip.on('end', resolve));
  const block = Buffer.alloc(1024 * 1024, 0x20);
  gzip.write('{"batch_id":"bomb-0001","collector_time":0,"samples":[],"x":"');
  for (let written = 0; written < size; written += block.length) {
    if (!gzip.write(block)) await new Promise((resolve) => gzip.once('drain', resolve));
  }
  gzip.end('"}');
  await done;
  return Buffer.concat(chunks);
}

describe('POST /api/v1/metrics/ — our agent’s batch', () => {
  it('stores the samples with their devices, marks the collector seen, and answers with the counts', async () => {
    const t = await createTestTenant();
    const { id, api_key } = await createCollector(t);
    const now = nowSeconds();
    const batch = batchOf([now - 30, now - 20, now - 10]);
    const res = await postBatch(t, api_key, batch);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      status: 'ok',
      batch_id: batch.batch_id,
      written: 3,
      duplicates: 0,
      clock_skew_seconds: expect.any(Number),
      clock_correction_seconds: 0,
    });
    const rows = await hostSeries(t.id, id);
    expect(rows.map((r) => [r.t, r.cpu_busy])).toEqual([
      [now - 30, 10],
      [now - 20, 11],
      [now - 10, 12],
    ]);
    expect(await countRows('metric_cpus', t.id, id)).toBe(6);
    expect(await countRows('metric_fs', t.id, id)).toBe(3);
    const collector = await t.request({ method: 'GET', url: `/api/v1/collectors/${id}/` });
    expect(collector.json().status).toBe('connected');
  });

  it('is idempotent: a retried batch_id and an already stored timestamp are duplicates, not second rows', async () => {
    const t = await createTestTenant();
    const { id, api_key } = await createCollector(t);
    const now = nowSeconds();
    const batch = batchOf([now - 30, now - 20]);
    expect((await postBatch(t, api_key, batch)).json()).toMatchObject({ written: 2, duplicates: 0 });
    const retried = await postBatch(t, api_key, batch);
    expect(retried.statusCode).toBe(200);
    expect(retried.json()).toMatchObject({ status: 'ok', batch_id: batch.batch_id, written: 0, duplicates: 2 });
    // A new batch overlapping the stored one by a timestamp.
    const overlapping = await postBatch(t, api_key, batchOf([now - 20, now - 10]));
    expect(overlapping.json()).toMatchObject({ written: 1, duplicates: 1 });
    expect((await hostSeries(t.id, id)).map((r) => r.t)).toEqual([now - 30, now - 20, now - 10]);
    expect(await countRows('metric_cpus', t.id, id)).toBe(6);
  });

  it('accepts Content-Encoding: gzip', async () => {
    const t = await createTestTenant();
    const { id, api_key } = await createCollector(t);
    const now = nowSeconds();
    const batch = batchOf(Array.from({ length: 60 }, (_, i) => now - 600 + i * 10));
    const res = await postBatch(t, api_key, gzipSync(JSON.stringify(batch)), { 'content-encoding': 'gzip' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ written: 60, duplicates: 0 });
    expect(await hostSeries(t.id, id)).toHaveLength(60);
  });

  it('stops a gzip bomb at the upload limit with 413, and refuses broken or unknown encodings', async () => {
    const t = await createTestTenant();
    const { api_key } = await createCollector(t);
    const { config } = await getApp();
    const bomb = await gzipBomb(config.maxUploadBytes + 8 * 1024 * 1024);
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const before = process.memoryUsage().rss;
    const res = await postBatch(t, api_key, bomb, { 'content-encoding': 'gzip' });
    expect(res.statusCode, res.body).toBe(413);
    expect(res.json().detail).toContain('decompresses to more than the limit');
    expect(process.memoryUsage().rss - before).toBeLessThan(config.maxUploadBytes * 3);

    const corrupt = await postBatch(t, api_key, Buffer.from('not gzip at all'), { 'content-encoding': 'gzip' });
    expect(corrupt.statusCode).toBe(400);
    expect(corrupt.json().detail).toMatch(/^Content-Encoding is gzip but the body cannot be decompressed/);

    const brotli = await postBatch(t, api_key, '{}', { 'content-encoding': 'br' });
    expect(brotli.statusCode).toBe(415);
    expect(brotli.json().detail).toContain('Unsupported Content-Encoding "br"');
  });

  it('names the problem of every bad body with a 4xx, never a 500', async () => {
    const t = await createTestTenant();
    const { id, api_key } = await createCollector(t);
    const now = nowSeconds();
    const cases: [unknown, number, Record<string, unknown>][] = [
      ['{"batch_id": "abc', 400, { detail: expect.stringMatching(/^JSON parse error/), code: 'parse_error' }],
      [[1, 2], 400, { non_field_errors: [expect.stringContaining('Expected a JSON object')] }],
      [{ hello: 'world' }, 400, { non_field_errors: [expect.stringContaining('metrics batch')] }],
      [{ ...batchOf([now]), batch_id: 'has spaces in it' }, 400, { batch_id: ['Enter a valid value.'] }],
      [
        { batch_id: 'short', collector_time: 'now', samples: {} },
        400,
        {
          batch_id: ['Ensure this field has at least 8 characters.'],
          collector_time: ['Must be a number.'],
          samples: ['Must be an array.'],
        },
      ],
      [
        { ...batchOf([]), samples: Array.from({ length: 2001 }, () => ({})) },
        400,
        { samples: ['Ensure this list has no more than 2000 items.'] },
      ],
    ];
    for (const [body, status, expected] of cases) {
      const res = await postBatch(t, api_key, body);
      expect(res.statusCode, `${JSON.stringify(body).slice(0, 80)} → ${res.body}`).toBe(status);
      expect(res.json()).toEqual(expected);
    }
    const xml = await agentRequest(t, api_key, {
      method: 'POST',
      url: '/api/v1/metrics/',
      headers: { 'content-type': 'text/plain' },
      payload: 'cpu 1 2 3',
    });
    expect(xml.statusCode).toBe(415);
    expect(await hostSeries(t.id, id)).toEqual([]);
  });

  it('stores what it can and answers 400 for samples that can never be stored (too old, from the future)', async () => {
    const t = await createTestTenant();
    const { id, api_key } = await createCollector(t);
    const now = nowSeconds();
    const batch = batchOf([now - 8 * 86_400, now - 60, now + 3600]);
    const res = await postBatch(t, api_key, batch);
    expect(res.statusCode).toBe(400);
    const range = 'older than the raw retention of 7 days or more than 10 minutes ahead of the server clock';
    expect(res.json()).toEqual({
      samples: [`2 samples outside the accepted time range (${range}).`],
      written: 1,
      duplicates: 0,
      refused: [
        { index: 0, field: 'timestamp', reason: `Outside the accepted time range (${range}).` },
        { index: 2, field: 'timestamp', reason: `Outside the accepted time range (${range}).` },
      ],
      refused_count: 2,
      clock_skew_seconds: expect.any(Number),
      clock_correction_seconds: 0,
    });
    expect((await hostSeries(t.id, id)).map((r) => r.t)).toEqual([now - 60]);
  });

  it('refuses other tenants’ keys and unknown keys before reading the body', async () => {
    const a = await createTestTenant();
    const b = await createTestTenant();
    const { id, api_key } = await createCollector(a);
    const batch = batchOf([nowSeconds() - 10]);
    const other = await postBatch(b, api_key, batch);
    expect(other.statusCode).toBe(401);
    expect(other.headers['www-authenticate']).toBe('ApiKey');
    expect((await postBatch(a, 'x'.repeat(43), batch)).statusCode).toBe(401);
    // Not even a malformed body is looked at without a valid key.
    expect((await postBatch(b, api_key, '{broken')).statusCode).toBe(401);
    expect(await hostSeries(a.id, id)).toEqual([]);
  });

  it('answers 429 with Retry-After when every ingest slot is taken, and accepts again once one frees up', async () => {
    const t = await createTestTenant();
    const { api_key } = await createCollector(t);
    const limiter = ingestLimiterOf(await ingestApp());
    const held = Array.from({ length: limiter.limit }, () => limiter.tryAcquire());
    try {
      const res = await postBatch(t, api_key, batchOf([nowSeconds() - 10]));
      expect(res.statusCode).toBe(429);
      expect(res.headers['retry-after']).toBe('1');
      expect(res.json().code).toBe('throttled');
    } finally {
      for (const release of held) release?.();
    }
    expect((await postBatch(t, api_key, batchOf([nowSeconds() - 10]))).statusCode).toBe(200);
  });
});
