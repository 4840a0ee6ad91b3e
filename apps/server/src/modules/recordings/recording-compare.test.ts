import { randomUUID } from 'node:crypto';
import type { RecordingCompare } from '@xat/contracts';
import { describe, expect, it } from 'vitest';
import { createCollector, createTestTenant, type TestTenant } from '../../../test/helpers.ts';
import { daysAgo, hostSample, recordSeries, storeRecording, storeSamples } from './test-support.ts';

const at = (epoch: number) => new Date(epoch * 1000);

async function compare(t: TestTenant, query: string) {
  return t.request({ method: 'GET', url: `/api/v1/recordings/compare/?${query}`, auth: 'viewer' });
}

describe('GET /api/v1/recordings/compare/', () => {
  it('overlays two recordings of different servers and dates, aligned at 0 on a shared grid', async () => {
    const t = await createTestTenant();
    const azure = await createCollector(t, { name: 'azure' });
    const oci = await createCollector(t, { name: 'oci' });
    // January on one server (6 samples), March on the other (4 samples, one second late each time).
    const january = daysAgo(300);
    const march = daysAgo(240) + 7;
    const a = await recordSeries(
      t,
      azure.id,
      january,
      [10, 20, 30, 40, 50, 60].map((cpu_busy) => ({ cpu_busy, cpu_steal: 1 })),
    );
    const marchTimes = [10, 21, 30, 41];
    await storeSamples(
      t,
      oci.id,
      marchTimes.map((dt, i) => hostSample(march + dt, { cpu_busy: 5 + i, cpu_steal: 3 })),
    );
    const b = await storeRecording(t, oci.id, {
      startedAt: at(march + 10),
      endedAt: at(march + 41),
      sampleCount: 4,
      intervalSeconds: 10,
    });

    const res = await compare(t, `ids=${a.id},${b.id}`);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json<RecordingCompare>();
    expect(body).toMatchObject({ field: 'cpu_busy', step: 'raw', step_seconds: 10 });
    expect(body.timestamps).toEqual([0, 10, 20, 30, 40, 50]);
    expect(body.recordings.map((r) => r.recording.id)).toEqual([a.id, b.id]);
    expect(body.recordings[0]?.values).toEqual([10, 20, 30, 40, 50, 60]);
    expect(body.recordings[1]?.values).toEqual([5, 6, 7, 8, null, null]);
    expect(body.recordings[0]?.stats.cpu_busy).toMatchObject({ n: 6, avg: 35, max: 60 });
    expect(body.recordings[1]?.stats.cpu_steal).toMatchObject({ n: 4, avg: 3, p50: 3, max: 3 });
    expect(body.recordings[1]?.recording).toEqual(b);

    // The order of the ids is the order of the answer; another field and 1m buckets from each start.
    const minute = (await compare(t, `ids=${b.id},${a.id}&field=cpu_steal&step=1m`)).json<RecordingCompare>();
    expect(minute).toMatchObject({ field: 'cpu_steal', step: '1m', step_seconds: 60, timestamps: [0] });
    expect(minute.recordings.map((r) => r.values)).toEqual([[3], [1]]);
  });

  it('takes 2 to 10 recordings and names the bad parameter', async () => {
    const t = await createTestTenant();
    const { id } = await createCollector(t);
    const recordings = await Promise.all(
      Array.from({ length: 11 }, (_, i) => recordSeries(t, id, daysAgo(20 + i), [{ cpu_busy: i }])),
    );
    const ids = recordings.map((r) => r.id);
    const ten = await compare(t, `ids=${ids.slice(0, 10).join(',')}`);
    expect(ten.statusCode, ten.body).toBe(200);
    expect(ten.json<RecordingCompare>().recordings.map((r) => r.values[0])).toEqual(
      Array.from({ length: 10 }, (_, i) => i),
    );
    const unknown = randomUUID();
    for (const [query, field] of [
      [`ids=${ids[0]}`, 'ids'],
      [`ids=${ids[0]},${ids[0]}`, 'ids'],
      [`ids=${ids.join(',')}`, 'ids'],
      [`ids=${ids[0]},nope`, 'ids'],
      [`ids=${ids[0]},${unknown}`, 'ids'],
      [`ids=${ids[0]},${ids[1]}&field=cpu`, 'field'],
      [`ids=${ids[0]},${ids[1]}&step=5s`, 'step'],
      ['field=cpu_busy', 'ids'],
    ] as const) {
      const res = await compare(t, query);
      expect(res.statusCode, query).toBe(400);
      expect(Object.keys(res.json()), query).toEqual([field]);
    }
    expect((await compare(t, `ids=${ids[0]},${unknown}`)).json()).toEqual({ ids: [`Unknown recording: ${unknown}`] });
  });
});
