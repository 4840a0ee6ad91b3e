import { describe, expect, it } from 'vitest';
import { createCollector, createTestTenant, type TestTenant } from '../../../../test/helpers.ts';
import { fileForm } from '../../../../test/multipart.ts';
import { FILE_TURNS } from './file-ingest.ts';

const collectorOf = async (t: TestTenant, id: string) =>
  (await t.request({ method: 'GET', url: `/api/v1/collectors/${id}/` })).json();

describe('agent metrics upload', () => {
  it('stores a multipart file as the collector’s data, whatever its name', async () => {
    const t = await createTestTenant();
    const { id, api_key, name } = await createCollector(t);
    const now = Math.floor(Date.now() / 1000) - 60;
    const round = (ts: number, user: number) =>
      JSON.stringify({ timestamp: ts, subsystem: '/proc/stat', measurement: `cpu  ${user} 0 50 1000 0 0 0 0 0 0\n` });
    const content = `${round(now - 10, 100)}\n${round(now, 150)}\n`;
    const form = fileForm('collection.pcc', content, { description: 'nightly' });
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/metrics/',
      auth: false,
      payload: form.payload,
      headers: { ...form.headers, apikey: api_key },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toEqual({
      status: 'uploaded',
      data_id: expect.any(String),
      file_size: Buffer.byteLength(content),
      metrics_count: 1,
      skipped: 0,
      out_of_range: 0,
      recording_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      messages: [],
    });

    const list = await t.request({ method: 'GET', url: `/api/v1/collectors/${id}/data/`, auth: 'viewer' });
    expect(list.json().count).toBe(1);
    expect(list.json().results[0]).toMatchObject({
      id: res.json().data_id,
      collector_name: name,
      description: 'nightly',
      file_name: 'collection.pcc',
      file_size: Buffer.byteLength(content),
      row_count: 2,
      data_start: new Date((now - 10) * 1000).toISOString(),
      data_end: new Date(now * 1000).toISOString(),
      recording_id: res.json().recording_id,
    });
    const download = await t.request({ method: 'GET', url: `/api/v1/data/${res.json().data_id}/download/` });
    expect(download.body).toBe(content);
    expect(download.headers['content-type']).toBe('application/octet-stream');
    expect((await collectorOf(t, id)).status).toBe('connected');
  });

  it('reads a file in its tenant’s turn: waits while the tenant’s turn is taken, another tenant’s goes on', async () => {
    const [t, u] = await Promise.all([createTestTenant(), createTestTenant()]);
    const [c, d] = await Promise.all([createCollector(t), createCollector(u)]);
    const now = Math.floor(Date.now() / 1000) - 60;
    const round = (ts: number, user: number) =>
      JSON.stringify({ timestamp: ts, subsystem: '/proc/stat', measurement: `cpu  ${user} 0 50 1000 0 0 0 0 0 0\n` });
    const send = (tenant: TestTenant, key: string) => {
      const form = fileForm('collection.pcc', `${round(now - 10, 100)}\n${round(now, 150)}\n`);
      return tenant.request({
        method: 'POST',
        url: '/api/v1/metrics/',
        auth: false,
        payload: form.payload,
        headers: { ...form.headers, apikey: key },
      });
    };
    // Tenant t's turn is taken (a large file of t's being read).
    let free: () => void = () => undefined;
    const held = FILE_TURNS.run(
      t.id,
      () => new Promise<void>((r) => (free = r)),
      () => new Error('full'),
    );
    let answered = false;
    const waiting = send(t, c.api_key).then((res) => {
      answered = true;
      return res;
    });
    const other = await send(u, d.api_key);
    expect(other.statusCode, other.body).toBe(201);
    expect(answered).toBe(false);
    free();
    await held;
    const res = await waiting;
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().metrics_count).toBe(1);
  });

  it('answers 400 naming what is missing, and 401 to a person’s token', async () => {
    const t = await createTestTenant();
    const { id, api_key } = await createCollector(t);
    const json = await t.request({
      method: 'POST',
      url: '/api/v1/metrics/',
      auth: false,
      headers: { 'x-api-key': api_key },
      payload: { metrics: [] },
    });
    expect(json.statusCode).toBe(400);
    expect(json.json()).toEqual({ metrics: ['No measurements were sent.'] });
    const empty = await t.request({
      method: 'POST',
      url: '/api/v1/metrics/',
      auth: false,
      headers: { 'x-api-key': api_key },
    });
    expect(empty.statusCode).toBe(400);
    expect(empty.json()).toEqual({ file: ['No file was submitted.'] });

    const form = fileForm('a.csv', 'x');
    const jwt = await t.request({ method: 'POST', url: '/api/v1/metrics/', ...form });
    expect(jwt.statusCode).toBe(401);
    const list = await t.request({ method: 'GET', url: `/api/v1/collectors/${id}/data/` });
    expect(list.json().count).toBe(0);
    expect((await collectorOf(t, id)).status).toBe('pending');
  });
});
