import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createCollector, createTestTenant, fixturePath, type TestTenant } from '../../../test/helpers.ts';

const url = '/api/v1/loadtest/';
const fixture = (name: string) => fixturePath('loadtest', name);
const OCI = [18, 36, 54, 72, 92, 110, 128, 146, 164, 182];
const FIELDS = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100].map((p) => `units_${p}pct`);

const unitsBody = (units: readonly number[]) => Object.fromEntries(FIELDS.map((f, i) => [f, units[i]]));

async function createLoadTest(t: TestTenant, body: Record<string, unknown>) {
  const res = await t.request({ method: 'POST', url, payload: body });
  if (res.statusCode !== 201) throw new Error(`create load test failed: ${res.statusCode} ${res.body}`);
  return res.json<{ id: string } & Record<string, unknown>>();
}

function multipart(fields: Record<string, string>, file?: { name: string; content: string | Buffer }) {
  const boundary = `----xat${randomUUID()}`;
  const chunks: (string | Buffer)[] = [];
  for (const [name, value] of Object.entries(fields))
    chunks.push(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
  if (file)
    chunks.push(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\n` +
        'Content-Type: application/x-ndjson\r\n\r\n',
      file.content,
      '\r\n',
    );
  chunks.push(`--${boundary}--\r\n`);
  return {
    payload: Buffer.concat(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : c))),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

describe('load tests', () => {
  it('creates a result with the reference’s derived figures', async () => {
    const t = await createTestTenant();
    const c = await createCollector(t, { name: 'oci-2' });
    const res = await t.request({ method: 'POST', url, payload: { collector: c.id, ...unitsBody(OCI), notes: 'n' } });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({
      collector: c.id,
      collector_name: 'oci-2',
      benchmark: null,
      ...unitsBody(OCI),
      max_units: 182,
      avg_units: 100, // floor(1002 / 10)
      notes: 'n',
      details: null,
    });
    expect(body.data_points).toEqual(OCI.map((work_units, i) => ({ utilization: (i + 1) * 10, work_units })));

    const got = await t.request({ method: 'GET', url: `${url}${body.id}/`, auth: 'viewer' });
    expect(got.json()).toEqual(body);
    const plural = await t.request({ method: 'GET', url: `/api/v1/loadtests/${body.id}/`, auth: 'viewer' });
    expect(plural.json()).toEqual(body);
  });

  it('counts missing levels as zeros in the average and keeps tool details', async () => {
    const t = await createTestTenant();
    const c = await createCollector(t);
    const details = { achieved_busy: [10.2, 19.8], tool: { name: 'pcc', version: '0.1.0' } };
    const body = await createLoadTest(t, { collector: c.id, units_10pct: 5, units_20pct: 6, details });
    expect(body).toMatchObject({ units_10pct: 5, units_20pct: 6, units_30pct: 0, units_100pct: 0 });
    expect(body.max_units).toBe(6);
    expect(body.avg_units).toBe(1); // floor(11 / 10)
    expect(body.details).toEqual(details);
    expect(body.notes).toBe('');
  });

  it('lists newest first, filters by collector and pages, under both paths', async () => {
    const t = await createTestTenant();
    const c1 = await createCollector(t);
    const c2 = await createCollector(t);
    const a = await createLoadTest(t, { collector: c1.id, units_10pct: 1 });
    const b = await createLoadTest(t, { collector: c2.id, units_10pct: 2 });
    const c = await createLoadTest(t, { collector: c1.id, units_10pct: 3 });
    for (const base of [url, '/api/v1/loadtests/']) {
      const ids = async (query: string) =>
        (await t.request({ method: 'GET', url: `${base}${query}`, auth: 'viewer' }))
          .json<{ results: { id: string }[] }>()
          .results.map((r) => r.id);
      expect(await ids('')).toEqual([c.id, b.id, a.id]);
      expect(await ids(`?collector_id=${c1.id}`)).toEqual([c.id, a.id]);
      expect(await ids(`?collector_id=${c2.id}`)).toEqual([b.id]);
      expect(await ids('?page_size=2&page=2')).toEqual([a.id]);
    }
    const page = await t.request({ method: 'GET', url: `${url}?page_size=2` });
    expect(page.json()).toMatchObject({ count: 3, next: `http://${t.host}${url}?page_size=2&page=2`, previous: null });
    expect((await t.request({ method: 'GET', url: `${url}?collector_id=x` })).statusCode).toBe(400);
  });

  it('patches, puts and deletes, recomputing the derived figures', async () => {
    const t = await createTestTenant();
    const c1 = await createCollector(t);
    const c2 = await createCollector(t, { name: 'second' });
    const r = await createLoadTest(t, { collector: c1.id, ...unitsBody(OCI), notes: 'first' });

    const patched = await t.request({ method: 'PATCH', url: `${url}${r.id}/`, payload: { units_100pct: 500 } });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ units_100pct: 500, units_90pct: 164, max_units: 500, avg_units: 132 });
    expect(patched.json().notes).toBe('first');

    const put = await t.request({
      method: 'PUT',
      url: `/api/v1/loadtests/${r.id}/`,
      payload: { collector: c2.id, units_10pct: 7, notes: 'moved' },
    });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toMatchObject({ collector: c2.id, collector_name: 'second', units_10pct: 7, notes: 'moved' });
    const empty = await t.request({ method: 'PATCH', url: `${url}${r.id}/`, payload: {} });
    expect(empty.json()).toEqual(put.json());

    expect((await t.request({ method: 'DELETE', url: `${url}${r.id}/` })).statusCode).toBe(204);
    expect((await t.request({ method: 'GET', url: `${url}${r.id}/` })).statusCode).toBe(404);
    expect((await t.request({ method: 'DELETE', url: `/api/v1/loadtests/${r.id}/` })).statusCode).toBe(404);
  });

  it('links a benchmark of the tenant, refuses a foreign one, and unlinks on benchmark delete', async () => {
    const a = await createTestTenant();
    const b = await createTestTenant();
    const ca = await createCollector(a);
    const cb = await createCollector(b);
    const benchA = (
      await a.request({ method: 'POST', url: '/api/v1/benchmarks/', payload: { collector: ca.id, name: 'x' } })
    ).json().id;
    const r = await createLoadTest(a, { collector: ca.id, benchmark: benchA });
    expect(r.benchmark).toBe(benchA);

    const foreign = await b.request({ method: 'POST', url, payload: { collector: cb.id, benchmark: benchA } });
    expect(foreign.statusCode).toBe(400);
    expect(foreign.json()).toEqual({ benchmark: [`Invalid pk "${benchA}" - object does not exist.`] });

    await a.request({ method: 'DELETE', url: `/api/v1/benchmarks/${benchA}/` });
    expect((await a.request({ method: 'GET', url: `${url}${r.id}/` })).json().benchmark).toBeNull();
  });

  it('answers 404 for another tenant’s result on every item route, and 400 for its collector', async () => {
    const a = await createTestTenant();
    const b = await createTestTenant();
    const ca = await createCollector(a);
    const cb = await createCollector(b);
    const r = await createLoadTest(a, { collector: ca.id, units_10pct: 9 });
    for (const base of [url, '/api/v1/loadtests/']) {
      for (const method of ['GET', 'PATCH', 'PUT', 'DELETE'] as const) {
        const payload = method === 'PUT' ? { collector: cb.id } : method === 'PATCH' ? { notes: 'x' } : undefined;
        const res = await b.request({ method, url: `${base}${r.id}/`, payload });
        expect(res.statusCode, `${method} ${base}`).toBe(404);
      }
    }
    expect((await b.request({ method: 'GET', url })).json().count).toBe(0);
    expect((await b.request({ method: 'GET', url: `${url}?collector_id=${ca.id}` })).json().count).toBe(0);

    for (const id of [ca.id, randomUUID()]) {
      const res = await b.request({ method: 'POST', url, payload: { collector: id, units_10pct: 1 } });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({ collector: [`Invalid pk "${id}" - object does not exist.`] });
    }
    const own = await createLoadTest(b, { collector: cb.id });
    const moved = await b.request({ method: 'PATCH', url: `${url}${own.id}/`, payload: { collector: ca.id } });
    expect(moved.statusCode).toBe(400);
    expect(Object.keys(moved.json())).toEqual(['collector']);
    expect((await a.request({ method: 'GET', url: `${url}${r.id}/` })).json().units_10pct).toBe(9);
    expect((await a.request({ method: 'GET', url })).json().count).toBe(1);
  });

  it('lets viewers read and compare but not write', async () => {
    const t = await createTestTenant();
    const c1 = await createCollector(t);
    const c2 = await createCollector(t);
    const r = await createLoadTest(t, { collector: c1.id });
    const content = readFileSync(fixture('oci-2vcpu-training.ndjson'), 'utf8');
    for (const req of [
      { method: 'POST', url, payload: { collector: c1.id } },
      { method: 'PATCH', url: `${url}${r.id}/`, payload: { notes: 'v' } },
      { method: 'PUT', url: `${url}${r.id}/`, payload: { collector: c1.id } },
      { method: 'DELETE', url: `${url}${r.id}/` },
      { method: 'POST', url: `${url}import/`, payload: { collector: c1.id, content } },
      { method: 'POST', url: '/api/v1/loadtests/', payload: { collector: c1.id } },
    ] as const) {
      const res = await t.request({ ...req, auth: 'viewer' });
      expect(res.statusCode, `${req.method} ${req.url}`).toBe(403);
    }
    const compare = await t.request({
      method: 'POST',
      url: `${url}compare/`,
      payload: { collector_ids: [c1.id, c2.id] },
      auth: 'viewer',
    });
    expect(compare.statusCode).toBe(200);
    expect((await t.request({ method: 'GET', url, auth: 'viewer' })).json().count).toBe(1);
    expect((await t.request({ method: 'GET', url, auth: false })).statusCode).toBe(401);
  });

  it('names bad unit fields in a 400, never a 500', async () => {
    const t = await createTestTenant();
    const c = await createCollector(t);
    const res = await t.request({
      method: 'POST',
      url,
      payload: { collector: c.id, units_10pct: -1, units_20pct: 1.5, units_30pct: 1e12, units_40pct: 'many' },
    });
    expect(res.statusCode).toBe(400);
    expect(Object.keys(res.json()).sort()).toEqual(['units_10pct', 'units_20pct', 'units_30pct', 'units_40pct']);
    expect(res.json().units_10pct).toEqual(['Ensure this value is greater than or equal to 0.']);
    expect(res.json().units_20pct).toEqual(['Must be an integer.']);
    for (const payload of [
      { details: [1, 2] },
      { details: 'x' },
      { notes: 5 },
      { benchmark: 'b' },
      { collector: 'c' },
    ]) {
      const bad = await t.request({ method: 'POST', url, payload: { collector: c.id, ...payload } });
      expect(bad.statusCode, JSON.stringify(payload)).toBe(400);
      expect(Object.keys(bad.json())).toEqual(Object.keys(payload));
    }
    const nul = await t.request({
      method: 'POST',
      url,
      payload: { collector: c.id, notes: 'a\u0000', details: { deep: ['\u0000'] } },
    });
    expect(nul.statusCode).toBe(400);
    expect(nul.json()).toEqual({
      notes: ['Null characters are not allowed.'],
      details: ['Null characters are not allowed.'],
    });
    const missing = await t.request({ method: 'POST', url, payload: { units_10pct: 1 } });
    expect(missing.json()).toEqual({ collector: ['This field is required.'] });
    const r = await createLoadTest(t, { collector: c.id });
    const patch = await t.request({ method: 'PATCH', url: `${url}${r.id}/`, payload: { units_100pct: 2 ** 31 } });
    expect(patch.statusCode).toBe(400);
    expect(Object.keys(patch.json())).toEqual(['units_100pct']);
    expect((await t.request({ method: 'GET', url })).json().count).toBe(1);
  });
});

describe('load test compare', () => {
  const compare = (t: TestTenant, collector_ids: unknown) =>
    t.request({ method: 'POST', url: `${url}compare/`, payload: { collector_ids } });

  it('compares the latest result of each collector in the given order', async () => {
    const t = await createTestTenant();
    const azure = await createCollector(t, {
      name: 'azure-4',
      vcpus: 4,
      memory_gib: 16,
      processor_model: 'EPYC 7763',
      hourly_cost: 0.192,
    });
    const oci = await createCollector(t, { name: 'oci-2', vcpus: 2, memory_gib: 8, hourly_cost: '0.06' });
    const free = await createCollector(t, { name: 'free', hourly_cost: 0 });
    // An older OCI result that must not be used.
    await createLoadTest(t, { collector: oci.id, units_100pct: 999 });
    await createLoadTest(t, { collector: oci.id, ...unitsBody(OCI) });
    await createLoadTest(t, {
      collector: azure.id,
      ...unitsBody([28, 54, 82, 110, 136, 164, 192, 220, 246, 274]),
    });
    const latestFree = await createLoadTest(t, { collector: free.id, units_50pct: 91 });

    const res = await compare(t, [oci.id, azure.id, free.id]);
    expect(res.statusCode).toBe(200);
    const { comparison, count } = res.json();
    expect(count).toBe(3);
    expect(comparison.map((e: { collector_name: string }) => e.collector_name)).toEqual(['oci-2', 'azure-4', 'free']);
    expect(comparison[0]).toMatchObject({
      collector_id: oci.id,
      specs: '2 vCPUs | 8 GiB RAM',
      vcpus: 2,
      hourly_cost: 0.06,
      max_units: 182,
      avg_units: 100,
      units_per_vcpu: 91,
      price_performance: 3033.33, // 182 / 0.06
      ratio_to_baseline: 1,
    });
    expect(comparison[0].data_points).toEqual(OCI.map((work_units, i) => ({ utilization: (i + 1) * 10, work_units })));
    expect(comparison[1]).toMatchObject({
      specs: '4 vCPUs | 16 GiB RAM | EPYC 7763',
      max_units: 274,
      avg_units: 150, // floor(1506 / 10)
      units_per_vcpu: 68.5,
      price_performance: 1427.08, // 274 / 0.192 = 1427.083…
      ratio_to_baseline: 1.51, // 274 / 182 = 1.505…
    });
    expect(comparison[2]).toMatchObject({
      specs: 'Specs pending',
      vcpus: null,
      hourly_cost: 0,
      max_units: 91,
      units_per_vcpu: null,
      price_performance: null,
      ratio_to_baseline: 0.5,
      created_at: latestFree.created_at,
    });

    const plural = await t.request({
      method: 'POST',
      url: '/api/v1/loadtests/compare/',
      payload: { collector_ids: [oci.id, azure.id, free.id] },
    });
    expect(plural.json()).toEqual(res.json());
  });

  it('reports unknown, foreign and result-less collectors in place, and nulls ratios without a baseline', async () => {
    const a = await createTestTenant();
    const b = await createTestTenant();
    const foreign = await createCollector(b);
    await createLoadTest(b, { collector: foreign.id, units_10pct: 10 });
    const empty = await createCollector(a, { name: 'empty' });
    const measured = await createCollector(a);
    await createLoadTest(a, { collector: measured.id, units_10pct: 40 });
    const unknown = randomUUID();

    const res = await compare(a, [measured.id, unknown, foreign.id, empty.id]);
    expect(res.statusCode).toBe(200);
    expect(res.json().count).toBe(4);
    const [first, ...rest] = res.json().comparison;
    expect(first).toMatchObject({ collector_id: measured.id, max_units: 40, ratio_to_baseline: 1 });
    expect(rest).toEqual([
      { collector_id: unknown, error: 'Collector not found' },
      { collector_id: foreign.id, error: 'Collector not found' },
      { collector_id: empty.id, collector_name: 'empty', error: 'No load test results' },
    ]);

    const noBaseline = await compare(a, [empty.id, measured.id]);
    expect(noBaseline.json().comparison[1]).toMatchObject({ max_units: 40, ratio_to_baseline: null });
    const zero = await createCollector(a);
    await createLoadTest(a, { collector: zero.id });
    const zeroBaseline = await compare(a, [zero.id, measured.id]);
    expect(zeroBaseline.json().comparison.map((e: { ratio_to_baseline: unknown }) => e.ratio_to_baseline)).toEqual([
      null,
      null,
    ]);
  });

  it('needs 2 to 10 collector uuids', async () => {
    const t = await createTestTenant();
    const ids = Array.from({ length: 11 }, () => randomUUID());
    for (const collector_ids of [[ids[0]], ids, [], 'abc', undefined]) {
      const res = await compare(t, collector_ids);
      expect(res.statusCode, JSON.stringify(collector_ids)).toBe(400);
      expect(Object.keys(res.json()), JSON.stringify(collector_ids)).toEqual(['collector_ids']);
    }
    const bad = await compare(t, [ids[0], 'not-a-uuid']);
    expect(bad.statusCode).toBe(400);
    expect(Object.keys(bad.json())).toEqual(['collector_ids.1']);
    expect((await compare(t, ids.slice(0, 10))).json().count).toBe(10);
  });
});

describe('load test import', () => {
  const importUrl = `${url}import/`;
  const fixtureUnits = (content: string) => {
    const units = new Map<number, number>();
    for (const line of content.split('\n').filter(Boolean)) {
      const { busy, units: n } = JSON.parse(line);
      units.set(busy, n);
    }
    return unitsBody(FIELDS.map((_, i) => units.get((i + 1) * 10) ?? 0));
  };

  for (const name of ['azure-4vcpu-training.ndjson', 'oci-2vcpu-training.ndjson']) {
    it(`imports ${name} as multipart and as JSON with the file's units`, async () => {
      const t = await createTestTenant();
      const c = await createCollector(t);
      const content = readFileSync(fixture(name));
      const expected = fixtureUnits(content.toString('utf8'));
      const form = multipart({ collector: c.id, notes: 'from file' }, { name, content });
      const res = await t.request({ method: 'POST', url: importUrl, ...form });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json()).toMatchObject({
        collector: c.id,
        ...expected,
        notes: 'from file',
        details: { source: 'perfcpumeasure', siteid: 1, host: 0 },
      });
      const stored = await t.request({ method: 'GET', url: `${url}${res.json().id}/` });
      expect(stored.json()).toMatchObject(expected);
      expect(stored.json().max_units).toBe(Math.max(...Object.values(expected).map(Number)));

      const json = await t.request({
        method: 'POST',
        url: '/api/v1/loadtests/import/',
        payload: { collector: c.id, content: content.toString('utf8') },
      });
      expect(json.statusCode, json.body).toBe(201);
      expect(json.json()).toMatchObject({ ...expected, notes: '' });
      expect((await t.request({ method: 'GET', url: `${url}?collector_id=${c.id}` })).json().count).toBe(2);
    });
  }

  it('stores missing levels as 0 and keeps big ids exact', async () => {
    const t = await createTestTenant();
    const c = await createCollector(t);
    const content =
      '{"siteid":18446744073709551615,"host":7,"busy":20,"units":40}\r\n\r\n{"siteid":1,"host":7,"busy":100,"units":200}\n';
    const res = await t.request({ method: 'POST', url: importUrl, payload: { collector: c.id, content } });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ units_10pct: 0, units_20pct: 40, units_90pct: 0, units_100pct: 200 });
    expect(res.json().details).toEqual({ source: 'perfcpumeasure', siteid: '18446744073709551615', host: 7 });
  });

  it('refuses a bad file naming the line, and stores nothing', async () => {
    const t = await createTestTenant();
    const c = await createCollector(t);
    const ok = (busy: number) => `{"siteid":1,"host":0,"busy":${busy},"units":${busy * 2}}`;
    const cases: [string, string][] = [
      [`${ok(10)}\n${ok(20)}\n{"siteid":1,"host":0,"busy":30,"units":`, 'line 3: not valid JSON.'],
      [
        `${ok(10)}\n{"siteid":1,"host":0,"busy":15,"units":3}`,
        'line 2: "busy" must be one of 10, 20, …, 100 (got 15).',
      ],
      [`${ok(10)}\n${ok(20)}\n${ok(30)}\n{"siteid":1,"host":0,"busy":40,"units":-4}`, 'line 4: "units" must be'],
      [`${ok(10)}\n[1,2]`, 'line 2: expected a JSON object'],
      [`${ok(10)}\n${ok(10)}`, 'line 2: busy 10 appears twice (first on line 1).'],
      [`${ok(10)}\n{"siteid":-1,"host":0,"busy":20,"units":1}`, 'line 2: "siteid" must be an unsigned integer.'],
      ['\n\n', 'The file contains no measurements.'],
    ];
    for (const [content, message] of cases) {
      const form = multipart({ collector: c.id }, { name: 'bad.ndjson', content });
      const res = await t.request({ method: 'POST', url: importUrl, ...form });
      expect(res.statusCode, content).toBe(400);
      expect(Object.keys(res.json()), content).toEqual(['file']);
      expect(res.json().file[0], content).toContain(message);

      const json = await t.request({ method: 'POST', url: importUrl, payload: { collector: c.id, content } });
      expect(json.statusCode, content).toBe(400);
      expect(json.json().content[0], content).toContain(message);
    }
    expect((await t.request({ method: 'GET', url })).json().count).toBe(0);
  });

  it('names missing or foreign fields of an import', async () => {
    const a = await createTestTenant();
    const b = await createTestTenant();
    const ca = await createCollector(a);
    const content = readFileSync(fixture('oci-2vcpu-training.ndjson'), 'utf8');

    const noFile = await b.request({ method: 'POST', url: importUrl, ...multipart({ collector: randomUUID() }) });
    expect(noFile.statusCode).toBe(400);
    expect(noFile.json()).toEqual({ file: ['No file was submitted.'] });

    const noCollector = await b.request({ method: 'POST', url: importUrl, ...multipart({}, { name: 'f', content }) });
    expect(noCollector.json()).toEqual({ collector: ['This field is required.'] });

    const foreign = await b.request({
      method: 'POST',
      url: importUrl,
      ...multipart({ collector: ca.id }, { name: 'f', content }),
    });
    expect(foreign.statusCode).toBe(400);
    expect(foreign.json()).toEqual({ collector: [`Invalid pk "${ca.id}" - object does not exist.`] });

    const both = await b.request({ method: 'POST', url: importUrl, payload: { collector: ca.id, content: 'x' } });
    expect(Object.keys(both.json()).sort()).toEqual(['collector', 'content']);

    const badJson = await b.request({ method: 'POST', url: importUrl, payload: { collector: 'x', content: 5 } });
    expect(Object.keys(badJson.json()).sort()).toEqual(['collector', 'content']);
    expect((await a.request({ method: 'GET', url })).json().count).toBe(0);
  });
});

describe('load test upload by the agent', () => {
  it('accepts a result for the key’s own collector only, and never a key of another tenant', async () => {
    const t = await createTestTenant();
    const other = await createTestTenant();
    const mine = await createCollector(t);
    const sibling = await createCollector(t);
    const stranger = await createCollector(other);
    const post = (key: string, collector: string) =>
      t.request({
        method: 'POST',
        url: '/api/v1/loadtest/',
        auth: false,
        headers: { 'x-api-key': key },
        payload: { collector, units_10pct: 18, units_100pct: 182, details: { source: 'pcc' } },
      });
    const ok = await post(mine.api_key, mine.id);
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json()).toMatchObject({ collector: mine.id, max_units: 182 });
    const notMine = await post(mine.api_key, sibling.id);
    expect(notMine.statusCode).toBe(400);
    expect(notMine.json()).toHaveProperty('collector');
    expect((await post(stranger.api_key, stranger.id)).statusCode).toBe(401);
    // Reading stays for people: the key gives no list.
    const list = await t.request({
      method: 'GET',
      url: '/api/v1/loadtest/',
      auth: false,
      headers: { 'x-api-key': mine.api_key },
    });
    expect(list.statusCode).toBe(401);
  });
});
