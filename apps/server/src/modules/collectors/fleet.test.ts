import { describe, expect, it } from 'vitest';
import { createTestTenant, getApp, type TestTenant } from '../../../test/helpers.ts';
import { collectors } from '../../db/schema.ts';

const SERVERS = 1000;
const DAY_MS = 86_400_000;

/** Server i of the fleet: names mix cases (the order ignores case), statuses and CPUs vary with i. */
function server(i: number) {
  return {
    name: `${i % 5 === 0 ? 'Load' : 'load'}-${i}`,
    vcpus: i % 7 === 6 ? null : (i % 7) + 1,
    effectiveCpus: i % 4 === 0 ? 0.5 : null,
    lastSeen: i % 3 === 0 ? new Date() : i % 3 === 1 ? new Date(Date.now() - DAY_MS) : null,
  };
}
const statusRank = (i: number) => [0, 1, 2][i % 3] ?? 3; // connected, disconnected, pending

/** The fleet in one INSERT, in a scrambled order (7919 is prime to 1000) so storage order cannot pass for sorting. */
async function seedFleet(t: TestTenant) {
  const { database } = await getApp();
  const rows = Array.from({ length: SERVERS }, (_, k) => {
    const i = (k * 7919) % SERVERS;
    return { tenantId: t.id, apiKeyHash: `key-${i}`, ...server(i) };
  });
  await database.db.insert(collectors).values(rows);
}

/** Every name of the list, page after page of 100, following `next` as a client would. */
async function allNames(t: TestTenant, query: string): Promise<string[]> {
  const names: string[] = [];
  let url: string | null = `/api/v1/collectors/?page_size=100&${query}`;
  for (let page = 1; url && page <= 20; page++) {
    const res = await t.request({ method: 'GET', url, auth: 'viewer' });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json<{ count: number; next: string | null; results: { name: string }[] }>();
    expect(body.count).toBe(SERVERS);
    expect(body.results).toHaveLength(100);
    names.push(...body.results.map((r) => r.name));
    url = body.next && new URL(body.next).pathname + new URL(body.next).search;
  }
  return names;
}

describe('servers list over a fleet of 1 000', () => {
  it('pages the whole fleet in natural name order, both ways; totals cover every server', async () => {
    const t = await createTestTenant();
    await seedFleet(t);
    const indexes = Array.from({ length: SERVERS }, (_, i) => i);
    const natural = indexes.map((i) => server(i).name);
    expect(natural.slice(0, 3)).toEqual(['Load-0', 'load-1', 'load-2']);

    expect(await allNames(t, '')).toEqual(natural);
    expect(await allNames(t, 'ordering=-name')).toEqual([...natural].reverse());
    const byStatus = [...indexes].sort((a, b) => statusRank(a) - statusRank(b) || a - b);
    expect(await allNames(t, 'ordering=status')).toEqual(byStatus.map((i) => server(i).name));

    const summary = await t.request({ method: 'GET', url: '/api/v1/collectors/summary/', auth: 'viewer' });
    expect(summary.statusCode, summary.body).toBe(200);
    const fleet = indexes.map(server);
    expect(summary.json()).toEqual({
      count: SERVERS,
      connected: indexes.filter((i) => i % 3 === 0).length,
      disconnected: indexes.filter((i) => i % 3 === 1).length,
      pending: indexes.filter((i) => i % 3 === 2).length,
      vcpus: fleet.reduce((sum, s) => sum + (s.vcpus ?? 0), 0),
      effective_cpus: fleet.reduce((sum, s) => sum + (s.effectiveCpus ?? s.vcpus ?? 0), 0),
      with_valid_results: 0,
    });

    // The filters the list takes narrow the totals the same way.
    const connected = await t.request({ method: 'GET', url: '/api/v1/collectors/summary/?status=connected' });
    expect(connected.json()).toMatchObject({ count: 334, connected: 334, disconnected: 0, pending: 0 });
    const listed = await t.request({ method: 'GET', url: '/api/v1/collectors/?status=connected&page_size=1' });
    expect(listed.json().count).toBe(334);
    const searched = await t.request({ method: 'GET', url: '/api/v1/collectors/summary/?search=load-99' });
    // load-99 and load-990 … load-999
    expect(searched.json()).toMatchObject({ count: 11 });
  });
});
