import { VM_BRANDS } from '@xat/contracts';
import { describe, expect, it } from 'vitest';
import { providerLabel, SERIES_COLORS, seriesColor } from './providers.ts';

describe('providerLabel', () => {
  it('names every vm_brand as our pages show it, and anything else Unknown', () => {
    expect(Object.fromEntries(VM_BRANDS.map((b) => [b, providerLabel(b)]))).toEqual({
      dell: 'Dell',
      hp: 'HP',
      lenovo: 'Lenovo',
      oracle_cloud: 'OCI',
      azure: 'Azure',
      aws: 'AWS',
      gcp: 'GCP',
      vmware: 'VMware',
      bare_metal: 'Bare Metal',
      other: 'Other',
      unknown: 'Unknown',
    });
    expect([providerLabel(undefined), providerLabel(''), providerLabel('ibm')]).toEqual([
      'Unknown',
      'Unknown',
      'Unknown',
    ]);
  });
});

describe('seriesColor', () => {
  it('starts with the reference’s palette, has ten distinct colours and cycles them', () => {
    expect(SERIES_COLORS.slice(0, 3)).toEqual(['#3b82f6', '#ef4444', '#22c55e']);
    expect(new Set(SERIES_COLORS).size).toBe(10);
    expect(seriesColor(9)).toBe('#84cc16');
    expect(seriesColor(10)).toBe(seriesColor(0));
  });
});
