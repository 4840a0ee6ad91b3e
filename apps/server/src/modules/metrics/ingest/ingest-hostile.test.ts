import { randomUUID } from 'node:crypto';
import { createGzip, gzipSync } from 'node:zlib';
import { MAX_BATCH_SAMPLES } from '@xat/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCollector, createTestTenant, type TestTenant } from '../../../../test/helpers.ts';
import { MAX_ERROR_FIELDS } from './bounded-check.ts';
import { ingestLimiterOf, MAX_INGESTS_PER_COLLECTOR } from './limiter.ts';
import { MAX_JSON_BODY_BYTES } from './request-body.ts';
import { agentRequest, ingestApp, nowSeconds, sampleAt } from './test-support.ts';

// Issue 12 item 2: one hostile upload may cost its sender, never the other tenants.

const post = (t: TestTenant, key: string, payload: Buffer | string, headers: Record<string, string> = {}) =>
  agentRequest(t, key, {
    method: 'POST',
    url: '/api/v1/metrics/',
    headers: { 'content-type': 'application/json', ...headers },
    payload,
  });

/**
 * The upload of the report: a batch of ≈ 1.96 million tiny objects, 88 MB of JSON in ≈ 270 kB of gzip. It froze the
 * server 10–14 s (parse, then a validation error built by walking every item).
 */
async function millionObjectBomb(): Promise<Buffer> {
  const gzip = createGzip({ level: 9 });
  const chunks: Buffer[] = [];
  gzip.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise((resolve) => gzip.on('end', resolve));
  const item = '{"timestamp":1700000000,"host":{"cpu_busy":1}},';
  const block = item.repeat(Math.floor((1024 * 1024) / item.length));
  gzip.write('{"batch_id":"bomb-0001","collector_time":0,"samples":[');
  for (let i = 0; i < 88; i++) if (!gzip.write(block)) await new Promise((resolve) => gzip.once('drain', resolve));
  gzip.end('{}]}');
  await done;
  return Buffer.concat(chunks);
}

const p95 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.ceil(values.length * 0.95) - 1] ?? 0;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('hostile agent uploads', () => {
  let bomb: Buffer;
  beforeAll(async () => {
    bomb = await millionObjectBomb();
  });

  it('refuses the 88 MB bomb with 413 while inflating, and /health/ stays under 100 ms meanwhile', async () => {
    expect(bomb.length).toBeLessThan(400_000);
    const t = await createTestTenant();
    const { api_key } = await createCollector(t);
    const app = await ingestApp();
    const started = performance.now();
    let answered = false;
    // Two at once, as in the report (25 s then).
    const bombs = Promise.all([1, 2].map(() => post(t, api_key, bomb, { 'content-encoding': 'gzip' }))).finally(() => {
      answered = true;
    });
    const polls: number[] = [];
    while ((!answered || polls.length < 10) && polls.length < 200) {
      const t0 = performance.now();
      const res = await app.inject({ method: 'GET', url: '/health/' });
      polls.push(performance.now() - t0);
      expect(res.statusCode).toBe(200);
      await sleep(5);
    }
    for (const res of await bombs) {
      expect(res.statusCode, res.body).toBe(413);
      expect(res.json()).toEqual({
        detail: `The request body decompresses to more than the limit of ${MAX_JSON_BODY_BYTES} bytes.`,
        code: 'payload_too_large',
      });
    }
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(polls.length).toBeGreaterThanOrEqual(10);
    expect(p95(polls), `health polls (ms): ${polls.map(Math.round).join(' ')}`).toBeLessThan(100);
  });

  it('refuses JSON over the limit uncompressed too, from its Content-Length, before reading it', async () => {
    const t = await createTestTenant();
    const { api_key } = await createCollector(t);
    const res = await post(t, api_key, `{"x":"${' '.repeat(MAX_JSON_BODY_BYTES)}"}`);
    expect(res.statusCode).toBe(413);
    expect(res.json().detail).toBe(`The request body is larger than the limit of ${MAX_JSON_BODY_BYTES} bytes.`);
  });

  it('answers a list over its item limit with one error, whatever the list holds', async () => {
    const t = await createTestTenant();
    const { api_key } = await createCollector(t);
    const samples = `[${'{"nonsense":true},'.repeat(200_000)}{}]`;
    const started = performance.now();
    const res = await post(t, api_key, `{"batch_id":"too-many-1","collector_time":0,"samples":${samples}}`);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ samples: [`Ensure this list has no more than ${MAX_BATCH_SAMPLES} items.`] });
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it(`names at most ${MAX_ERROR_FIELDS} bad fields and counts the rest, quickly, however many there are`, async () => {
    const t = await createTestTenant();
    const { api_key } = await createCollector(t);
    const cpus = Array.from({ length: 4096 }, (_, cpu) => ({ cpu, user: 'x', nice: 'x' }));
    const trickle = await agentRequest(t, api_key, {
      method: 'POST',
      url: '/v1/trickle',
      headers: { 'content-type': 'application/json' },
      payload: { measurements: Array.from({ length: 5000 }, () => ({ timestamp: 'now' })) },
    });
    expect(trickle.statusCode).toBe(400);
    const fields = Object.keys(trickle.json());
    expect(fields).toHaveLength(MAX_ERROR_FIELDS + 1);
    expect(trickle.json()['measurements.0.timestamp']).toEqual(['Must be an integer.']);
    expect(trickle.json().non_field_errors).toEqual([expect.stringMatching(/^…and \d+ more invalid entries/)]);

    const batch = {
      batch_id: randomUUID(),
      collector_time: nowSeconds(),
      samples: Array.from({ length: 20 }, (_, i) => ({ ...sampleAt(nowSeconds() - i), cpus })),
    };
    const started = performance.now();
    const res = await post(t, api_key, gzipSync(JSON.stringify(batch)), { 'content-encoding': 'gzip' });
    // Each sample is refused on its own, with the first field found wrong.
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ written: 0, refused_count: 20 });
    expect(res.json().refused[19]).toEqual({ index: 19, field: 'cpus.0.user', reason: 'Must be number or null.' });
    expect(performance.now() - started).toBeLessThan(1_500);
  });

  it('takes the ingest slot before the body is inflated: a collector’s excess is refused, not its neighbours', async () => {
    const t = await createTestTenant();
    const noisy = await createCollector(t);
    const quiet = await createCollector(t);
    const limiter = ingestLimiterOf(await ingestApp());
    const owner = { tenantId: t.id, collectorId: noisy.id };
    const held = Array.from({ length: MAX_INGESTS_PER_COLLECTOR }, () => limiter.tryAcquire(owner));
    try {
      expect(held.every(Boolean)).toBe(true);
      const refused = await post(t, noisy.api_key, bomb, { 'content-encoding': 'gzip' });
      expect(refused.statusCode).toBe(429);
      expect(refused.headers['retry-after']).toBe('1');
      const batch = { batch_id: randomUUID(), collector_time: nowSeconds(), samples: [sampleAt(nowSeconds() - 5)] };
      const other = await post(t, quiet.api_key, JSON.stringify(batch));
      expect(other.statusCode, other.body).toBe(200);
    } finally {
      for (const release of held) release?.();
    }
    // Every slot taken by the requests above was given back with their answers.
    expect(limiter.inFlight).toBe(0);
  });
});
