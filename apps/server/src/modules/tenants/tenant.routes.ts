import { TenantSettingsPatchSchema, TenantSettingsSchema } from '@xat/contracts';
import type { App, Deps } from '../../app-types.ts';
import { fieldErrors, notFound } from '../../http/errors.ts';
import { findCollectors } from '../collectors/collectors.queries.ts';
import {
  findTenantRetention,
  listDomainsOfTenant,
  type TenantRetention,
  updateTenantRetention,
} from './tenants.queries.ts';

const tags = ['tenant'];

/** The request's own tenant: its name, domains and metric retention (admins change retention). */
export function tenantRoutes(app: App, { db, guards }: Deps): void {
  const settingsOf = async (tenantId: string, name: string, retention: TenantRetention | undefined) => {
    if (!retention) throw notFound();
    const domains = await listDomainsOfTenant(db, tenantId);
    return {
      name,
      domains: domains.map((d) => ({ domain: d.domain, is_primary: d.isPrimary })),
      retention_raw_days: retention.retentionRawDays,
      retention_1m_days: retention.retention1mDays,
      retention_1h_days: retention.retention1hDays,
      recordings_retention_days: retention.recordingsRetentionDays,
      trickle_session_timeout_minutes: retention.trickleSessionTimeoutMinutes,
      baseline_collector_id: retention.baselineCollectorId,
    };
  };

  app.get(
    '/api/v1/tenant/',
    {
      preValidation: guards.user('viewer'),
      schema: {
        summary: 'This tenant’s settings',
        description: 'Its name, its domains and how many days metrics are kept per resolution (raw, 1-minute, 1-hour).',
        tags,
        response: { 200: TenantSettingsSchema },
      },
    },
    async (request) =>
      settingsOf(request.tenant.id, request.tenant.name, await findTenantRetention(db, request.tenant.id)),
  );

  app.patch(
    '/api/v1/tenant/',
    {
      preValidation: guards.user('admin'),
      schema: {
        summary: 'Change retention, recording and benchmark settings',
        description:
          'Days metrics are kept per resolution; a coarser resolution is kept at least as long as a finer one. ' +
          'Recordings are kept `recordings_retention_days` (null: until deleted), whatever the live retention; a ' +
          'trickle session ends after `trickle_session_timeout_minutes` without rounds. `baseline_collector_id` is the ' +
          'server measured benchmark scores are ratios against (null: the oldest server with a valid benchmark). Admins only.',
        tags,
        body: TenantSettingsPatchSchema,
        response: { 200: TenantSettingsSchema },
      },
    },
    async (request) => {
      const b = request.body;
      const current = await findTenantRetention(db, request.tenant.id);
      if (!current) throw notFound();
      const next = {
        retentionRawDays: b.retention_raw_days ?? current.retentionRawDays,
        retention1mDays: b.retention_1m_days ?? current.retention1mDays,
        retention1hDays: b.retention_1h_days ?? current.retention1hDays,
        recordingsRetentionDays:
          b.recordings_retention_days === undefined ? current.recordingsRetentionDays : b.recordings_retention_days,
        trickleSessionTimeoutMinutes: b.trickle_session_timeout_minutes ?? current.trickleSessionTimeoutMinutes,
        baselineCollectorId:
          b.baseline_collector_id === undefined ? current.baselineCollectorId : b.baseline_collector_id,
      };
      // Coarser resolutions summarise finer ones, so they must be kept at least as long.
      if (next.retention1mDays < next.retentionRawDays)
        throw fieldErrors({ retention_1m_days: ['Must be at least retention_raw_days.'] });
      if (next.retention1hDays < next.retention1mDays)
        throw fieldErrors({ retention_1h_days: ['Must be at least retention_1m_days.'] });
      const baseline = b.baseline_collector_id;
      if (baseline && !(await findCollectors(db, request.tenant.id, [baseline])).length)
        throw fieldErrors({ baseline_collector_id: [`Invalid pk "${baseline}" - object does not exist.`] });
      return settingsOf(
        request.tenant.id,
        request.tenant.name,
        await updateTenantRetention(db, request.tenant.id, next),
      );
    },
  );
}
