import { Type } from 'typebox';
import { Nullable, Uuid } from './common.ts';

const days = (max: number) => Type.Integer({ minimum: 1, maximum: max });

/** How long the tenant's metrics are kept at each resolution, in days. */
export const TenantSettingsSchema = Type.Object({
  name: Type.String(),
  domains: Type.Array(Type.Object({ domain: Type.String(), is_primary: Type.Boolean() })),
  retention_raw_days: days(3650),
  retention_1m_days: days(3650),
  retention_1h_days: days(36500),
  /** null: recordings are kept until someone deletes them. */
  recordings_retention_days: Nullable(days(36500)),
  trickle_session_timeout_minutes: Type.Integer({ minimum: 1, maximum: 1440 }),
  /** The server benchmark scores are ratios against (1.0 = this server); null: the first benchmarked server. */
  baseline_collector_id: Nullable(Uuid),
});

export const TenantSettingsPatchSchema = Type.Object({
  retention_raw_days: Type.Optional(days(3650)),
  retention_1m_days: Type.Optional(days(3650)),
  retention_1h_days: Type.Optional(days(36500)),
  recordings_retention_days: Type.Optional(Nullable(days(36500))),
  trickle_session_timeout_minutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 1440 })),
  baseline_collector_id: Type.Optional(Nullable(Uuid)),
});
