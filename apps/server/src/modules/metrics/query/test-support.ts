// Test support for the metrics-query tests (not imported by the server).
import type { MetricSample } from '@xat/contracts';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { getApp, type TestTenant } from '../../../../test/helpers.ts';
import type { App } from '../../../app-types.ts';
import type { Role } from '../../users/users.queries.ts';

/** The shared test app (it serves this module's routes like every other). */
async function queryApp(): Promise<App> {
  return (await getApp()).app;
}

const tokens = new WeakMap<TestTenant, Map<Role, string>>();

/** GET on a metrics-query route as a user of the tenant (admin unless `role` says otherwise; `false`: no token). */
export async function get(
  t: TestTenant,
  url: string,
  role: Role | false = 'admin',
  opts: Omit<InjectOptions, 'url'> = {},
): Promise<LightMyRequestResponse> {
  const app = await queryApp();
  let bearer: string | undefined;
  if (role) {
    const cache = tokens.get(t) ?? new Map<Role, string>();
    tokens.set(t, cache);
    bearer = cache.get(role) ?? (await t.token(role));
    cache.set(role, bearer);
  }
  return app.inject({
    method: 'GET',
    url,
    ...opts,
    headers: { host: t.host, ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
  });
}

/** A sample whose every field is derived from `v`, with two CPUs, two disks, one interface and two filesystems. */
export function sample(timestamp: number, v: number, host: MetricSample['host'] = {}): MetricSample {
  return {
    timestamp,
    interval_seconds: 10,
    host: { cpu_busy: v, cpu_idle: 100 - v, mem_used_kb: 1000 + v, net_rx_bps: v * 100, ...host },
    cpus: [
      { cpu: 0, busy: v, user: v / 2 },
      { cpu: 1, busy: v + 1, user: null },
    ],
    disks: [
      { name: 'sdb', read_bps: v * 2 },
      { name: 'sda', read_bps: v * 512, write_iops: 3 },
    ],
    interfaces: [{ name: 'eth0', rx_bps: v * 1000, tx_pps: 5 }],
    filesystems: [
      { mount_point: '/', used_pct: 40 + v },
      { mount_point: '/boot', used_pct: 10 },
    ],
  };
}

/** An hour boundary two hours back: recent enough for every retention, aligned for the 1m/1h buckets. */
export const baseTime = () => Math.floor(Date.now() / 3_600_000) * 3600 - 2 * 3600;
