import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createCollector, createTestTenant } from '../../../../test/helpers.ts';
import { MAX_INGESTS_PER_COLLECTOR } from './limiter.ts';
import { MAX_CONCURRENT_INFLATES, MAX_JSON_BODY_BYTES } from './request-body.ts';
import { agentRequest } from './test-support.ts';

// Issue 12 item 3: 64 concurrent 1 MB bombs took the server from 3.4 to 6.7 GB, and it stayed there. Its own file, so
// no other test's allocations move the figures.

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const MB = 1024 * 1024;

/** ≈ 1 MB of gzip that inflates to ≈ 1 GB (one JSON string of spaces): gzip members, which gunzip concatenates. */
function oneMegabyteBomb(): Buffer {
  const spaces = gzipSync(Buffer.alloc(16 * MB, 0x20), { level: 9 });
  return Buffer.concat([
    gzipSync('{"batch_id":"bomb-0001","collector_time":0,"samples":[],"x":"'),
    ...Array.from({ length: Math.ceil(MB / spaces.length) }, () => spaces),
    gzipSync('"}'),
  ]);
}

/** After full collections: the process's resident size, and what JavaScript holds (its heap, buffers, native). */
function settled(): { rss: number; held: number } {
  gc();
  gc();
  const m = process.memoryUsage();
  return { rss: m.rss, held: m.heapUsed + m.external };
}

describe('a storm of gzip bombs', () => {
  it('costs a bounded amount of memory, storm after storm, and every byte is given back', async () => {
    const bomb = oneMegabyteBomb();
    expect(bomb.length).toBeGreaterThan(0.9 * MB);
    const t = await createTestTenant();
    const collectors = await Promise.all(
      Array.from({ length: 64 / MAX_INGESTS_PER_COLLECTOR }, () => createCollector(t)),
    );
    const post = (key: string) =>
      agentRequest(t, key, {
        method: 'POST',
        url: '/api/v1/metrics/',
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
        payload: bomb,
      });
    // Only the status codes are kept: inject's answers hold on to their requests, and so to memory a server frees.
    const storm = async () =>
      (
        await Promise.all(
          collectors.flatMap(({ api_key }) => Array.from({ length: MAX_INGESTS_PER_COLLECTOR }, () => post(api_key))),
        )
      ).map((r) => r.statusCode);
    await post(collectors[0]?.api_key ?? ''); // warms up every path (code, pools) before anything is measured

    const before = settled();
    let peak = before.rss;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 5);
    try {
      for (let i = 0; i < 3; i++) expect(await storm()).toEqual(Array(64).fill(413));
    } finally {
      clearInterval(sampler);
    }
    const after = settled();
    peak = Math.max(peak, after.rss);

    // A few bodies inflated at a time, each stopped at the JSON limit (before: 64 × 100 MB, the upload limit, and
    // 3.3 GB kept). The allocator may keep pages freed by one storm for the next, so the peak over three storms
    // is what shows that nothing adds up.
    const bound = 64 * bomb.length + 2 * MAX_CONCURRENT_INFLATES * MAX_JSON_BODY_BYTES + 64 * MB;
    expect(
      peak - before.rss,
      `peak ${Math.round(peak / MB)} MB, before ${Math.round(before.rss / MB)} MB`,
    ).toBeLessThan(bound);
    // Everything the server allocated for the bombs is freed.
    expect(
      after.held - before.held,
      `held ${Math.round(after.held / MB)} MB, before ${Math.round(before.held / MB)} MB`,
    ).toBeLessThan(16 * MB);
  }, 90_000); // the embedded database's first start and 192 inflations share 2 cores with other work
});
