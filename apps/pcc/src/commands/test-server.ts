/**
 * Test support: the real XAT server built in this process (PGlite, or PostgreSQL when DATABASE_URL is set) listening
 * on a port of 127.0.0.1 — the default tenant's host — for a real agent started as a child process; and its API as a
 * person calls it (an admin's token) over that port.
 */
import { randomUUID } from 'node:crypto';
import type { App } from '../../../server/src/app-types.ts';
import {
  DEFAULT_DOMAINS,
  DEFAULT_TENANT_NAME,
  ensureTenant,
  findTenantByDomain,
} from '../../../server/src/modules/tenants/tenants.queries.ts';
import { createUser } from '../../../server/src/modules/users/users.service.ts';
import { buildTestApp, getApp, PASSWORD } from '../../../server/test/helpers.ts';

const HOST = '127.0.0.1';

export interface ServerUnderTest {
  url: string;
  /** JSON in, the fetch Response out, as an admin of the default tenant. */
  api(method: string, path: string, body?: unknown): Promise<Response>;
  /** A new collector of the default tenant: its id and API key. */
  createCollector(): Promise<{ id: string; api_key: string }>;
  close(): Promise<void>;
}

export async function startServerUnderTest(): Promise<ServerUnderTest> {
  const { database } = await getApp();
  const server: App = await buildTestApp(database);
  const url = await server.listen({ port: 0, host: HOST });
  const tenant =
    (await findTenantByDomain(database.db, HOST)) ??
    (await ensureTenant(database.db, DEFAULT_TENANT_NAME, DEFAULT_DOMAINS));
  const username = `agent-test-${randomUUID().slice(0, 8)}`;
  await createUser(database.db, tenant.id, { username, password: PASSWORD, role: 'admin' });
  let access: string | undefined;
  const api = (method: string, path: string, body?: unknown) =>
    fetch(`${url}${path}`, {
      method,
      headers: {
        ...(access ? { authorization: `Bearer ${access}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const login = await api('POST', '/api/v1/auth/token/', { username, password: PASSWORD });
  if (login.status !== 200) throw new Error(`login: ${login.status} ${await login.text()}`);
  access = ((await login.json()) as { access: string }).access;
  return {
    url,
    api,
    async createCollector() {
      const res = await api('POST', '/api/v1/collectors/', { name: `agent-${randomUUID().slice(0, 8)}` });
      if (res.status !== 201) throw new Error(`create collector: ${res.status} ${await res.text()}`);
      return (await res.json()) as { id: string; api_key: string };
    },
    close: () => server.close(),
  };
}
