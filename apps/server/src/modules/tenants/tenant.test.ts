import { describe, expect, it } from 'vitest';
import { createTestTenant } from '../../../test/helpers.ts';

describe('tenant settings', () => {
  it('shows the tenant’s own domains and default retention to any member', async () => {
    const t = await createTestTenant();
    const res = await t.request({ method: 'GET', url: '/api/v1/tenant/', auth: 'viewer' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      domains: [{ domain: t.host, is_primary: true }],
      retention_raw_days: 7,
      retention_1m_days: 90,
      retention_1h_days: 730,
    });
  });

  it('lets admins change retention, keeps resolutions ordered, and touches no other tenant', async () => {
    const a = await createTestTenant();
    const b = await createTestTenant();
    const ok = await a.request({ method: 'PATCH', url: '/api/v1/tenant/', payload: { retention_raw_days: 14 } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().retention_raw_days).toBe(14);
    const bad = await a.request({ method: 'PATCH', url: '/api/v1/tenant/', payload: { retention_1m_days: 3 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toHaveProperty('retention_1m_days');
    const zero = await a.request({ method: 'PATCH', url: '/api/v1/tenant/', payload: { retention_raw_days: 0 } });
    expect(zero.json()).toHaveProperty('retention_raw_days');
    expect((await a.request({ method: 'PATCH', url: '/api/v1/tenant/', auth: 'member', payload: {} })).statusCode).toBe(
      403,
    );
    expect((await b.request({ method: 'GET', url: '/api/v1/tenant/' })).json().retention_raw_days).toBe(7);
  });
});
