import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { COMPARE_COLORS } from '@xat/contracts';
import { describe, expect, it } from 'vitest';
import { createCollector, createTestTenant, fixturePath, type TestTenant } from '../../../test/helpers.ts';
import { COMPARE_HEAD, expectShape, LOAD_TEST_HEAD } from '../reference/test-shapes.ts';

// The reference HEAD's camelCase load-test fields and its {servers, ratios} compare form, on real perfcpumeasure runs.

/** The fixture's (busy, units) pairs, read here on their own. */
const training = (name: string) =>
  readFileSync(fixturePath('loadtest', name), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { busy: number; units: number });

const OCI = training('oci-2vcpu-training.ndjson');
const AZURE = training('azure-4vcpu-training.ndjson');

async function importRun(t: TestTenant, collector: string, name: string, notes = '') {
  const content = readFileSync(fixturePath('loadtest', name), 'utf8');
  const res = await t.request({
    method: 'POST',
    url: '/api/v1/loadtest/import/',
    payload: { collector, content, notes },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<{ id: string; created_at: string }>();
}

const expectedData = (rows: { busy: number; units: number }[]) =>
  rows.map((r) => ({ busyPct: r.busy, workUnits: r.units }));
const max = (rows: { units: number }[]) => Math.max(...rows.map((r) => r.units));
const avg = (rows: { units: number }[]) => Math.floor(rows.reduce((s, r) => s + r.units, 0) / 10);
const round2 = (x: number) => Math.round(x * 100) / 100;

describe('load-test items: the reference HEAD fields', () => {
  it('adds collectorId, serverName, provider, benchmarkId, data, maxUnits, avgUnits, createdAt beside the seed’s', async () => {
    const t = await createTestTenant();
    const oci = await createCollector(t, { name: 'oci-2', vm_brand: 'oracle_cloud' });
    const run = await importRun(t, oci.id, 'oci-2vcpu-training.ndjson', 'january');

    for (const base of ['/api/v1/loadtest/', '/api/v1/loadtests/']) {
      const detail = await t.request({ method: 'GET', url: `${base}${run.id}/`, auth: 'viewer' });
      expect(detail.statusCode).toBe(200);
      const item = detail.json();
      expectShape(item, LOAD_TEST_HEAD);
      expect(item).toMatchObject({
        id: run.id,
        collector: oci.id,
        collectorId: oci.id,
        serverName: 'oci-2',
        provider: 'OCI',
        benchmarkId: null,
        maxUnits: max(OCI),
        avgUnits: avg(OCI),
        notes: 'january',
        createdAt: run.created_at,
        units_100pct: 182,
        max_units: max(OCI),
      });
      expect(item.data).toEqual(expectedData(OCI));

      const list = await t.request({ method: 'GET', url: `${base}?collector_id=${oci.id}`, auth: 'viewer' });
      expect(list.json().results).toEqual([item]);
    }
  });

  it('labels providers as the reference does, and shows an unlabelled brand as it is', async () => {
    const t = await createTestTenant();
    const brands: [string, string][] = [
      ['aws', 'AWS'],
      ['azure', 'Azure'],
      ['gcp', 'GCP'],
      ['oracle_cloud', 'OCI'],
      ['vmware', 'VMware'],
      ['bare_metal', 'Bare Metal'],
      ['dell', 'dell'],
      ['unknown', 'Unknown'],
    ];
    for (const [vm_brand, label] of brands) {
      const c = await createCollector(t, { vm_brand });
      const res = await t.request({ method: 'POST', url: '/api/v1/loadtest/', payload: { collector: c.id } });
      expect(res.json().provider, vm_brand).toBe(label);
    }
  });

  it('another tenant’s load test is 404', async () => {
    const a = await createTestTenant();
    const b = await createTestTenant();
    const c = await createCollector(b);
    const run = await importRun(b, c.id, 'oci-2vcpu-training.ndjson');
    expect((await a.request({ method: 'GET', url: `/api/v1/loadtest/${run.id}/` })).statusCode).toBe(404);
    expect((await a.request({ method: 'GET', url: '/api/v1/loadtests/' })).json().count).toBe(0);
  });
});

describe('compare: the reference HEAD’s {servers, ratios}', () => {
  it('answers servers with provider, colour, data, cost and price-performance, and ratios to the first', async () => {
    const t = await createTestTenant();
    const oci = await createCollector(t, { name: 'oci', vm_brand: 'oracle_cloud', hourly_cost: '0.06' });
    const azure = await createCollector(t, { name: 'azure', vm_brand: 'azure', hourly_cost: 0.192 });
    const free = await createCollector(t, { name: 'free', vm_brand: 'aws' });
    const none = await createCollector(t, { name: 'no-results' });
    await t.request({ method: 'POST', url: '/api/v1/loadtest/', payload: { collector: oci.id, units_100pct: 999 } });
    await importRun(t, oci.id, 'oci-2vcpu-training.ndjson'); // newer: the one compared
    await importRun(t, azure.id, 'azure-4vcpu-training.ndjson');
    await t.request({ method: 'POST', url: '/api/v1/loadtest/', payload: { collector: free.id, units_50pct: 91 } });
    const foreign = await createCollector(await createTestTenant());
    const ids = [oci.id, none.id, azure.id, foreign.id, randomUUID(), free.id];

    const expected = {
      servers: [
        {
          serverId: oci.id,
          serverName: 'oci',
          provider: 'OCI',
          color: '#3b82f6',
          data: expectedData(OCI),
          hourlyCost: 0.06,
          maxUnits: max(OCI),
          pricePerformance: round2(max(OCI) / 0.06),
        },
        {
          serverId: azure.id,
          serverName: 'azure',
          provider: 'Azure',
          color: '#ef4444',
          data: expectedData(AZURE),
          hourlyCost: 0.192,
          maxUnits: max(AZURE),
          pricePerformance: round2(max(AZURE) / 0.192),
        },
        {
          serverId: free.id,
          serverName: 'free',
          provider: 'AWS',
          color: '#22c55e',
          data: expectedData(OCI.map((r) => ({ busy: r.busy, units: r.busy === 50 ? 91 : 0 }))),
          hourlyCost: null,
          maxUnits: 91,
          pricePerformance: null,
        },
      ],
      ratios: {
        [oci.id]: 1,
        [azure.id]: round2(max(AZURE) / max(OCI)),
        [free.id]: round2(91 / max(OCI)),
      },
    };

    const post = await t.request({ method: 'POST', url: '/api/v1/loadtest/compare/', payload: { collector_ids: ids } });
    expect(post.statusCode, post.body).toBe(200);
    expectShape(post.json(), COMPARE_HEAD);
    expect(post.json()).toMatchObject(expected);
    // The seed's form is still there, with every entry.
    expect(post.json().count).toBe(ids.length);

    for (const query of [ids.join(','), JSON.stringify(ids)]) {
      const get = await t.request({
        method: 'GET',
        url: `/api/v1/loadtests/compare/?collector_ids=${encodeURIComponent(query)}`,
        auth: 'viewer',
      });
      expect(get.statusCode, get.body).toBe(200);
      expect(get.json()).toMatchObject(expected);
    }
  });

  it('cycles the eight colours and answers null ratios against a baseline of 0 units', async () => {
    const t = await createTestTenant();
    const collectors = [];
    for (let i = 0; i < 10; i++) {
      const c = await createCollector(t);
      await t.request({ method: 'POST', url: '/api/v1/loadtest/', payload: { collector: c.id, units_100pct: i * 10 } });
      collectors.push(c.id);
    }
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/loadtest/compare/',
      payload: { collector_ids: collectors },
    });
    const { servers, ratios } = res.json();
    // The reference's eight colours (REFERENCE 4.7), then round again.
    expect(COMPARE_COLORS).toHaveLength(8);
    expect(servers.map((s: { color: string }) => s.color)).toEqual([...COMPARE_COLORS, ...COMPARE_COLORS.slice(0, 2)]);
    expect(Object.values(ratios)).toEqual(collectors.map(() => null));
    const bad = await t.request({ method: 'GET', url: '/api/v1/loadtest/compare/?collector_ids=["nope","x"]' });
    expect(bad.statusCode).toBe(400);
    expect(Object.keys(bad.json())).toEqual(['collector_ids']);
  });
});
