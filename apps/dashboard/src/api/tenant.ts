import type { TenantSettingsPatchSchema, TenantSettingsSchema } from '@xat/contracts';
import type { Static } from 'typebox';
import { api } from './client.ts';
import { invalidate, useMutation, useQuery } from './use-query.ts';

export type TenantSettings = Static<typeof TenantSettingsSchema>;
export type TenantSettingsPatch = Static<typeof TenantSettingsPatchSchema>;

/** `GET /api/v1/tenant/` — the team's name, domains and metric retention. */
export function useTenantSettings() {
  return useQuery('tenant', (signal) => api<TenantSettings>('/api/v1/tenant/', { signal }));
}

/** `PATCH /api/v1/tenant/` (admins): retention per resolution, in days. */
export function useUpdateTenantSettings() {
  return useMutation(async (patch: TenantSettingsPatch) => {
    const settings = await api<TenantSettings>('/api/v1/tenant/', { method: 'PATCH', body: patch });
    invalidate('tenant');
    return settings;
  });
}
