import type { CollectorValues } from './collectors.queries.ts';

/** Wire field → column, for every collector field a person or an agent may write. */
const COLUMNS = {
  name: 'name',
  description: 'description',
  hostname: 'hostname',
  ip_address: 'ipAddress',
  os_name: 'osName',
  os_version: 'osVersion',
  kernel_version: 'kernelVersion',
  vm_brand: 'vmBrand',
  processor_brand: 'processorBrand',
  processor_model: 'processorModel',
  vcpus: 'vcpus',
  effective_cpus: 'effectiveCpus',
  memory_gib: 'memoryGib',
  storage_gib: 'storageGib',
  storage_type: 'storageType',
  hourly_cost: 'hourlyCost',
  pcd_address: 'pcdAddress',
} as const satisfies Record<string, keyof CollectorValues>;
export type CollectorWireField = keyof typeof COLUMNS;

const DECIMALS = new Set<CollectorWireField>(['memory_gib', 'storage_gib', 'hourly_cost']);

/**
 * Columns for the `allowed` wire fields present in `body` (PATCH semantics: absent keeps the stored value).
 * Bodies may carry unknown keys (schemas allow them, as DRF ignores them), so only `allowed` ones are read.
 */
export function collectorValues(body: object, allowed: readonly CollectorWireField[]): CollectorValues {
  const values: Record<string, unknown> = {};
  for (const field of allowed) {
    const value = (body as Record<string, unknown>)[field];
    if (value === undefined) continue;
    values[COLUMNS[field]] = DECIMALS.has(field) && value !== null ? String(value) : value;
  }
  return values as CollectorValues;
}
