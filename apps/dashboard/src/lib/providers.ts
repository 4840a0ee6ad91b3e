import type { Collector } from '@xat/contracts';

/** Series colours, in order (REFERENCE 4.7); chosen to stay readable on light and dark backgrounds. */
export const SERIES_COLORS = [
  '#3b82f6',
  '#ef4444',
  '#22c55e',
  '#f59e0b',
  '#8b5cf6',
  '#ec4899',
  '#06b6d4',
  '#f97316',
  '#64748b',
  '#84cc16',
] as const;

export const seriesColor = (index: number): string => SERIES_COLORS[index % SERIES_COLORS.length] ?? '#3b82f6';

const PROVIDERS: Partial<Record<Collector['vm_brand'], string>> = {
  aws: 'AWS',
  azure: 'Azure',
  gcp: 'GCP',
  oracle_cloud: 'OCI',
  vmware: 'VMware',
  bare_metal: 'Bare Metal',
  dell: 'Dell',
  hp: 'HP',
  lenovo: 'Lenovo',
  other: 'Other',
};

/** The provider label of a VM brand: "OCI" for oracle_cloud, "Unknown" when not known. */
export const providerLabel = (brand: Collector['vm_brand'] | string | undefined): string =>
  (brand && PROVIDERS[brand as Collector['vm_brand']]) || 'Unknown';
