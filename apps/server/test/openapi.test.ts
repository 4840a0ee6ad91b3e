import { randomUUID } from 'node:crypto';
import type { InjectOptions } from 'fastify';
import { describe, expect, it } from 'vitest';
import { createUser } from '../src/modules/users/users.service.ts';
import { createCollector, createTestTenant, getApp, PASSWORD, type TestTenant } from './helpers.ts';

interface Media {
  schema?: Record<string, unknown>;
  example?: unknown;
  examples?: Record<string, { value: unknown }>;
}
interface Operation {
  summary?: string;
  description?: string;
  security?: Record<string, string[]>[];
  parameters?: unknown[];
  requestBody?: { content: Record<string, Media> };
  responses: Record<string, { description: string; content?: Record<string, Media> }>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
}

async function documentOf(t: TestTenant): Promise<Document> {
  const res = await t.request({ method: 'GET', url: '/api/v1/schema/', auth: false });
  expect(res.statusCode).toBe(200);
  return res.json<Document>();
}

const operationsOf = (doc: Document) =>
  Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({ method: method.toUpperCase(), path, op, name: `${method} ${path}` })),
  );

/** Security that must be met: present and without the empty (anonymous) alternative. */
const requiresCredentials = (op: Operation) =>
  Boolean(op.security?.length) && !op.security?.some((r) => Object.keys(r).length === 0);
const agentOnly = (op: Operation) => Boolean(op.security?.length) && op.security?.every((r) => !('jwt' in r));
const takesBody = (method: string) => ['POST', 'PUT', 'PATCH'].includes(method);

/** The example of a documented request body (a single `example`, or the first of `examples`). */
function exampleOf(doc: Document, path: string, type = 'application/json'): Record<string, unknown> {
  const media = doc.paths[path]?.post?.requestBody?.content[type];
  const example = media?.example ?? Object.values(media?.examples ?? {})[0]?.value;
  expect(example, `example of POST ${path}`).toBeTypeOf('object');
  return structuredClone(example) as Record<string, unknown>;
}

describe('the OpenAPI document', () => {
  it('describes every operation: summary, description, security, its 4xx answers and 204 where it deletes', async () => {
    const doc = await documentOf(await createTestTenant());
    const ops = operationsOf(doc);
    expect(ops.length).toBeGreaterThanOrEqual(50);
    const problems: string[] = [];
    const check = (ok: unknown, name: string, what: string) => ok || problems.push(`${name}: ${what}`);
    for (const { method, path, op, name } of ops) {
      const statuses = Object.keys(op.responses);
      check(op.summary?.trim(), name, 'no summary');
      check(op.description?.trim(), name, 'no description');
      // The API's; the agent's downloads answer 200 or 503 alone.
      if (/^\/(api\/)?v1\//.test(path))
        check(
          statuses.some((s) => s.startsWith('4')),
          name,
          'no 4xx answer',
        );
      if (op.parameters?.length || op.requestBody) check(op.responses[400], name, 'input but no 400');
      if (op.security?.length) check(op.responses[401], name, 'security but no 401');
      if (takesBody(method)) check(op.responses[413] && op.responses[415], name, 'a body but no 413/415');
      if (path.startsWith('/api/v1/')) check(op.responses[404] && op.responses[503], name, 'no 404/503');
      for (const [type, media] of Object.entries(op.requestBody?.content ?? {}))
        check(media.schema && Object.keys(media.schema).length > 0, name, `empty ${type} body schema`);
      for (const status of statuses.filter((s) => s >= '400'))
        check(op.responses[status]?.content?.['application/json']?.schema, name, `${status} without a JSON schema`);
      if (method === 'DELETE') {
        check(op.responses[204] && !op.responses[204].content, name, 'no 204 without content');
        check(!op.responses[200], name, '200 on a route that answers 204');
      }
    }
    expect(problems).toEqual([]);
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['ErrorBody', 'FieldErrors']));
    expect(Object.keys(doc.components.securitySchemes)).toEqual(
      expect.arrayContaining(['jwt', 'apiKey', 'apikeyHeader', 'agentAuthorization']),
    );
  });

  it('documents the three bodies of the metrics upload and the agent routes’ key headers', async () => {
    const doc = await documentOf(await createTestTenant());
    const upload = doc.paths['/api/v1/metrics/']?.post;
    const json = upload?.requestBody?.content['application/json']?.schema as { oneOf?: { required?: string[] }[] };
    expect(json.oneOf?.map((s) => s.required)).toEqual([
      ['batch_id', 'collector_time', 'samples'],
      ['measurements'],
      ['timestamp', 'subsystem', 'measurement'],
    ]);
    const file = upload?.requestBody?.content['multipart/form-data']?.schema as { properties: Record<string, unknown> };
    expect(Object.keys(file.properties)).toEqual(['file', 'description']);
    for (const path of ['/api/v1/register/', '/api/v1/metrics/', '/v1/trickle'])
      expect(doc.paths[path]?.post?.security, path).toEqual([
        { apiKey: [] },
        { apikeyHeader: [] },
        { agentAuthorization: [] },
      ]);
    // A person or an agent may store a load test.
    expect(doc.paths['/api/v1/loadtest/']?.post?.security).toContainEqual({ jwt: [] });
    expect(doc.paths['/api/v1/loadtest/']?.post?.security).toContainEqual({ apiKey: [] });
  });

  it('declares security exactly where a request without credentials is refused, and every answer probed', async () => {
    const t = await createTestTenant();
    const doc = await documentOf(t);
    const agent = await createCollector(t);
    const problems: string[] = [];
    for (const { method, path, op, name } of operationsOf(doc)) {
      const url = path.replace(/\{[^}]+\}/g, () => randomUUID());
      const base: InjectOptions = { method: method as InjectOptions['method'], url };
      if (takesBody(method) && op.requestBody?.content['application/json']) base.payload = {};
      const anonymous = await t.request({ ...base, auth: false });
      if ((anonymous.statusCode === 401) !== requiresCredentials(op))
        problems.push(`${name}: ${anonymous.statusCode} without credentials, security ${JSON.stringify(op.security)}`);
      const probes = [anonymous];
      if (agentOnly(op))
        probes.push(await t.request({ ...base, auth: false, headers: { 'x-api-key': agent.api_key } }));
      else probes.push(await t.request(base)); // an admin
      for (const res of probes) {
        // A fresh clone has no agent bundle until it is built: the download then answers its documented 503
        // (downloads.test.ts holds its words); any other 5xx is a fault.
        const unbuilt = res.statusCode === 503 && op.responses[503] && res.body.includes('"code":"unavailable"');
        if (res.statusCode >= 500 && !unbuilt) problems.push(`${name}: ${res.statusCode} ${res.body}`);
        else if (!op.responses[res.statusCode]) problems.push(`${name}: answered ${res.statusCode}, not documented`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('answers DELETE with 204 and no body, as documented', async () => {
    const t = await createTestTenant();
    const doc = await documentOf(t);
    const collector = await createCollector(t);
    const res = await t.request({ method: 'DELETE', url: `/api/v1/collectors/${collector.id}/` });
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expect(Object.keys(doc.paths['/api/v1/collectors/{id}/']?.delete?.responses ?? {})).toContain('204');
  });

  it('runs the seed flow on the documented examples', async () => {
    const t = await createTestTenant();
    const { database } = await getApp();
    const doc = await documentOf(t);

    const token = exampleOf(doc, '/api/v1/auth/token/');
    await createUser(database.db, t.id, { username: String(token.username), password: PASSWORD, role: 'admin' });
    const signedIn = await t.request({ method: 'POST', url: '/api/v1/auth/token/', payload: token, auth: false });
    expect(signedIn.statusCode, signedIn.body).toBe(200);
    const access = signedIn.json<{ access: string }>().access;

    const created = await t.request({
      method: 'POST',
      url: '/api/v1/collectors/',
      payload: exampleOf(doc, '/api/v1/collectors/'),
      token: access,
    });
    expect(created.statusCode, created.body).toBe(201);
    const { id, api_key } = created.json<{ id: string; api_key: string }>();
    const asAgent = { auth: false as const, headers: { 'x-api-key': api_key } };

    const registered = await t.request({
      method: 'POST',
      url: '/api/v1/register/',
      payload: exampleOf(doc, '/api/v1/register/'),
      ...asAgent,
    });
    expect(registered.statusCode, registered.body).toBe(200);
    expect(registered.json()).toMatchObject({ status: 'registered', collector_id: id });

    // The examples' times moved to now: samples older than the tenant's retention are refused.
    const now = Math.floor(Date.now() / 1000);
    const batch = exampleOf(doc, '/api/v1/metrics/') as { collector_time: number; samples: { timestamp: number }[] };
    batch.collector_time = now;
    batch.samples.forEach((s, i) => {
      s.timestamp = now - 60 * (batch.samples.length - i);
    });
    const uploaded = await t.request({ method: 'POST', url: '/api/v1/metrics/', payload: batch, ...asAgent });
    expect(uploaded.statusCode, uploaded.body).toBe(200);
    expect(uploaded.json()).toMatchObject({ status: 'ok', written: batch.samples.length, duplicates: 0 });

    const media = doc.paths['/api/v1/metrics/']?.post?.requestBody?.content['application/json'];
    const rounds = structuredClone(media?.examples?.example2?.value) as { measurements: { timestamp: number }[] };
    rounds.measurements.forEach((m, i) => {
      m.timestamp = now - 60 * (rounds.measurements.length - i);
    });
    const raw = await t.request({ method: 'POST', url: '/api/v1/metrics/', payload: rounds, ...asAgent });
    expect(raw.statusCode, raw.body).toBe(200);
    expect(raw.json()).toMatchObject({ status: 'received', skipped: 0 });

    const loadTest: Record<string, unknown> = { ...exampleOf(doc, '/api/v1/loadtest/'), collector: id };
    const stored = await t.request({ method: 'POST', url: '/api/v1/loadtest/', payload: loadTest, token: access });
    expect(stored.statusCode, stored.body).toBe(201);
    expect(stored.json()).toMatchObject({ collector: id, units_100pct: loadTest.units_100pct });
  });
});
