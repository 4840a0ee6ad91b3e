import { BRAND_LABELS, COMPARE_COLORS, type Collector } from '@xat/contracts';

/** Series colours, in order: the reference's palette (REFERENCE 4.7) and two more, readable on light and dark. */
export const SERIES_COLORS = [...COMPARE_COLORS, '#64748b', '#84cc16'] as const;

export const seriesColor = (index: number): string => SERIES_COLORS[index % SERIES_COLORS.length] ?? '#3b82f6';

/** The provider label of a VM brand: "OCI" for oracle_cloud, "Unknown" when not known. */
export const providerLabel = (brand: Collector['vm_brand'] | string | undefined): string =>
  (brand && BRAND_LABELS[brand]) || 'Unknown';
