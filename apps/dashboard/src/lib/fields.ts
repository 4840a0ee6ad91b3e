import { HOST_FIELDS, type HostField } from '@xat/contracts';
import { formatBytesPerSecond, formatKb, formatNumber, formatPercent } from './format.ts';

export type Unit = 'percent' | 'kb' | 'bytes_per_second' | 'per_second';

/** How a field's values read: "12.5 %", "1.2 GiB", "3.4 MiB/s", "120 /s". */
export function unitOf(field: string): Unit {
  if (field.startsWith('cpu_') || field.endsWith('_pct')) return 'percent';
  if (field.endsWith('_kb')) return 'kb';
  if (field.endsWith('_bps')) return 'bytes_per_second';
  return 'per_second';
}

export function formatValue(unit: Unit, value: number | null | undefined): string {
  switch (unit) {
    case 'percent':
      return formatPercent(value);
    case 'kb':
      return formatKb(value);
    case 'bytes_per_second':
      return formatBytesPerSecond(value);
    case 'per_second':
      return value === null || value === undefined ? '—' : `${formatNumber(value, 1)} /s`;
  }
}

const LABELS: Record<HostField, string> = {
  cpu_user: 'CPU user',
  cpu_nice: 'CPU nice',
  cpu_system: 'CPU system',
  cpu_iowait: 'CPU iowait',
  cpu_steal: 'CPU steal',
  cpu_idle: 'CPU idle',
  cpu_busy: 'CPU busy',
  mem_free_kb: 'Memory free',
  mem_available_kb: 'Memory available',
  mem_used_kb: 'Memory used',
  mem_used_pct: 'Memory used %',
  mem_buffers_kb: 'Memory buffers',
  mem_cached_kb: 'Memory cached',
  mem_commit_kb: 'Memory committed',
  mem_commit_pct: 'Memory committed %',
  mem_active_kb: 'Memory active',
  mem_inactive_kb: 'Memory inactive',
  mem_dirty_kb: 'Memory dirty',
  disk_read_bps: 'Disk read',
  disk_write_bps: 'Disk write',
  disk_read_iops: 'Disk read IOPS',
  disk_write_iops: 'Disk write IOPS',
  net_rx_bps: 'Network received',
  net_tx_bps: 'Network sent',
  net_rx_pps: 'Network received packets',
  net_tx_pps: 'Network sent packets',
};

export const fieldLabel = (field: string): string => LABELS[field as HostField] ?? field;

export const COMPARABLE_FIELDS: readonly HostField[] = HOST_FIELDS;
export const isHostField = (v: string | null): v is HostField =>
  v !== null && (HOST_FIELDS as readonly string[]).includes(v);
