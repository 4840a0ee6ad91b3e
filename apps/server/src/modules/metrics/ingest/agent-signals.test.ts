import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createCollector, createTestTenant, type TestTenant } from '../../../../test/helpers.ts';
import { CLOCK_SKEW_TOLERANCE_SECONDS, correctionFor, measureSkew } from './agent-signals.ts';
import { agentRequest, hostSeries, nowSeconds, sampleAt } from './test-support.ts';

// Issue 12 item 7: the agent's own signals (dropped samples, clock skew) are stored, and a skewed clock is corrected
// instead of turning every batch into a dead letter.

const post = (t: TestTenant, key: string, body: object) =>
  agentRequest(t, key, {
    method: 'POST',
    url: '/api/v1/metrics/',
    headers: { 'content-type': 'application/json' },
    payload: body,
  });

const collector = async (t: TestTenant, id: string) =>
  (await t.request({ method: 'GET', url: `/api/v1/collectors/${id}/` })).json() as {
    dropped_samples: number;
    clock_skew_seconds: number | null;
  };

describe('the agent’s own signals', () => {
  it('adds up the samples the agent dropped, once per batch however often it is retried', async () => {
    const t = await createTestTenant();
    const { id, api_key } = await createCollector(t);
    expect(await collector(t, id)).toMatchObject({ dropped_samples: 0, clock_skew_seconds: null });
    const now = nowSeconds();
    const first = {
      batch_id: randomUUID(),
      collector_time: now,
      samples: [sampleAt(now - 20)],
      agent: { dropped_samples: 7 },
    };
    expect((await post(t, api_key, first)).statusCode).toBe(200);
    expect((await post(t, api_key, first)).json()).toMatchObject({ written: 0, duplicates: 1 });
    const second = { ...first, batch_id: randomUUID(), samples: [sampleAt(now - 10)], agent: { dropped_samples: 3 } };
    expect((await post(t, api_key, second)).statusCode).toBe(200);
    expect((await collector(t, id)).dropped_samples).toBe(10);
    // A batch whose samples are all refused still tells what the agent dropped (it dead-letters the batch).
    const refused = { ...first, batch_id: randomUUID(), samples: [{ host: {} }], agent: { dropped_samples: 5 } };
    expect((await post(t, api_key, refused)).statusCode).toBe(400);
    expect((await collector(t, id)).dropped_samples).toBe(15);

    const other = await createTestTenant();
    expect((await other.request({ method: 'GET', url: `/api/v1/collectors/${id}/` })).statusCode).toBe(404);
  });

  it('stores the samples of a clock 10 minutes fast where they belong, batch after batch, and shows the skew', async () => {
    const t = await createTestTenant();
    const { id, api_key } = await createCollector(t);
    const now = nowSeconds();
    const fast = 600;
    // Its samples are up to 11 minutes ahead of the server: outside the accepted range, without the correction.
    // The clock read as the batch leaves (to the millisecond, so the measure does not depend on the test's pace).
    const batch = (times: number[], lag = 0) => ({
      batch_id: randomUUID(),
      collector_time: Date.now() / 1000 + fast - lag,
      samples: times.map((ts) => sampleAt(ts + fast)),
    });
    const first = batch([now - 60, now - 50]);
    const res = await post(t, api_key, first);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ written: 2, clock_correction_seconds: fast });
    expect(res.json().clock_skew_seconds).toBeCloseTo(fast, -1);

    // Another batch, its request a few seconds slower: the same correction, so the series stays on its grid.
    const later = await post(t, api_key, batch([now - 40], 3));
    expect(later.json()).toMatchObject({ written: 1, clock_correction_seconds: fast });
    // The first batch sent again lands on the very same seconds: duplicates, not new rows.
    const again = { ...first, batch_id: randomUUID(), collector_time: Date.now() / 1000 + fast };
    expect((await post(t, api_key, again)).json()).toMatchObject({
      written: 0,
      duplicates: 2,
    });
    expect((await hostSeries(t.id, id)).map((r) => r.t)).toEqual([now - 60, now - 50, now - 40]);
    expect((await collector(t, id)).clock_skew_seconds).toBeCloseTo(fast, -1);

    // The clock is set right: the skew follows and nothing is moved any more.
    const fixed = await post(t, api_key, {
      ...batch([]),
      collector_time: Date.now() / 1000,
      samples: [sampleAt(now - 30)],
    });
    expect(fixed.json()).toMatchObject({ written: 1, clock_correction_seconds: 0 });
    expect(Math.abs((await collector(t, id)).clock_skew_seconds ?? 99)).toBeLessThan(CLOCK_SKEW_TOLERANCE_SECONDS);
  });

  it('moves nothing for a clock within the tolerance, or a collector_time that is no clock', async () => {
    const t = await createTestTenant();
    const { id, api_key } = await createCollector(t);
    const now = nowSeconds();
    const near = await post(t, api_key, {
      batch_id: randomUUID(),
      collector_time: now + 4,
      samples: [sampleAt(now - 10)],
    });
    expect(near.json()).toMatchObject({ written: 1, clock_correction_seconds: 0 });
    const unset = await post(t, api_key, { batch_id: randomUUID(), collector_time: 0, samples: [sampleAt(now - 5)] });
    expect(unset.json()).toMatchObject({ written: 1, clock_correction_seconds: 0 });
    expect((await hostSeries(t.id, id)).map((r) => r.t)).toEqual([now - 10, now - 5]);
  });

  it('measures the skew against the arrival, and corrects only past the tolerance', () => {
    expect(measureSkew(1_800_000_600, 1_800_000_000_000)).toBe(600);
    expect(measureSkew(1_799_999_999, 1_800_000_000_400)).toBe(-1.4);
    expect(measureSkew(0, 1_800_000_000_000)).toBeNull();
    expect(correctionFor(null)).toBe(0);
    expect(correctionFor(CLOCK_SKEW_TOLERANCE_SECONDS)).toBe(0);
    expect(correctionFor(-600.4)).toBe(-600);
    expect(correctionFor(11)).toBe(11);
  });
});
